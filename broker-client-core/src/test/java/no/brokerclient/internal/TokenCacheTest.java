package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import no.brokerclient.auth.AccessTokenException;
import no.brokerclient.internal.TokenCache.Token;
import no.brokerclient.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TokenCache} on its own: a fake fetcher, a clock the test moves, and an executor the test runs by hand (or
 * the real bounded one). Tokens live 100 s: refresh-ahead at 70 s (30 s margin), unusable from 90 s (10 s safety).
 */
class TokenCacheTest {
  static final Duration LIFETIME = Duration.ofSeconds(100);
  static final Duration COOL_DOWN = Duration.ofSeconds(5);

  final MutableClock clock = MutableClock.frozen(Instant.parse("2026-12-01T12:00:00Z"));
  final ManualExecutor background = new ManualExecutor();
  final AtomicInteger fetches = new AtomicInteger();
  final List<ExecutorService> pools = new ArrayList<>();

  @AfterEach
  void stop() {
    pools.forEach(ExecutorService::shutdownNow);
  }

  /** Each fetch answers "key-n" (n = fetches so far), living {@link #LIFETIME}. */
  Token next(String key) {
    return new Token(key + "-" + fetches.incrementAndGet(), clock.instant().plus(LIFETIME));
  }

  TokenCache<String> cache(Function<String, Token> fetcher, java.util.concurrent.Executor executor, int maxSize,
      Duration waitTimeout) {
    return new TokenCache<>(fetcher, clock, executor, new TokenCache.Policy(maxSize, Duration.ofSeconds(30), 0.25,
        Duration.ofSeconds(10), COOL_DOWN, waitTimeout));
  }

  TokenCache<String> cache(Function<String, Token> fetcher) {
    return cache(fetcher, background, 100, Duration.ofSeconds(30));
  }

  @Test
  void freshTokensAreServedFromMemoryAndStaleOnesAreRefreshedAheadOnce() {
    TokenCache<String> cache = cache(this::next);
    assertEquals("a-1", cache.get("a"));
    clock.advance(Duration.ofSeconds(69));
    assertEquals("a-1", cache.get("a"), "fresh: no fetch");
    assertEquals(0, background.queued());
    clock.advance(Duration.ofSeconds(2)); // 71 s: stale
    assertEquals("a-1", cache.get("a"), "stale: the old token is served at once");
    assertEquals("a-1", cache.get("a"));
    assertEquals(1, background.queued(), "one background refresh for the key, however many calls");
    assertEquals(1, fetches.get(), "the refresh runs on the executor, not on the caller");
    background.runAll();
    assertEquals("a-2", cache.get("a"));
    assertEquals(2, cache.fetchCount());
  }

  @Test
  void expiredTokensAreFetchedByTheCallerAndNeverServedWithinTheSafetyMargin() {
    TokenCache<String> cache = cache(this::next);
    cache.get("a");
    clock.advance(Duration.ofSeconds(90)); // exactly exp - safety
    assertEquals("a-2", cache.get("a"), "within 10 s of expiry the old token is not served");
    assertEquals(0, background.queued());
  }

