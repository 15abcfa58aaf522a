package no.brokerclient.spring.boot;

import jakarta.servlet.http.HttpServlet;
import no.brokerclient.BrokerClient;
import no.brokerclient.TelemetryListener;
import no.brokerclient.events.BrokerEventListener;
import no.brokerclient.events.EventDeduplicator;
import no.brokerclient.events.EventRole;
import no.brokerclient.events.EventsClient;
import no.brokerclient.events.WebhookHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Receiving: the {@link WebhookHandler} and its servlet at {@code broker.events.webhook.path}, the subscriptions
 * ensured once the application is ready, and the polling backstop on a Spring-managed scheduler. Events reach
 * {@link BrokerEventListener} beans and {@code @EventListener} methods for {@link BrokerEventReceived}.
 */
@AutoConfiguration(after = BrokerAutoConfiguration.class)
@ConditionalOnBean(BrokerClient.class)
public class BrokerEventsAutoConfiguration {
  /** Used by Spring. */
  public BrokerEventsAutoConfiguration() {
    // beans below
  }

  /** @return the deduplicator the webhook and the pollers share */
  @Bean
  @ConditionalOnMissingBean
  public EventDeduplicator brokerEventDeduplicator() {
    return new EventDeduplicator();
  }

  /**
   * @param listeners the application's listener beans, in order
   * @param publisher publishes {@link BrokerEventReceived}
   * @return the dispatcher
   */
  @Bean
  @ConditionalOnMissingBean
  public BrokerEventDispatcher brokerEventDispatcher(ObjectProvider<BrokerEventListener> listeners,
      ApplicationEventPublisher publisher) {
    return new BrokerEventDispatcher(listeners.orderedStream().toList(), publisher);
  }

  /** @return what the health indicator reads */
  @Bean
  @ConditionalOnMissingBean
  public BrokerStatus brokerStatus() {
    return new BrokerStatus();
  }

  /** @return the scheduler for polling and the delayed subscription check */
  @Bean
  @ConditionalOnMissingBean
  public BrokerTaskScheduler brokerTaskScheduler() {
    return new BrokerTaskScheduler();
  }

  /**
   * @param properties the properties
   * @param deduplicator shared with the pollers
   * @param dispatcher where events go
   * @param telemetry the application's telemetry listeners
   * @return the webhook receiver, when {@code broker.events.webhook.secret} is set
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "broker.events.webhook", name = "secret")
  public WebhookHandler brokerWebhookHandler(BrokerProperties properties, EventDeduplicator deduplicator,
      BrokerEventDispatcher dispatcher, ObjectProvider<TelemetryListener> telemetry) {
    BrokerProperties.Webhook w = properties.getEvents().getWebhook();
    EventRole[] roles = properties.getEvents().getSubscriptions().stream()
        .map(BrokerProperties.SubscriptionSpec::getRole).distinct().toArray(EventRole[]::new);
    WebhookHandler.Builder b = WebhookHandler.builder()
        .secret(w.getSecret())
        .maxBodyBytes(w.getMaxBodyBytes())
        .deduplicator(deduplicator)
        .listener(dispatcher::dispatch)
        .telemetry(BrokerTelemetry.of(telemetry));
    if (roles.length > 0) {
      b.roles(roles);
    }
    return b.build();
  }

  /**
   * @param properties the properties
   * @param events the Events client
   * @param brokerTaskScheduler runs the check
   * @param status records the outcome
   * @return ensures the subscriptions once the application is ready
   */
  @Bean
  @ConditionalOnProperty(prefix = "broker.events", name = "ensure-subscriptions", matchIfMissing = true)
  BrokerSubscriptionEnsurer brokerSubscriptionEnsurer(BrokerProperties properties, EventsClient events,
      BrokerTaskScheduler brokerTaskScheduler, BrokerStatus status) {
    return new BrokerSubscriptionEnsurer(properties, events, brokerTaskScheduler.scheduler(), status);
  }

  /**
   * @param properties the properties
   * @param client the default client (polls need its recipient or sender role)
   * @param deduplicator shared with the webhook
   * @param dispatcher where events go
   * @param brokerTaskScheduler runs the polls
   * @param status records each poll
   * @param telemetry the application's telemetry listeners
   * @return the pollers, one per subscription entry
   */
  @Bean
  @ConditionalOnProperty(prefix = "broker.events.poller", name = "enabled", matchIfMissing = true)
  BrokerPollers brokerPollers(BrokerProperties properties, BrokerClient client, EventDeduplicator deduplicator,
      BrokerEventDispatcher dispatcher, BrokerTaskScheduler brokerTaskScheduler, BrokerStatus status,
      ObjectProvider<TelemetryListener> telemetry) {
    return new BrokerPollers(properties, client, deduplicator, dispatcher, brokerTaskScheduler.scheduler(),
        status, BrokerTelemetry.of(telemetry));
  }

  /** The endpoint in a servlet application (Spring MVC or plain servlets). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(HttpServlet.class)
  @ConditionalOnProperty(prefix = "broker.events.webhook", name = "secret")
  static class Servlet {
    @Bean
    @ConditionalOnProperty(prefix = "broker.events.webhook", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean(name = "brokerWebhookServlet")
    ServletRegistrationBean<HttpServlet> brokerWebhookServlet(BrokerProperties properties, WebhookHandler handler) {
      ServletRegistrationBean<HttpServlet> r = new ServletRegistrationBean<>(new WebhookServlet(handler),
          properties.getEvents().getWebhook().getPath());
      r.setName("brokerWebhook");
      return r;
    }
  }
}
