package no.brokerclient.durable;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What the {@link Inbox.Builder} and {@link Outbox.Builder} share: worker threads, leases, polling, attempts,
 * backoff, stopping and the instance id.
 *
 * @param <B> the concrete builder
 */
public abstract class WorkerBuilder<B extends WorkerBuilder<B>> {
  Settings settings = Settings.defaults();
  String instanceId;
  Clock clock = Clock.systemUTC();
  StepHook hook = StepHook.NONE;

  WorkerBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * @param n worker threads, 1-256; default 4
   * @return this
   */
  public B concurrency(int n) {
    settings = settings.concurrency(n);
    return self();
  }

  /**
   * @param lease how long a claim lasts without renewal; renewed every third of it while working; default 5
   *     minutes. After a crash, other instances wait this long before resuming the crashed instance's work
   * @return this
   */
  public B lease(Duration lease) {
    settings = settings.lease(lease);
    return self();
  }

  /**
   * @param interval how often idle workers look for due work in the store; default 1 s (work offered or submitted
   *     in this process wakes them at once)
   * @return this
   */
  public B pollInterval(Duration interval) {
    settings = settings.pollInterval(interval);
    return self();
  }

  /**
   * @param n failed attempts before a row is quarantined; default 10
   * @return this
   */
  public B maxAttempts(int n) {
    settings = settings.maxAttempts(n);
    return self();
  }

  /**
   * @param initial wait after the first failure, doubled after each further one (plus up to 20 % jitter);
   *     default 10 s
   * @param max longest wait; default 15 minutes
   * @return this
   */
  public B backoff(Duration initial, Duration max) {
    settings = settings.backoff(initial, max);
    return self();
  }

  /**
   * @param timeout how long {@code close()} lets running work finish before interrupting it and releasing its
   *     claims; default 30 s
   * @return this
   */
  public B shutdownTimeout(Duration timeout) {
    settings = settings.shutdownTimeout(timeout);
    return self();
  }

  /**
   * @param id this instance's name in the store's {@code owner} column, 1-200 characters; default host name,
   *     process id and a random suffix
   * @return this
   */
  public B instanceId(String id) {
    if (id == null || id.isBlank() || id.length() > 200) {
      throw new IllegalArgumentException("instanceId must be 1-200 characters");
    }
    this.instanceId = id;
    return self();
  }

  B clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock);
    return self();
  }

  B hook(StepHook hook) {
    this.hook = Objects.requireNonNull(hook);
    return self();
  }

  String instanceIdOrDefault() {
    if (instanceId != null) {
      return instanceId;
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    String id = host + ":" + ProcessHandle.current().pid() + ":" + java.util.UUID.randomUUID().toString()
        .substring(0, 8);
    return id.length() <= 200 ? id : id.substring(id.length() - 200);
  }
}
