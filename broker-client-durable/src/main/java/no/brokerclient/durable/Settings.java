package no.brokerclient.durable;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import no.brokerclient.internal.Text;

/**
 * What the inbox and outbox builders share: worker count, lease, polling, attempts and backoff. One place decides
 * when a failed row is tried again and when it is quarantined, and what of the error is stored.
 */
record Settings(int concurrency, Duration lease, Duration pollInterval, int maxAttempts, Duration initialBackoff,
    Duration maxBackoff, Duration shutdownTimeout) {

  static final int MAX_ERROR_LENGTH = 1000;

  static Settings defaults() {
    return new Settings(4, Duration.ofMinutes(5), Duration.ofSeconds(1), 10, Duration.ofSeconds(10),
        Duration.ofMinutes(15), Duration.ofSeconds(30));
  }

  /** @return when to try again after {@code attempt} failures: doubling from the initial backoff, up to 20 % jitter */
  Instant retryAt(Instant now, int attempt) {
    long base = initialBackoff.toMillis();
    long max = maxBackoff.toMillis();
    long d = base;
    for (int i = 1; i < attempt && d < max; i++) {
      d *= 2;
    }
    d = Math.min(d, max);
    long jitter = d / 5 == 0 ? 0 : ThreadLocalRandom.current().nextLong(d / 5 + 1);
    return now.plusMillis(d + jitter);
  }

  /**
   * What a failure means for a row that had failed {@code attemptsSoFar} times.
   *
   * @param attempt the new attempt count
   * @param quarantined whether the row is now quarantined
   * @param retryAt when to try again (if not quarantined)
   * @param error what to store in {@code last_error}
   */
  record Failure(int attempt, boolean quarantined, Instant retryAt, String error) {
    /** Logs it once it is recorded: ERROR for a quarantine, else WARN. */
    void log(org.slf4j.Logger log, String what, Object state) {
      if (quarantined) {
        log.error("{} quarantined after {} failed attempts; last: {}", what, attempt, error);
      } else {
        log.warn("{} failed in {} (attempt {}), next try at {}: {}", what, state, attempt, retryAt, error);
      }
    }
  }

  Failure failure(int attemptsSoFar, Instant now, Throwable t) {
    int attempt = attemptsSoFar + 1;
    return new Failure(attempt, quarantine(attempt), retryAt(now, attempt), describe(t));
  }

  /** @return whether a row that has now failed {@code attempt} times is quarantined */
  boolean quarantine(int attempt) {
    return attempt >= maxAttempts;
  }

  /**
   * @param t a failure
   * @return its type and message, control characters replaced and cut to {@value #MAX_ERROR_LENGTH} characters. The
   *     SDK's exceptions carry no secrets; a handler's own exception message is stored as it is
   */
  static String describe(Throwable t) {
    return Text.clean(t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage()),
        MAX_ERROR_LENGTH);
  }

  Settings concurrency(int n) {
    if (n < 1 || n > 256) {
      throw new IllegalArgumentException("concurrency must be 1-256, got " + n);
    }
    return new Settings(n, lease, pollInterval, maxAttempts, initialBackoff, maxBackoff, shutdownTimeout);
  }

  Settings lease(Duration d) {
    return new Settings(concurrency, positive("lease", d), pollInterval, maxAttempts, initialBackoff, maxBackoff,
        shutdownTimeout);
  }

  Settings pollInterval(Duration d) {
    return new Settings(concurrency, lease, positive("pollInterval", d), maxAttempts, initialBackoff, maxBackoff,
        shutdownTimeout);
  }

  Settings maxAttempts(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + n);
    }
    return new Settings(concurrency, lease, pollInterval, n, initialBackoff, maxBackoff, shutdownTimeout);
  }

  Settings backoff(Duration initial, Duration max) {
    positive("initialBackoff", initial);
    if (positive("maxBackoff", max).compareTo(initial) < 0) {
      throw new IllegalArgumentException("maxBackoff must not be shorter than initialBackoff");
    }
    return new Settings(concurrency, lease, pollInterval, maxAttempts, initial, max, shutdownTimeout);
  }

  Settings shutdownTimeout(Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("shutdownTimeout must be zero or positive");
    }
    return new Settings(concurrency, lease, pollInterval, maxAttempts, initialBackoff, maxBackoff, d);
  }

  private static Duration positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }
}
