package no.brokerclient.spring.boot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.brokerclient.events.EnsureResult;
import no.brokerclient.events.EventRole;
import no.brokerclient.events.EventSubscriptions;
import no.brokerclient.events.EventsClient;
import no.brokerclient.events.SubscriptionRequest;
import no.brokerclient.model.OrganizationNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;

/**
 * Ensures {@code broker.events.subscriptions} once the application is ready, so the web server already answers
 * the validation event Altinn sends to a new endpoint. Runs on the broker scheduler after
 * {@code broker.events.ensure-delay}, logs one line per subscription, then waits (up to 60 s) for Altinn to
 * validate them and records the outcome in {@link BrokerStatus}.
 */
final class BrokerSubscriptionEnsurer implements ApplicationListener<ApplicationReadyEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerSubscriptionEnsurer.class);
  private static final Duration VALIDATION_WAIT = Duration.ofSeconds(60);

  private final BrokerProperties properties;
  private final EventsClient events;
  private final TaskScheduler scheduler;
  private final BrokerStatus status;

  BrokerSubscriptionEnsurer(BrokerProperties properties, EventsClient events, TaskScheduler scheduler,
      BrokerStatus status) {
    this.properties = properties;
    this.events = events;
    this.scheduler = scheduler;
    this.status = status;
    status.subscriptions(BrokerStatus.Subscriptions.PENDING, "waiting for the application to be ready", List.of());
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (properties.getEvents().getSubscriptions().isEmpty()) {
      status.subscriptions(BrokerStatus.Subscriptions.NONE, "", List.of());
      return;
    }
    String endpoint = endpoint(event.getApplicationContext().getEnvironment());
    scheduler.schedule(() -> ensure(endpoint), Instant.now().plus(properties.getEvents().getEnsureDelay()));
  }

  private String endpoint(Environment env) {
    BrokerProperties.Webhook w = properties.getEvents().getWebhook();
    if (w.getPublicUrl() != null) {
      return w.getPublicUrl();
    }
    String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
    return "http://localhost:" + port + env.getProperty("server.servlet.context-path", "") + w.getPath();
  }

  void ensure(String endpoint) {
    try {
      List<SubscriptionRequest> wanted = new ArrayList<>();
      for (BrokerProperties.SubscriptionSpec s : properties.getEvents().getSubscriptions()) {
        wanted.addAll(requests(s, endpoint));
      }
      EnsureResult result = events.ensure(wanted, properties.getEvents().isDeleteStale());
      List<Integer> ids = new ArrayList<>();
      for (EnsureResult.Entry e : result.entries()) {
        ids.add(e.subscription().id());
        LOG.info("Altinn Events subscription {} {}: {} on {} for {} to {}", e.subscription().id(),
            e.outcome().name().toLowerCase(java.util.Locale.ROOT), e.request().typeFilter(),
            e.request().resourceFilter(), e.request().subjectFilter(), e.subscription());
      }
      for (var d : result.deleted()) {
        LOG.info("Altinn Events subscription {} deleted (stale): {}", d.id(), d);
      }
      awaitValidation(ids);
    } catch (RuntimeException e) {
      LOG.warn("Ensuring Altinn Events subscriptions failed: {}", e.toString());
      status.subscriptions(BrokerStatus.Subscriptions.FAILED, e.toString(), List.of());
    }
  }

  private void awaitValidation(List<Integer> ids) {
    Instant deadline = Instant.now().plus(VALIDATION_WAIT);
    List<Integer> pending = new ArrayList<>(ids);
    while (true) {
      pending.removeIf(id -> events.get(id).validated());
      if (pending.isEmpty()) {
        LOG.info("Altinn Events validated subscription(s) {}", ids);
        status.subscriptions(BrokerStatus.Subscriptions.VALIDATED, "validated " + ids, ids);
        return;
      }
      status.subscriptions(BrokerStatus.Subscriptions.AWAITING_VALIDATION, "awaiting validation of " + pending, ids);
      if (Instant.now().isAfter(deadline)) {
        LOG.warn("Altinn Events has not validated subscription(s) {} after {} s: does {} reach this application?",
            pending, VALIDATION_WAIT.toSeconds(), properties.getEvents().getWebhook().getPath());
        return;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private List<SubscriptionRequest> requests(BrokerProperties.SubscriptionSpec s, String endpoint) {
    EventSubscriptions.Builder b = EventSubscriptions.builder()
        .resourceId(s.getResourceId())
        .subject(OrganizationNumber.of(organization(properties, s)))
        .endpoint(endpoint)
        .webhookSecret(properties.getEvents().getWebhook().getSecret());
    BrokerAutoConfiguration.platform(properties, b::platformUrl, b::environment);
    if (!s.getTypes().isEmpty()) {
      b.types(s.getTypes().toArray(String[]::new));
    } else if (s.getRole() == EventRole.SENDER) {
      b.senderEvents();
    } else {
      b.recipientEvents();
    }
    return b.build();
  }

  static String organization(BrokerProperties properties, BrokerProperties.SubscriptionSpec s) {
    return s.getOrganization() != null ? s.getOrganization() : properties.getSystemUser().getOrganization();
  }
}
