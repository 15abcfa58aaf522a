package no.brokerclient;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import no.brokerclient.internal.Backoff;

/**
 * 429 Too Many Requests after the retries the {@link RetryPolicy} allowed. Broker's documented limits are per
 * Maskinporten client: 120/min for most calls, 10/min for search and details. {@link #retryAfter()} says how long
 * the server asked to wait.
 */
public final class BrokerRateLimitedException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  /** The server's {@code Retry-After}, or {@code null}. */
  private final Duration retryAfter;

  BrokerRateLimitedException(ApiError error, String hint) {
    super(error, hint);
    this.retryAfter = Backoff.requestedWait(error.header("Retry-After").orElse(null),
        error.header("Date").orElse(null), Clock.systemUTC());
  }

  /**
   * How long the server asked the caller to wait, from the last answer's {@code Retry-After}: delta seconds, or an
   * HTTP date measured against the answer's own {@code Date} header (the system clock when it has none). Not capped
   * by {@link RetryPolicy#maxRetryAfter()}, which only bounds the SDK's own waits; a date in the past is zero.
   *
   * @return the wait, or empty when the answer had no (valid) {@code Retry-After}
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
