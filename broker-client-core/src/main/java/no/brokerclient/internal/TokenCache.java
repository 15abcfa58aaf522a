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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import no.brokerclient.BrokerInterruptedException;
import no.brokerclient.auth.AccessTokenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caches tokens per key, with no global lock:
 *
 * <ul>
 *   <li>FRESH (before {@code exp − margin}, margin = max(minMargin, share × lifetime)): served from a volatile field.
 *   <li>STALE (until {@code exp − safety}): served, while exactly one background refresh runs for that key.
 *   <li>EXPIRED or absent: the first caller fetches on its own thread; concurrent callers for the same key wait
 *       for that one fetch; callers for other keys are never blocked by it.
 * </ul>
 *
 * Size is bounded: past {@code maxSize} entries, unusable entries and then the least recently used are evicted.
 * Internal.
 *
 * @param <K> the key: a value type with equals/hashCode
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

  private record Cached(Token token, Instant refreshAt, Instant usableUntil) {}

  private final class Entry {
    volatile Cached cached;
    volatile long lastUsed;
    CompletableFuture<Cached> inflight; // guarded by this entry
  }

  private final ConcurrentHashMap<K, Entry> entries = new ConcurrentHashMap<>();
  private final Function<K, Token> fetcher;
  private final Clock clock;
  private final Executor refresher;
  private final int maxSize;
  private final Duration minMargin;
  private final double marginShare;
  private final Duration safety;
  private final AtomicLong fetches = new AtomicLong();

  /**
   * @param fetcher fetches a token for a key (blocking); throws {@link AccessTokenException} on failure
   * @param clock time source
   * @param refresher runs background refreshes
   * @param maxSize most entries kept
   * @param minMargin least time before expiry at which refresh-ahead starts
   * @param marginShare share of the lifetime at which refresh-ahead starts, if larger than {@code minMargin}
   * @param safety a token is never served within this time of its expiry
   */
  public TokenCache(Function<K, Token> fetcher, Clock clock, Executor refresher, int maxSize, Duration minMargin,
      double marginShare, Duration safety) {
    this.fetcher = fetcher;
    this.clock = clock;
    this.refresher = refresher;
    this.maxSize = maxSize;
    this.minMargin = minMargin;
    this.marginShare = marginShare;
    this.safety = safety;
  }

  /**
   * @param key the key
   * @return a token usable for at least the safety margin
   * @throws AccessTokenException when it cannot be fetched
   */
  public String get(K key) {
    Instant now = clock.instant();
    long ms = now.toEpochMilli();
    Entry e = entries.get(key);
    if (e == null) {
      e = entries.computeIfAbsent(key, k -> new Entry());
      e.lastUsed = ms;
      if (entries.size() > maxSize) {
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
      refresh(key, e, true);
      return c.token.value();
    }
    while (true) {
      try {
        return await(refresh(key, e, false)).token.value();
      } catch (BrokerInterruptedException ie) {
        if (Thread.currentThread().isInterrupted()) {
          throw ie;
        }
        // The thread fetching for every waiter was interrupted, this one was not: fetch again.
      }
    }
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

  private CompletableFuture<Cached> refresh(K key, Entry e, boolean background) {
    CompletableFuture<Cached> f;
    synchronized (e) {
      if (e.inflight != null) {
        return e.inflight;
      }
      f = new CompletableFuture<>();
      e.inflight = f;
    }
    if (background) {
      try {
        refresher.execute(() -> fetch(key, e, f, true));
      } catch (RejectedExecutionException rejected) {
        fetch(key, e, f, true);
      }
    } else {
      fetch(key, e, f, false);
    }
    return f;
  }

  private void fetch(K key, Entry e, CompletableFuture<Cached> f, boolean background) {
    try {
      fetches.incrementAndGet();
      Token t = fetcher.apply(key);
      Cached c = cached(t);
      e.cached = c;
      done(e, f);
      f.complete(c);
    } catch (RuntimeException | Error ex) {
      if (background) {
        LOG.warn("Background token refresh for {} failed; the current token is served until it nears expiry: {}",
            key, ex.toString());
      }
      done(e, f);
      f.completeExceptionally(ex);
    }
  }

  /** Ends the in-flight fetch before its waiters wake, so a waiter that fetches again starts a new one. */
  private void done(Entry e, CompletableFuture<Cached> f) {
    synchronized (e) {
      if (e.inflight == f) {
        e.inflight = null;
      }
    }
  }

  private Cached cached(Token t) {
    Instant now = clock.instant();
    Duration lifetime = Duration.between(now, t.expiresAt());
    long margin = Math.max(minMargin.toMillis(), (long) (lifetime.toMillis() * marginShare));
    // A token living less than twice the minimum margin refreshes at half-life, not on every call.
    margin = Math.min(margin, Math.max(0, lifetime.toMillis() / 2));
    return new Cached(t, t.expiresAt().minusMillis(margin), t.expiresAt().minus(safety));
  }

  private static Cached await(CompletableFuture<Cached> f) {
    try {
      return f.get();
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new BrokerInterruptedException("interrupted while waiting for another thread's token request", ie);
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
    int target = Math.max(1, (int) (maxSize * 0.9));
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
