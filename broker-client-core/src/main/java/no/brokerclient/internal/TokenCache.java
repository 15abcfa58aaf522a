package no.brokerclient.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import no.brokerclient.BrokerInterruptedException;
import no.brokerclient.auth.AccessTokenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caches tokens per key, with no global lock and no I/O under any lock:
 *
 * <ul>
 *   <li>FRESH (before {@code exp − margin}, margin = max(minMargin, share × lifetime)): served from a volatile field.
 *   <li>STALE (until {@code exp − safety}): served, while exactly one background refresh runs for that key. After a
 *       failed background refresh the key cools down ({@link Policy#coolDown}): the old token is served and no new
 *       refresh starts until the cool-down ends, so a failing endpoint is not hammered by every call.
 *   <li>EXPIRED or absent: the first caller fetches on its own thread (taking over a queued background refresh that
 *       has not started); concurrent callers for the same key wait for that one fetch, at most {@link
 *       Policy#waitTimeout} (then {@link AccessTokenException}); callers for other keys are never blocked by it.
 * </ul>
 *
 * Background refreshes run on the executor given, normally {@link #refresher(String, int)}: a fixed number of
 * threads however many keys go stale together. Size is bounded: past {@code maxSize} entries, unusable entries and
 * then the least recently used are evicted. Internal.
 *
 * @param <K> the key: a value type with equals/hashCode and a {@code toString()} without secrets
 */
public final class TokenCache<K> {
  private static final Logger LOG = LoggerFactory.getLogger(TokenCache.class);

  /** A token and its real expiry. {@code toString()} hides the value. */
  public record Token(String value, Instant expiresAt) {
    @Override
    public String toString() {
      return "Token{expiresAt=" + expiresAt + ", value=****}";
    }
  }

  /**
   * The cache's numbers.
   *
   * @param maxSize most entries kept
   * @param minMargin least time before expiry at which refresh-ahead starts
   * @param marginShare share of the lifetime at which refresh-ahead starts, if larger than {@code minMargin}
   * @param safety a token is never served within this time of its expiry
   * @param coolDown after a failed background refresh, no new one for this key starts for this long
   * @param waitTimeout longest a caller without a usable token waits for another thread's fetch of it
   */
  public record Policy(int maxSize, Duration minMargin, double marginShare, Duration safety, Duration coolDown,
      Duration waitTimeout) {
    /**
     * @param maxSize most entries kept
     * @param waitTimeout longest a caller waits for another thread's fetch
     * @return refresh-ahead at max(30 s, a quarter of the lifetime), never within 10 s of expiry, a 5 s cool-down
     */
    public static Policy of(int maxSize, Duration waitTimeout) {
      return new Policy(maxSize, Duration.ofSeconds(30), 0.25, Duration.ofSeconds(10), Duration.ofSeconds(5),
          waitTimeout);
    }
  }

  private record Cached(Token token, Instant refreshAt, Instant usableUntil) {}

  /** One fetch: whoever wins {@code started} runs it (a refresher thread, or a caller that cannot wait for it). */
  private static final class Flight {
    final CompletableFuture<Cached> result = new CompletableFuture<>();
    final AtomicBoolean started = new AtomicBoolean();
  }

  private final class Entry {
    volatile Cached cached;
    volatile long lastUsed;
    volatile long coolUntil; // epoch millis on the cache's clock; 0: none
    Flight inflight; // guarded by this entry
  }

  private final ConcurrentHashMap<K, Entry> entries = new ConcurrentHashMap<>();
  private final Function<K, Token> fetcher;
  private final Clock clock;
  private final Executor refresher;
  private final Policy policy;
  private final AtomicLong fetches = new AtomicLong();

  /**
   * @param fetcher fetches a token for a key (blocking); throws {@link AccessTokenException} on failure
   * @param clock time source of expiry and cool-down (waiting is measured on {@link System#nanoTime()})
   * @param refresher runs background refreshes
   * @param policy the numbers
   */
  public TokenCache(Function<K, Token> fetcher, Clock clock, Executor refresher, Policy policy) {
    this.fetcher = fetcher;
    this.clock = clock;
    this.refresher = refresher;
    this.policy = policy;
  }

  /**
   * An executor for background refreshes: at most {@code threads} daemon threads (started on demand, ended after 30
   * s idle), the rest queued. The queue holds at most one refresh per cached key.
   *
   * @param name thread name prefix
   * @param threads most threads
   * @return the executor; the caller shuts it down
   */
  public static ExecutorService refresher(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * @param key the key
   * @return a token usable for at least the safety margin
   * @throws AccessTokenException when it cannot be fetched, or another thread's fetch of it did not finish within
   *     the wait timeout
   */
  public String get(K key) {
    Instant now = clock.instant();
    long ms = now.toEpochMilli();
    Entry e = entries.get(key);
    if (e == null) {
      e = entries.computeIfAbsent(key, k -> new Entry());
      e.lastUsed = ms;
      if (entries.size() > policy.maxSize()) {
        evict();
      }
    } else if (e.lastUsed != ms) {
      // Written at most once a millisecond: no shared write on the hot path, so no cache-line contention.
      e.lastUsed = ms;
    }
    Cached c = e.cached;
    if (c != null && now.isBefore(c.refreshAt)) {
      return c.token.value();
    }
    if (c != null && now.isBefore(c.usableUntil)) {
      if (ms >= e.coolUntil) {
        refreshInBackground(key, e);
      }
      return c.token.value();
    }
    return fetchOrWait(key, e, System.nanoTime() + policy.waitTimeout().toNanos());
  }

  /**
   * Drops the cached token for {@code key} if it is {@code token} (or whatever it is, when {@code token} is null).
   *
   * @param key the key
   * @param token the rejected token, or {@code null}
   */
  public void invalidate(K key, String token) {
    Entry e = entries.get(key);
    if (e != null) {
      Cached c = e.cached;
      if (c != null && (token == null || c.token.value().equals(token))) {
        e.cached = null;
      }
    }
  }

  /** @return the number of fetches started so far */
  public long fetchCount() {
    return fetches.get();
  }

  /** @return the number of keys held */
  public int size() {
    return entries.size();
  }

  /** No usable token: fetch on this thread, or wait (until {@code deadline}) for the fetch already running. */
  private String fetchOrWait(K key, Entry e, long deadline) {
    while (true) {
      Flight f;
      synchronized (e) {
        Cached c = e.cached; // a fetch may have finished since the caller looked
        if (c != null && clock.instant().isBefore(c.usableUntil)) {
          return c.token.value();
        }
        if (e.inflight == null) {
          e.inflight = new Flight();
        }
        f = e.inflight;
      }
      if (f.started.compareAndSet(false, true)) {
        run(key, e, f, false);
      }
      try {
        return await(key, f, deadline).token.value();
      } catch (BrokerInterruptedException ie) {
        if (Thread.currentThread().isInterrupted()) {
          throw ie;
        }
        // The thread fetching for every waiter was interrupted, this one was not: fetch again.
      }
    }
  }

  private void refreshInBackground(K key, Entry e) {
    Flight f;
    synchronized (e) {
      if (e.inflight != null) {
        return;
      }
      f = new Flight();
      e.inflight = f;
    }
    Runnable task = () -> {
      if (f.started.compareAndSet(false, true)) {
        run(key, e, f, true);
      }
    };
    try {
      refresher.execute(task);
    } catch (RejectedExecutionException closed) {
      task.run(); // the owner was closed: refresh on the caller's thread rather than never
    }
  }

  private void run(K key, Entry e, Flight f, boolean background) {
    try {
      fetches.incrementAndGet();
      Cached c = cached(fetcher.apply(key));
      e.cached = c;
      e.coolUntil = 0;
      done(e, f);
      f.result.complete(c);
    } catch (RuntimeException | Error ex) {
      if (background) {
        e.coolUntil = clock.millis() + policy.coolDown().toMillis();
        LOG.warn("Background token refresh for {} failed; the current token is served until it nears expiry,"
            + " next refresh in {} s at the earliest: {}", key, policy.coolDown().toSeconds(), ex.toString());
      }
      done(e, f);
      f.result.completeExceptionally(ex);
    }
  }

  /** Ends the in-flight fetch before its waiters wake, so a waiter that fetches again starts a new one. */
  private void done(Entry e, Flight f) {
    synchronized (e) {
      if (e.inflight == f) {
        e.inflight = null;
      }
    }
  }

  private Cached cached(Token t) {
    Instant now = clock.instant();
    Duration lifetime = Duration.between(now, t.expiresAt());
    long margin = Math.max(policy.minMargin().toMillis(), (long) (lifetime.toMillis() * policy.marginShare()));
    // A token living less than twice the minimum margin refreshes at half-life, not on every call.
    margin = Math.min(margin, Math.max(0, lifetime.toMillis() / 2));
    return new Cached(t, t.expiresAt().minusMillis(margin), t.expiresAt().minus(policy.safety()));
  }

  private Cached await(K key, Flight f, long deadline) {
    try {
      return f.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new BrokerInterruptedException("interrupted while waiting for another thread's token request", ie);
    } catch (TimeoutException te) {
      throw new AccessTokenException("no token for " + key + " within " + policy.waitTimeout().toMillis()
          + " ms: another thread's request for it has not finished", te);
    } catch (ExecutionException ee) {
      Throwable cause = ee.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new AccessTokenException("token fetch failed", cause);
    }
  }

  private void evict() {
    Instant now = clock.instant();
    int target = Math.max(1, (int) (policy.maxSize() * 0.9));
    entries.entrySet().removeIf(x -> {
      Cached c = x.getValue().cached;
      return entries.size() > target && c != null && !now.isBefore(c.usableUntil) && idle(x.getValue());
    });
    if (entries.size() > target) {
      List<Map.Entry<K, Entry>> all = new ArrayList<>(entries.entrySet());
      all.sort(Comparator.comparingLong(x -> x.getValue().lastUsed));
      for (Map.Entry<K, Entry> x : all) {
        if (entries.size() <= target) {
          break;
        }
        if (idle(x.getValue())) {
          entries.remove(x.getKey(), x.getValue());
        }
      }
    }
  }

  private boolean idle(Entry e) {
    synchronized (e) {
      return e.inflight == null;
    }
  }
}
