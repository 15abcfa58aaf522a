package no.brokerclient.spring.boot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import no.brokerclient.BrokerClient;
import no.brokerclient.TelemetryListener;
import no.brokerclient.events.BrokerEventPoller;
import no.brokerclient.events.EventDeduplicator;
import no.brokerclient.model.OrganizationNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * The polling backstop: one {@link BrokerEventPoller} per {@code broker.events.subscriptions} entry, run with a
 * fixed delay on the broker scheduler while the context runs, feeding the same dispatcher and deduplicator as the
 * webhook. Records each poll in {@link BrokerStatus}.
 */
final class BrokerPollers implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerPollers.class);

  private final BrokerProperties properties;
  private final BrokerClient client;
  private final EventDeduplicator deduplicator;
  private final BrokerEventDispatcher dispatcher;
  private final TaskScheduler scheduler;
  private final BrokerStatus status;
  private final TelemetryListener telemetry;
  private final List<ScheduledFuture<?>> running = new ArrayList<>();

  BrokerPollers(BrokerProperties properties, BrokerClient client, EventDeduplicator deduplicator,
      BrokerEventDispatcher dispatcher, TaskScheduler scheduler, BrokerStatus status, TelemetryListener telemetry) {
    this.properties = properties;
    this.client = client;
    this.deduplicator = deduplicator;
    this.dispatcher = dispatcher;
    this.scheduler = scheduler;
    this.status = status;
    this.telemetry = telemetry;
  }

  @Override
  public synchronized void start() {
    BrokerProperties.Poller p = properties.getEvents().getPoller();
    for (BrokerProperties.SubscriptionSpec s : properties.getEvents().getSubscriptions()) {
      String org = BrokerSubscriptionEnsurer.organization(properties, s);
      String name = s.getRole().name().toLowerCase(java.util.Locale.ROOT) + ":" + s.getResourceId() + ":" + org;
      BrokerEventPoller poller = BrokerEventPoller.builder()
          .client(client)
          .resourceId(s.getResourceId())
          .organization(OrganizationNumber.of(org))
          .role(s.getRole())
          .deduplicator(deduplicator)
          .listener(dispatcher::dispatch)
          .telemetry(telemetry)
          .build();
      running.add(scheduler.scheduleWithFixedDelay(() -> poll(name, poller), Instant.now().plus(p.getInitialDelay()),
          p.getInterval()));
      LOG.info("Polling Broker every {} s for {} events the webhook missed", p.getInterval().toSeconds(), name);
    }
  }

  private void poll(String name, BrokerEventPoller poller) {
    try {
      int n = poller.pollOnce();
      status.pollSucceeded(name, Instant.now());
      if (n > 0) {
        LOG.info("Poll {} found {} event(s) the webhook had not delivered", name, n);
      }
    } catch (RuntimeException e) {
      status.pollFailed(name, Instant.now(), e.toString());
      LOG.warn("Poll {} failed: {}", name, e.toString());
    }
  }

  @Override
  public synchronized void stop() {
    running.forEach(f -> f.cancel(false));
    running.clear();
  }

  @Override
  public synchronized boolean isRunning() {
    return !running.isEmpty();
  }
}
