package no.brokerclient.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import no.brokerclient.RetryPolicy;

/** Retry delays shared by the Broker transport and the token clients. Internal. */
public final class Backoff {
  private Backoff() {}

  /**
   * @param retry the policy
   * @param attempt 1 for the first retry
   * @return {@code min(initial × 2^(attempt-1), max)} scaled by a random factor in [0.5, 1]
   */
  public static Duration delay(RetryPolicy retry, int attempt) {
    long base = retry.initialBackoff().toNanos();
    long cap = retry.maxBackoff().toNanos();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long exp = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
    double jitter = 0.5 + 0.5 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofNanos((long) (exp * jitter));
  }

  /**
   * Reads {@code Retry-After}. An HTTP date is measured against the response's own {@code Date} header when it has
   * one (both are the server's clock, so a skewed local clock does not stretch or cut the wait), else against
   * {@code clock}.
   *
   * @param retry the policy (for the cap)
   * @param header a {@code Retry-After} value (delta seconds or HTTP date), or {@code null}
   * @param dateHeader the response's {@code Date} header, or {@code null}
   * @param clock for HTTP dates when the response has no usable {@code Date}
   * @return the wait capped at {@link RetryPolicy#maxRetryAfter()}, or {@code null} when absent or unparseable
   */
  public static Duration retryAfter(RetryPolicy retry, String header, String dateHeader, Clock clock) {
    Duration d = requestedWait(header, dateHeader, clock);
    if (d == null) {
      return null;
    }
    return d.compareTo(retry.maxRetryAfter()) > 0 ? retry.maxRetryAfter() : d;
  }

  /**
   * Reads {@code Retry-After} as {@link #retryAfter} does, without a cap.
   *
   * @param header a {@code Retry-After} value (delta seconds or HTTP date), or {@code null}
   * @param dateHeader the response's {@code Date} header, or {@code null}
   * @param clock for HTTP dates when the response has no usable {@code Date}
   * @return the wait the server asked for (zero for a date in the past), or {@code null} when absent or unparseable
   */
  public static Duration requestedWait(String header, String dateHeader, Clock clock) {
    if (header == null || header.isBlank()) {
      return null;
    }
    Duration d;
    String v = header.strip();
    try {
      d = Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException e) {
      Instant until = httpDate(v);
      if (until == null) {
        return null;
      }
      Instant serverNow = dateHeader == null ? null : httpDate(dateHeader.strip());
      d = Duration.between(serverNow != null ? serverNow : clock.instant(), until);
    }
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * @param v an HTTP date (RFC 1123), e.g. a {@code Date} or {@code Retry-After} header
   * @return the instant, or {@code null} when it is not one
   */
  public static Instant httpDate(String v) {
    try {
      return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
