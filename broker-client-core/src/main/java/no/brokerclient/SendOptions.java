package no.brokerclient;

import java.time.Duration;
import java.util.Objects;

/**
 * Options for {@link BrokerClient#send}. Defaults: do not wait for {@code Published}; no progress listener;
 * {@link UploadMode#AUTO}.
 */
public final class SendOptions {
  /** The defaults. */
  public static final SendOptions DEFAULT = builder().build();

  private final Duration awaitPublished;
  private final ProgressListener progressListener;
  private final UploadMode uploadMode;

  private SendOptions(Builder b) {
    this.awaitPublished = b.awaitPublished;
    this.progressListener = b.progressListener;
    this.uploadMode = b.uploadMode;
  }

  /** @return a builder with the defaults */
  public static Builder builder() {
    return new Builder();
  }

  /** @return how long to wait for {@code Published} after the upload, or {@code null} not to wait */
  public Duration awaitPublished() {
    return awaitPublished;
  }

  /** @return the upload progress listener */
  public ProgressListener progressListener() {
    return progressListener;
  }

  /** @return how the file is uploaded */
  public UploadMode uploadMode() {
    return uploadMode;
  }

  /** Builds {@link SendOptions}. */
  public static final class Builder {
    private Duration awaitPublished;
    private ProgressListener progressListener = ProgressListener.NONE;
    private UploadMode uploadMode = UploadMode.AUTO;

    private Builder() {}

    /**
     * Waits after the upload until the transfer is {@code Published} (virus scan done), polling the overview.
     *
     * @param timeout positive; how long to wait before {@link BrokerTimeoutException}
     * @return this builder
     */
    public Builder awaitPublished(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.awaitPublished = timeout;
      return this;
    }

    /**
     * @param listener upload progress; default none
     * @return this builder
     */
    public Builder progressListener(ProgressListener listener) {
      this.progressListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @param mode how to upload; default {@link UploadMode#AUTO} (TUS from {@link
     *     BrokerClient.Builder#tusThreshold}, default 64 MiB)
     * @return this builder
     */
    public Builder uploadMode(UploadMode mode) {
      this.uploadMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** @return the options */
    public SendOptions build() {
      return new SendOptions(this);
    }
  }
}
