package no.brokerclient.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import no.brokerclient.TelemetryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a {@link TelemetryListener} so that it can never break the SDK's call: whatever it throws is caught, and
 * the first failure is logged at WARN (later ones at DEBUG). Thread-safe. Internal.
 */
public final class Telemetry {
  /** Dispatches to {@link TelemetryListener#NONE}. */
  public static final Telemetry NONE = new Telemetry(TelemetryListener.NONE);

  private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);
  private static final Logger TRANSFERS = LoggerFactory.getLogger("no.brokerclient.transfer");

  private final TelemetryListener listener;
  private final AtomicBoolean warned = new AtomicBoolean();

  private Telemetry(TelemetryListener listener) {
    this.listener = listener;
  }

  /**
   * @param listener the listener, or {@code null} for none
   * @return its safe dispatcher
   */
  public static Telemetry of(TelemetryListener listener) {
    return listener == null || listener == TelemetryListener.NONE ? NONE : new Telemetry(listener);
  }

  /** @return the listener */
  public TelemetryListener listener() {
    return listener;
  }

  /** @param a the attempt */
  public void httpAttempt(TelemetryListener.HttpAttempt a) {
    call(l -> l.httpAttempt(a));
  }

  /** @param r the retry */
  public void retry(TelemetryListener.Retry r) {
    call(l -> l.retry(r));
  }

  /**
   * @param kind {@code maskinporten} or {@code altinnTokenExchange}
   * @param startNanos {@link System#nanoTime()} at the start
   * @param failure the failure, or {@code null} on success
   */
  public void tokenFetch(String kind, long startNanos, Throwable failure) {
    Duration d = Duration.ofNanos(System.nanoTime() - startNanos);
    call(l -> l.tokenFetch(new TelemetryListener.TokenFetch(kind, failure == null, d,
        failure == null ? null : failure.getClass().getSimpleName())));
  }

  /** @param offset the new offset */
  public void clockOffset(Duration offset) {
    call(l -> l.clockOffset(offset));
  }

  /**
   * Logs the INFO line of a completed transfer (id, size, duration, throughput) and reports it.
   *
   * @param direction which way
   * @param fileTransferId the transfer
   * @param bytes the bytes moved
   * @param startNanos {@link System#nanoTime()} at the start
   */
  public void transferCompleted(TelemetryListener.Direction direction, UUID fileTransferId, long bytes,
      long startNanos) {
    Duration d = Duration.ofNanos(System.nanoTime() - startNanos);
    if (TRANSFERS.isInfoEnabled()) {
      double seconds = Math.max(d.toNanos(), 1) / 1e9;
      TRANSFERS.info("{} file transfer {}: {} bytes in {} ms ({} MiB/s)",
          direction == TelemetryListener.Direction.UPLOAD ? "Uploaded" : "Downloaded", fileTransferId, bytes,
          d.toMillis(), String.format(Locale.ROOT, "%.1f", bytes / seconds / (1024 * 1024)));
    }
    call(l -> l.transfer(new TelemetryListener.Transfer(direction, fileTransferId, bytes, d)));
  }

  /** @param o the outcome */
  public void webhookDelivery(TelemetryListener.WebhookOutcome o) {
    call(l -> l.webhookDelivery(o));
  }

  /** @param eventType the event type */
  public void pollerCaughtMissedEvent(String eventType) {
    call(l -> l.pollerCaughtMissedEvent(eventType));
  }

  private void call(Consumer<TelemetryListener> event) {
    if (listener == TelemetryListener.NONE) {
      return;
    }
    try {
      event.accept(listener);
    } catch (RuntimeException | LinkageError e) {
      if (warned.compareAndSet(false, true)) {
        LOG.warn("TelemetryListener {} threw {}; ignored (this is logged once, later failures at DEBUG)",
            listener.getClass().getName(), e.toString());
      } else {
        LOG.debug("TelemetryListener threw {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "Telemetry{" + listener.getClass().getName() + "}";
  }
}
