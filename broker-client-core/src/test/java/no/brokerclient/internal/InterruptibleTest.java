package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The watchdog's bookkeeping: a call is watched until its body is closed, and the thread goes away when idle. */
class InterruptibleTest {
  static boolean watchdogRunning() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("broker-client-interrupt-watchdog") && t.isAlive());
  }

  @Test
  void aCallIsWatchedUntilItsBodyIsClosedAndTheWatchdogThenStops() throws Exception {
    OkHttpClient http = new OkHttpClient();
    try (MockWebServer server = new MockWebServer()) {
      server.start(0);
      server.enqueue(new MockResponse.Builder().body("hello").build());
      int before = Interruptible.watched();
      Response r = Interruptible.execute(http.newCall(new Request.Builder().url(server.url("/")).build()), "GET /");
      assertEquals(before + 1, Interruptible.watched(), "watched while the body is open");
      assertTrue(watchdogRunning());
      assertEquals("hello", r.body().string());
      r.close();
      assertEquals(before, Interruptible.watched(), "released with the body");
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      while (Interruptible.watched() == 0 && watchdogRunning()) {
        Thread.sleep(50);
      }
    });
  }
}
