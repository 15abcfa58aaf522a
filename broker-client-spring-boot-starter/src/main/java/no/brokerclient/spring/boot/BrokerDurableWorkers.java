package no.brokerclient.spring.boot;

import java.util.List;
import no.brokerclient.durable.Inbox;
import no.brokerclient.durable.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the durable inbox and outbox workers once the application is ready (so start-up failures elsewhere never
 * leave workers claiming rows) and stops them on shutdown, before the web server and the clients close: running
 * work gets {@code broker.durable.shutdown-timeout} to finish, the rest is released for another instance.
 */
public final class BrokerDurableWorkers implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerDurableWorkers.class);

  private final List<Inbox> inboxes;
  private final List<Outbox> outboxes;
  private boolean running;

  BrokerDurableWorkers(List<Inbox> inboxes, List<Outbox> outboxes) {
    this.inboxes = List.copyOf(inboxes);
    this.outboxes = List.copyOf(outboxes);
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    start();
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    inboxes.forEach(Inbox::start);
    outboxes.forEach(Outbox::start);
    running = true;
    LOG.info("Durable workers started: {} inbox(es), {} outbox(es)", inboxes.size(), outboxes.size());
  }

  /** @return {@code false}: the workers start on {@link ApplicationReadyEvent}, not at context refresh */
  @Override
  public boolean isAutoStartup() {
    return false;
  }

  @Override
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    inboxes.forEach(Inbox::close);
    outboxes.forEach(Outbox::close);
  }

  @Override
  public synchronized boolean isRunning() {
    return running;
  }

  @Override
  public String toString() {
    return "BrokerDurableWorkers{" + inboxes.size() + " inbox(es), " + outboxes.size() + " outbox(es)}";
  }
}
