package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import no.brokerclient.BrokerInterruptedException;
import no.brokerclient.internal.TokenCache.Token;
import org.junit.jupiter.api.Test;

/** An interrupt ends the wait of the interrupted thread only: a thread waiting on its token request fetches anew. */
class TokenCacheInterruptTest {
  @Test
  void aWaiterOfAnInterruptedFetchFetchesItselfInsteadOfFailing() throws Exception {
    Clock clock = Clock.systemUTC();
    CountDownLatch fetching = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    TokenCache<String> cache = new TokenCache<>(k -> {
      if (calls.incrementAndGet() == 1) {
        fetching.countDown();
        try {
          Thread.sleep(60_000); // a silent token endpoint
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new BrokerInterruptedException("interrupted during the token request", ie);
        }
      }
      return new Token("token-" + calls.get(), clock.instant().plus(Duration.ofHours(1)));
    }, clock, Runnable::run, new TokenCache.Policy(100, Duration.ofMinutes(1), 0.1, Duration.ofSeconds(10),
        Duration.ofSeconds(5), Duration.ofMinutes(5)));

    AtomicReference<Throwable> aSaw = new AtomicReference<>();
    boolean[] aFlag = new boolean[1];
    Thread a = new Thread(() -> {
      try {
        cache.get("k");
      } catch (RuntimeException e) {
        aSaw.set(e);
        aFlag[0] = Thread.currentThread().isInterrupted();
      }
    });
    AtomicReference<String> bGot = new AtomicReference<>();
    Thread b = new Thread(() -> bGot.set(cache.get("k")));
    a.start();
    fetching.await();
    b.start();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      while (b.getState() != Thread.State.TIMED_WAITING) { // parked on a's in-flight fetch (with a deadline)
        Thread.sleep(5);
      }
    });
    a.interrupt();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      a.join();
      b.join();
    });
    assertInstanceOf(BrokerInterruptedException.class, aSaw.get());
    assertTrue(aFlag[0], "a's interrupt flag is still set");
    assertEquals("token-2", bGot.get(), "b was not interrupted: it fetched a token of its own");
    assertEquals(2, calls.get());
  }
}
