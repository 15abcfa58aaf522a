package no.brokerclient.testing;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

/** Checks on the threads the SDK starts, by name. */
public final class Threads {
  private Threads() {}

  /**
   * @param prefix a thread name prefix, e.g. {@code broker-client-md5-}
   * @return whether a live thread has a name starting with it
   */
  public static boolean alive(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().startsWith(prefix));
  }

  /**
   * Waits (up to 20 s) until no live thread's name starts with {@code prefix}.
   *
   * @param prefix the name prefix
   */
  public static void assertNoneLeft(String prefix) {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      while (alive(prefix)) {
        Thread.sleep(20);
      }
    }, () -> "a thread named " + prefix + "… is still running");
  }
}
