package no.brokerclient.testing;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import okhttp3.ConnectionPool;

/** Assertions about an OkHttp connection pool shared with the SDK through {@code httpClient(...)}. */
public final class Connections {
  private Connections() {}

  /**
   * Waits (up to 10 s) until every connection in the pool is idle or gone: none stays checked out by a call that
   * ended.
   *
   * @param pool the pool
   */
  public static void assertNoneInUse(ConnectionPool pool) {
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      while (pool.connectionCount() != pool.idleConnectionCount()) {
        Thread.sleep(20);
      }
    }, "a connection stayed in use");
  }
}
