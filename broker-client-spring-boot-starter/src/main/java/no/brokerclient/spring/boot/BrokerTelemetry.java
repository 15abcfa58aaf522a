package no.brokerclient.spring.boot;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import no.brokerclient.TelemetryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The application's {@link TelemetryListener} beans (Micrometer's among them) as the one listener each client takes.
 * Each listener is called on its own: one that throws is logged (at WARN the first time, then at DEBUG) and the
 * others still hear the event.
 */
final class BrokerTelemetry extends TelemetryListener {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerTelemetry.class);

  private final List<TelemetryListener> listeners;
  private final List<AtomicBoolean> warned;

  private BrokerTelemetry(List<TelemetryListener> listeners) {
    this.listeners = List.copyOf(listeners);
    this.warned = listeners.stream().map(l -> new AtomicBoolean()).toList();
  }

  /**
   * @param listeners the listener beans, called in {@code @Order}
   * @return {@link TelemetryListener#NONE} for none, the listener itself for one, else all of them
   */
  static TelemetryListener of(ObjectProvider<TelemetryListener> listeners) {
    return of(listeners.orderedStream().toList());
  }

  /**
   * @param listeners the listeners, in order
   * @return {@link TelemetryListener#NONE} for none, the listener itself for one, else all of them
   */
  static TelemetryListener of(List<TelemetryListener> listeners) {
    return switch (listeners.size()) {
      case 0 -> TelemetryListener.NONE;
      case 1 -> listeners.get(0);
      default -> new BrokerTelemetry(listeners);
    };
  }

  @Override
  public void httpAttempt(HttpAttempt attempt) {
    each(l -> l.httpAttempt(attempt));
  }

  @Override
  public void retry(Retry retry) {
    each(l -> l.retry(retry));
  }

  @Override
  public void tokenFetch(TokenFetch fetch) {
    each(l -> l.tokenFetch(fetch));
  }

  @Override
  public void clockOffset(Duration offset) {
    each(l -> l.clockOffset(offset));
  }

  @Override
  public void transfer(Transfer transfer) {
    each(l -> l.transfer(transfer));
  }

  @Override
  public void webhookDelivery(WebhookOutcome outcome) {
    each(l -> l.webhookDelivery(outcome));
  }

  @Override
  public void pollerCaughtMissedEvent(String eventType) {
    each(l -> l.pollerCaughtMissedEvent(eventType));
  }

  private void each(Consumer<TelemetryListener> event) {
    for (int i = 0; i < listeners.size(); i++) {
      TelemetryListener l = listeners.get(i);
      try {
        event.accept(l);
      } catch (RuntimeException | LinkageError e) {
        if (warned.get(i).compareAndSet(false, true)) {
          LOG.warn("TelemetryListener {} threw {}; ignored, the other listeners still run (this is logged once,"
              + " later failures at DEBUG)", l.getClass().getName(), e.toString());
        } else {
          LOG.debug("TelemetryListener {} threw {}", l.getClass().getName(), e.toString());
        }
      }
    }
  }

  @Override
  public String toString() {
    return "BrokerTelemetry" + listeners;
  }
}
