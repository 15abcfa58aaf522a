package no.brokerclient.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Derives every OkHttp client the SDK uses (Broker, Events, Maskinporten's token endpoint, metadata and Altinn
 * exchange) and decides, in this one place, what they never do: follow redirects (a redirect would carry the
 * subscription key, the request body or a signed grant to another origin; Altinn's APIs never redirect), or
 * silently repeat a request after a connection failure (that could repeat a non-idempotent call). A 3xx is then
 * answered to the caller, which turns it into a typed error naming {@link #location(Response)}. It also decides
 * who releases a client's connection pool and dispatcher ({@link Shared}). Internal.
 */
public final class HttpClients {
  /** Idle connections the SDK's own pool keeps. */
  static final int POOL_IDLE_CONNECTIONS = 5;
  /** How long the SDK's own pool keeps an idle connection. */
  static final Duration POOL_KEEP_ALIVE = Duration.ofSeconds(50);

  private HttpClients() {}

  /**
   * The one place a client builder's OkHttp client comes from: the caller's (never closed by the SDK), one
   * inherited from the client a {@code newBuilder()} came from (its pool and dispatcher shared and released by the
   * last client that uses them), or a new one with the SDK's pool ({@value #POOL_IDLE_CONNECTIONS} idle
   * connections, 50 s keep-alive) and the given default timeouts. Explicit timeouts win over all three.
   *
   * @param callers the caller's client, or {@code null}
   * @param inherited the pool of the client this builder was derived from, or {@code null}; ignored when {@code
   *     callers} is set
   * @param defaults timeouts for a new client
   * @param explicit timeouts the caller set (each may be {@code null})
   * @return the client and who releases it; the caller of this method holds one use and must {@link
   *     Shared#release()} it
   * @throws IllegalStateException when {@code inherited} was already released by every client using it
   */
  public static Lease lease(OkHttpClient callers, Lease inherited, Timeouts defaults, Timeouts explicit) {
    Shared shared;
    OkHttpClient base;
    if (callers != null) {
      shared = new Shared(callers, false);
      base = callers;
    } else if (inherited != null) {
      shared = inherited.shared().acquire();
      base = inherited.client();
    } else {
      base = null;
      shared = null;
    }
    OkHttpClient client = derive(base, hb -> {
      if (callers == null && inherited == null) {
        hb.connectionPool(new ConnectionPool(POOL_IDLE_CONNECTIONS, POOL_KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS))
            .connectTimeout(defaults.connect()).readTimeout(defaults.read()).writeTimeout(defaults.write());
      }
      if (explicit.connect() != null) {
        hb.connectTimeout(explicit.connect());
      }
      if (explicit.read() != null) {
        hb.readTimeout(explicit.read());
      }
      if (explicit.write() != null) {
        hb.writeTimeout(explicit.write());
      }
    });
    return new Lease(client, shared != null ? shared : new Shared(client, true));
  }

  /**
   * OkHttp's three timeouts.
   *
   * @param connect to connect
   * @param read the longest silence while reading
   * @param write the longest stall while writing
   */
  public record Timeouts(Duration connect, Duration read, Duration write) {}

  /**
   * A client and the pool it uses.
   *
   * @param client the derived client a transport calls with
   * @param shared its pool and dispatcher, and who releases them
   */
  public record Lease(OkHttpClient client, Shared shared) {}

  /**
   * A connection pool and dispatcher and the number of SDK clients using them. The clients built from one builder
   * and those derived with {@code newBuilder()} share one; each holds a use and releases it on {@code close()}.
   * When the last use is released, a pool the SDK created is shut down (dispatcher threads stopped, idle
   * connections closed); a caller-supplied client's never is. Thread-safe.
   */
  public static final class Shared {
    private final OkHttpClient client;
    private final boolean owned;
    private final AtomicInteger uses = new AtomicInteger(1);

    Shared(OkHttpClient client, boolean owned) {
      this.client = client;
      this.owned = owned;
    }

    /** @return whether the SDK created this pool and so shuts it down after the last use */
    public boolean owned() {
      return owned;
    }

    /** @return how many clients use the pool now */
    public int uses() {
      return uses.get();
    }

    /**
     * @return this, with one more use
     * @throws IllegalStateException when every client using it has closed
     */
    Shared acquire() {
      while (true) {
        int n = uses.get();
        if (n == 0) {
          throw new IllegalStateException("the client this builder came from, and every client derived from it,"
              + " is closed: its connection pool is released");
        }
        if (uses.compareAndSet(n, n + 1)) {
          return this;
        }
      }
    }

    /** Gives up one use; the last one shuts down a pool the SDK created. Call once per use. */
    public void release() {
      if (uses.decrementAndGet() == 0 && owned) {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
      }
    }
  }

  /**
   * @param base the caller's client to derive from (its pool, dispatcher, proxy and TLS), or {@code null} for a
   *     new one
   * @param settings the caller's settings (timeouts, pool); applied before the SDK's rules, so they cannot undo
   *     them
   * @return the derived client: no redirects, no silent retries
   */
  public static OkHttpClient derive(OkHttpClient base, Consumer<OkHttpClient.Builder> settings) {
    OkHttpClient.Builder b = base != null ? base.newBuilder() : new OkHttpClient.Builder();
    settings.accept(b);
    return b.followRedirects(false).followSslRedirects(false).retryOnConnectionFailure(false).build();
  }

  /**
   * @param status an HTTP status
   * @return whether it is a redirection (3xx), which the SDK never follows
   */
  public static boolean isRedirect(int status) {
    return status >= 300 && status < 400;
  }

  /**
   * The redirect target, safe for messages and logs: resolved against the request URL, with user info, query and
   * fragment removed (a hostile server could echo a credential into them), control characters replaced, at most
   * 200 characters.
   *
   * @param response a 3xx response
   * @return {@code scheme://host[:port]/path} (with {@code ?…} when there was a query), or {@code "(none)"}
   */
  public static String location(Response response) {
    String raw = response.header("Location");
    if (raw == null || raw.isBlank()) {
      return "(none)";
    }
    HttpUrl u = response.request().url().resolve(raw.strip());
    String shown;
    if (u != null) {
      shown = u.scheme() + "://" + u.host() + (u.port() == HttpUrl.defaultPort(u.scheme()) ? "" : ":" + u.port())
          + u.encodedPath() + (u.encodedQuery() != null || u.encodedFragment() != null ? "?…" : "");
    } else {
      int cut = indexOfAny(raw, "?#@");
      shown = cut < 0 ? raw : raw.substring(0, cut) + "…";
    }
    return Text.clean(shown, 200);
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
