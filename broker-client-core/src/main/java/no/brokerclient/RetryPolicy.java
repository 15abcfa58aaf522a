package no.brokerclient;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link BrokerClient} retries. Immutable.
 *
 * <p>What is retried: idempotent calls (overview, details, search, download, confirm, resource and service-owner
 * reads, resource update, statistics) on I/O errors, 429, 502, 503 and 504; non-idempotent calls (initialize,
 * upload, initialize-and-upload, service-owner registration) only when the request certainly did not reach the
 * server (connection refused) and on 429 and 503, and only when their body can be sent again (a {@code Path},
 * never an {@code InputStream}). Downloads that break mid-stream resume with a {@code Range} request.
 *
 * <p>Delay: {@code min(initialBackoff × 2^(attempt-1), maxBackoff)} scaled by a random factor in [0.5, 1], or
 * the server's {@code Retry-After} (seconds or HTTP date) capped at {@code maxRetryAfter}.
 */
public final class RetryPolicy {
  /** 3 retries, 500 ms initial backoff, 8 s maximum backoff, {@code Retry-After} honoured up to 60 s. */
  public static final RetryPolicy DEFAULT = builder().build();
  /** No retries at all. */
  public static final RetryPolicy NONE = builder().maxRetries(0).build();

  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;

  private RetryPolicy(Builder b) {
    this.maxRetries = b.maxRetries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxRetryAfter = b.maxRetryAfter;
  }

  /** @return a builder with the defaults */
  public static Builder builder() {
    return new Builder();
  }

  /** @return retries after the first attempt */
  public int maxRetries() {
    return maxRetries;
  }

  /** @return the delay before the first retry, before jitter */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** @return the largest backoff, before jitter */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** @return the longest {@code Retry-After} honoured; longer values are capped to this */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxRetries=" + maxRetries + ", initialBackoff=" + initialBackoff + ", maxBackoff="
        + maxBackoff + ", maxRetryAfter=" + maxRetryAfter + "}";
  }

  /** Builds a {@link RetryPolicy}. */
  public static final class Builder {
    private int maxRetries = 3;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(8);
    private Duration maxRetryAfter = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * @param maxRetries 0-10; default 3
     * @return this builder
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 10) {
        throw new IllegalArgumentException("maxRetries must be 0-10, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * @param d non-negative; default 500 ms
     * @return this builder
     */
    public Builder initialBackoff(Duration d) {
      this.initialBackoff = nonNegative("initialBackoff", d);
      return this;
    }

    /**
     * @param d non-negative; default 8 s
     * @return this builder
     */
    public Builder maxBackoff(Duration d) {
      this.maxBackoff = nonNegative("maxBackoff", d);
      return this;
    }

    /**
     * @param d non-negative; default 60 s
     * @return this builder
     */
    public Builder maxRetryAfter(Duration d) {
      this.maxRetryAfter = nonNegative("maxRetryAfter", d);
      return this;
    }

    /** @return the policy */
    public RetryPolicy build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalStateException("maxBackoff (" + maxBackoff + ") is less than initialBackoff ("
            + initialBackoff + ")");
      }
      return new RetryPolicy(this);
    }

    private static Duration nonNegative(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, got " + d);
      }
      return d;
    }
  }
}
