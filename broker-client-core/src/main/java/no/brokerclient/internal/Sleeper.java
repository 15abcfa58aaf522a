package no.brokerclient.internal;

import java.time.Duration;

/** Waits between retries and polls; replaceable in tests. Internal. */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps on the calling thread. */
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

  /**
   * @param duration how long
   * @throws InterruptedException if interrupted
   */
  void sleep(Duration duration) throws InterruptedException;
}
