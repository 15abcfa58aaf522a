package no.brokerclient.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import no.brokerclient.TelemetryListener;

/**
 * Records the SDK's {@link TelemetryListener} events as Micrometer meters. Pass one instance to the {@code
 * telemetry(...)} of each builder ({@code BrokerClient}, {@code Maskinporten}, {@code EventsClient}, {@code
 * WebhookHandler}, {@code BrokerEventPoller}); meters are shared. Names follow Micrometer's conventions
 * (dot-separated, lower case, base units); tags are bounded (operation names and path templates from a fixed set,
 * statuses, outcomes), never ids, URLs or organisation numbers. The meters (see README "Metrics and tracing"):
 *
 * <ul>
 *   <li>{@value #HTTP_REQUESTS} (timer): each HTTP attempt; tags {@code operation}, {@code method}, {@code uri},
 *       {@code status} (the code, or {@code IO_ERROR}), {@code outcome} ({@code SUCCESS}, {@code CLIENT_ERROR}, …)</li>
 *   <li>{@value #HTTP_RETRIES} (counter): retries; tags {@code operation}, {@code reason} (a status, or
 *       {@code io})</li>
 *   <li>{@value #TOKEN_FETCHES} (timer): token requests with their retries; tags {@code kind}, {@code outcome}
 *       ({@code success}, {@code failure}), {@code error} (exception class, or {@code none})</li>
 *   <li>{@value #CLOCK_OFFSET} (gauge, seconds): Maskinporten's clock minus the local clock, as last measured</li>
 *   <li>{@value #TRANSFER_BYTES} (distribution summary, bytes) and {@value #TRANSFERS} (timer): completed
 *       transfers; tag {@code direction} ({@code upload}, {@code download})</li>
 *   <li>{@value #WEBHOOK_DELIVERIES} (counter): webhook deliveries; tag {@code outcome} ({@code ok}, {@code
 *       duplicate}, {@code validation}, {@code skipped}, {@code bad_secret}, {@code malformed}, {@code
 *       listener_failed})</li>
 *   <li>{@value #POLLER_MISSED_EVENTS} (counter): events the poller found that the webhook had missed; tag {@code
 *       type}</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class MicrometerTelemetry extends TelemetryListener {
  /** Timer of HTTP attempts. */
  public static final String HTTP_REQUESTS = "brokerclient.http.requests";
  /** Counter of retries. */
  public static final String HTTP_RETRIES = "brokerclient.http.retries";
  /** Timer of token requests. */
  public static final String TOKEN_FETCHES = "brokerclient.token.fetches";
  /** Gauge of the clock offset to Maskinporten, in seconds. */
  public static final String CLOCK_OFFSET = "brokerclient.clock.offset";
  /** Distribution summary of bytes per completed transfer. */
  public static final String TRANSFER_BYTES = "brokerclient.transfer.bytes";
  /** Timer of completed transfers. */
  public static final String TRANSFERS = "brokerclient.transfers";
  /** Counter of webhook deliveries by outcome. */
  public static final String WEBHOOK_DELIVERIES = "brokerclient.webhook.deliveries";
  /** Counter of events the poller found that the webhook had missed. */
  public static final String POLLER_MISSED_EVENTS = "brokerclient.poller.missed.events";

  private final MeterRegistry registry;
  private final AtomicLong clockOffsetMillis = new AtomicLong();

  /**
   * Registers the clock-offset gauge (0 until an offset is measured); the other meters appear with their first
   * event.
   *
   * @param registry where the meters go
   */
  public MicrometerTelemetry(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    TimeGauge.builder(CLOCK_OFFSET, clockOffsetMillis, TimeUnit.MILLISECONDS, AtomicLong::doubleValue)
        .description("Maskinporten's clock minus the local clock, as last measured from its Date header")
        .strongReference(true) // a weakly held value reads NaN once the GC takes it, even while clients report
        .register(registry);
  }

  @Override
  public void httpAttempt(HttpAttempt a) {
    Timer.builder(HTTP_REQUESTS)
        .description("HTTP attempts to Altinn Broker and Events, retries included")
        .tag("operation", a.operation())
        .tag("method", a.method())
        .tag("uri", a.pathTemplate())
        .tag("status", a.outcome() == Outcome.IO_ERROR ? "IO_ERROR" : Integer.toString(a.status()))
        .tag("outcome", a.outcome().name())
        .register(registry)
        .record(a.duration());
  }

  @Override
  public void retry(Retry r) {
    Counter.builder(HTTP_RETRIES)
        .description("Calls repeated after a transient status or an I/O error")
        .tag("operation", r.operation())
        .tag("reason", r.reason())
        .register(registry)
        .increment();
  }

  @Override
  public void tokenFetch(TokenFetch f) {
    Timer.builder(TOKEN_FETCHES)
        .description("Token requests to Maskinporten and the Altinn token exchange, with their retries")
        .tag("kind", f.kind())
        .tag("outcome", f.success() ? "success" : "failure")
        .tag("error", f.error() == null ? "none" : f.error())
        .register(registry)
        .record(f.duration());
  }

  @Override
  public void clockOffset(java.time.Duration offset) {
    clockOffsetMillis.set(offset.toMillis());
  }

  @Override
  public void transfer(Transfer t) {
    String direction = t.direction().name().toLowerCase(Locale.ROOT);
    DistributionSummary.builder(TRANSFER_BYTES)
        .description("Bytes of each completed upload or download")
        .baseUnit("bytes")
        .tag("direction", direction)
        .register(registry)
        .record(t.bytes());
    Timer.builder(TRANSFERS)
        .description("Duration of each completed upload or download")
        .tag("direction", direction)
        .register(registry)
        .record(t.duration());
  }

  @Override
  public void webhookDelivery(WebhookOutcome outcome) {
    Counter.builder(WEBHOOK_DELIVERIES)
        .description("Webhook deliveries by how they were answered")
        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  @Override
  public void pollerCaughtMissedEvent(String eventType) {
    Counter.builder(POLLER_MISSED_EVENTS)
        .description("Events the poller found that the webhook had not delivered")
        .tag("type", eventType)
        .register(registry)
        .increment();
  }

  @Override
  public String toString() {
    return "MicrometerTelemetry{" + registry.getClass().getSimpleName() + "}";
  }
}