  @Test
  void aCallerWithAnExpiredTokenTakesOverARefreshStillQueued() {
    TokenCache<String> cache = cache(this::next);
    cache.get("a");
    clock.advance(Duration.ofSeconds(75));
    cache.get("a"); // queues the refresh; the executor is busy elsewhere and never gets to it
    clock.advance(Duration.ofSeconds(20)); // expired
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertEquals("a-2", cache.get("a")),
        "fetched on the caller's thread instead of waiting behind the queue");
    background.runAll();
    assertEquals(2, fetches.get(), "the queued task found its fetch taken and did nothing");
  }

  @Test
  void aFailingBackgroundRefreshKeepsServingTheOldTokenAndCoolsDown() {
    AtomicInteger failures = new AtomicInteger();
    TokenCache<String> cache = cache(k -> {
      if (fetches.get() >= 1) {
        fetches.incrementAndGet();
        failures.incrementAndGet();
        throw new AccessTokenException("token endpoint down");
      }
      return next(k);
    });
    assertEquals("a-1", cache.get("a"));
    clock.advance(Duration.ofSeconds(71));
    assertEquals("a-1", cache.get("a"));
    background.runAll();
    assertEquals(1, failures.get());
    for (int i = 0; i < 100; i++) {
      assertEquals("a-1", cache.get("a"), "the old token is still usable and served");
    }
    assertEquals(0, background.queued(), "cooling down: no new refresh right after a failure");
    clock.advance(COOL_DOWN.minusMillis(1));
    cache.get("a");
    assertEquals(0, background.queued());
    clock.advance(Duration.ofMillis(1));
    assertEquals("a-1", cache.get("a"));
    assertEquals(1, background.queued(), "after the cool-down one new refresh");
    background.runAll();
    assertEquals(2, failures.get());
    clock.advance(Duration.ofSeconds(20)); // 96 s: unusable now
    AccessTokenException e = assertThrows(AccessTokenException.class, () -> cache.get("a"));
    assertEquals("token endpoint down", e.getMessage(), "an expired token is fetched despite the cool-down");
  }

  @Test
  void concurrentCallersForOneKeyCauseOneFetchAndOtherKeysAreNotBlocked() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch fetching = new CountDownLatch(1);
    TokenCache<String> cache = cache(k -> {
      if (k.equals("slow")) {
        fetching.countDown();
        await(release);
      }
      return next(k);
    });
    ExecutorService callers = pool(Executors.newFixedThreadPool(16));
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      results.add(callers.submit(() -> cache.get("slow")));
    }
    assertTrue(fetching.await(10, TimeUnit.SECONDS));
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertEquals("fast-1", cache.get("fast")),
        "another key's fetch is not held up by the slow one");
    release.countDown();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    for (Future<String> f : results) {
      seen.add(f.get(10, TimeUnit.SECONDS));
    }
    assertEquals(Set.of("slow-2"), seen, "all sixteen got the one token");
    assertEquals(2, fetches.get(), "one fetch for 'slow' and one for 'fast'");
  }

  @Test
  void aWaiterGivesUpAtItsDeadlineWithATypedError() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch fetching = new CountDownLatch(1);
    TokenCache<String> cache = cache(k -> {
      fetching.countDown();
      await(release);
      return next(k);
    }, background, 100, Duration.ofMillis(200));
    ExecutorService first = pool(Executors.newSingleThreadExecutor());
    Future<String> fetcher = first.submit(() -> cache.get("a"));
    assertTrue(fetching.await(10, TimeUnit.SECONDS));
    AccessTokenException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(AccessTokenException.class, () -> cache.get("a")));
    assertTrue(e.getMessage().contains("within 200 ms"), e.getMessage());
    release.countDown();
    assertEquals("a-1", fetcher.get(10, TimeUnit.SECONDS), "the running fetch itself goes on and succeeds");
    assertEquals("a-1", cache.get("a"));
  }

  @Test
  void manyKeysGoingStaleTogetherAreRefreshedByABoundedNumberOfThreads() throws Exception {
    int keys = 40;
    int threads = 3;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Set<String> threadNames = ConcurrentHashMap.newKeySet();
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Boolean> refreshing = new AtomicReference<>(false);
    ExecutorService refresher = pool(TokenCache.refresher("test-refresh", threads));
    TokenCache<String> cache = cache(k -> {
      if (refreshing.get()) {
        threadNames.add(Thread.currentThread().getName());
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
          await(release);
        } finally {
          running.decrementAndGet();
        }
      }
      return next(k);
    }, refresher, 1_000, Duration.ofSeconds(30));
    for (int i = 0; i < keys; i++) {
      cache.get("k" + i);
    }
    refreshing.set(true);
    clock.advance(Duration.ofSeconds(75));
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      for (int i = 0; i < keys; i++) {
        assertEquals("k" + i + "-" + (i + 1), cache.get("k" + i), "the stale token is served without waiting");
      }
    });
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      while (running.get() < threads) {
        Thread.sleep(5);
      }
    });
    Thread.sleep(200); // room for an unbounded pool to start more (not a timing assertion)
    release.countDown();
    // Every key ends up refreshed: wait (bounded) until each serves its new token; a fetch that has returned may
    // not have stored its token yet, so counting fetches is not enough.
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      for (int i = 0; i < keys; i++) {
        while (("k" + i + "-" + (i + 1)).equals(cache.get("k" + i))) {
          Thread.sleep(5);
        }
      }
    });
    assertTrue(peak.get() <= threads, "at most " + threads + " refreshes at once, saw " + peak.get());
    assertTrue(threadNames.size() <= threads, "threads used: " + threadNames);
    assertEquals(2L * keys, cache.fetchCount(), "one refresh a key");
  }

  @Test
  void pastItsSizeTheCacheEvictsUnusableThenLeastRecentlyUsedEntries() {
    TokenCache<String> cache = cache(this::next, background, 10, Duration.ofSeconds(30));
    cache.get("old");
    clock.advance(Duration.ofSeconds(95)); // "old" is unusable now
    cache.get("hot");
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofMillis(1));
      cache.get("k" + i);
      cache.get("hot");
      assertTrue(cache.size() <= 10, "size " + cache.size());
    }
    int before = fetches.get();
    cache.get("hot");
    cache.get("k19");
    assertEquals(before, fetches.get(), "recently used keys are kept");
    cache.get("k0");
    assertEquals(before + 1, fetches.get(), "the least recently used key was evicted and is fetched again");
    cache.get("old");
    assertEquals(before + 2, fetches.get(), "the unusable entry was evicted");
  }

  @Test
  void invalidateDropsOnlyTheRejectedToken() {
    TokenCache<String> cache = cache(this::next);
    cache.get("a");
    cache.invalidate("a", "some-other-token");
    assertEquals("a-1", cache.get("a"));
    cache.invalidate("a", "a-1");
    assertEquals("a-2", cache.get("a"));
  }

  // ------------------------------------------------------------------------------------------- helpers

  <T extends ExecutorService> T pool(T pool) {
    pools.add(pool);
    return pool;
  }

  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs tasks only when the test says so. */
  static final class ManualExecutor implements java.util.concurrent.Executor {
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable task) {
      tasks.add(task);
    }

    synchronized int queued() {
      return tasks.size();
    }

    void runAll() {
      List<Runnable> now;
      synchronized (this) {
        now = new ArrayList<>(tasks);
        tasks.clear();
      }
      now.forEach(Runnable::run);
    }
  }
}
