package no.brokerclient.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.RetryPolicy;
import no.brokerclient.TelemetryListener;
import no.brokerclient.auth.AccessTokenProvider;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The settings every client of the SDK shares ({@code BrokerClient}, {@code EventsClient}, {@code
 * AltinnAccessClient}) and the one place their rules are decided, as openai-java's {@code ClientOptions}: the
 * environment or a URL, not both; {@code https} for every URL a token or key goes to, plain {@code http} only to
 * loopback ({@link Hosts#requireSecure}); no query or fragment in it; positive durations; a subscription key that is
 * not blank and is never shown; a printable-ASCII User-Agent suffix; a caller's OkHttp client that is never closed;
 * timeouts; the test hooks ({@code clock} public on every builder like Maskinporten's, the sleeper package-private on
 * every builder). A public builder keeps one {@link Builder} and forwards its setters to it; the client keeps the
 * built options, derives its {@link Transport} from them, and offers {@code newBuilder()} through {@link
 * #toBuilder()}, which shares the connection pool ({@link HttpClients.Shared}). Immutable and thread-safe once
 * built. Internal.
 */
public final class ClientOptions {
  private final HttpUrl url;
  private final HttpClients.Lease http;
  /** The settings as built: a copy no builder can change. */
  private final Builder settings;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ClientOptions(Builder b, HttpUrl url, HttpClients.Lease http) {
    this.url = url;
    this.http = http;
    this.settings = b.copy();
  }

  /** @return the platform URL, checked */
  public HttpUrl url() {
    return url;
  }

  /** @return the configured token provider, or {@code null} when the client gets its tokens another way */
  public AccessTokenProvider tokens() {
    return settings.tokens;
  }

  /** @return the derived OkHttp client (no redirects, no silent retries) */
  public OkHttpClient http() {
    return http.client();
  }

  /** @return the pool this client shares with the clients derived from it or it from */
  public HttpClients.Shared pool() {
    return http.shared();
  }

  /** @return the retry policy */
  public RetryPolicy retryPolicy() {
    return settings.retryPolicy;
  }

  /** @return the clock */
  public Clock clock() {
    return settings.clock;
  }

  /** @return the sleeper */
  public Sleeper sleeper() {
    return settings.sleeper;
  }

  /** @return the largest JSON answer accepted */
  public long maxResponseSize() {
    return settings.maxResponseSize;
  }

  /** @return {@code "****"} when a subscription key is set, else {@code "none"}: for {@code toString()} */
  public String subscriptionKeyShown() {
    return settings.subscriptionKey != null ? "****" : "none";
  }

  /**
   * @param tokenProvider the tokens this transport sends
   * @return a transport over this client's HTTP client, key, User-Agent, retries, sleeper, clock and telemetry
   */
  public Transport transport(AccessTokenProvider tokenProvider) {
    Builder s = settings;
    return new Transport(http.client(), tokenProvider, s.subscriptionKey, UserAgent.of(s.userAgentSuffix),
        s.retryPolicy, s.sleeper, s.clock, s.maxResponseSize, Telemetry.of(s.telemetry));
  }

  /** @return a builder with these settings whose {@link Builder#build()} shares this client's connection pool */
  public Builder toBuilder() {
    Builder b = settings.copy();
    b.inherited = http;
    return b;
  }

  /** @return whether {@link #close()} was called */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Gives up this client's use of the pool (the last use shuts down a pool the SDK created). Idempotent.
   *
   * @return whether this call closed it (false when it was closed already)
   */
  public boolean close() {
    if (closed.compareAndSet(false, true)) {
      http.shared().release();
      return true;
    }
    return false;
  }

  /**
   * @param name the setting, for the message
   * @param d the duration
   * @return {@code d}
   * @throws IllegalArgumentException unless positive
   */
  public static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }

  /** The shared settings of a client builder, checked as they are set and in {@link #build()}. Not thread-safe. */
  public static final class Builder implements Cloneable {
    private final String urlSetting;
    private final HttpClients.Timeouts defaults;
    private AltinnEnvironment environment;
    private String url;
    private String subscriptionKey;
    private AccessTokenProvider tokens;
    private OkHttpClient httpClient;
    private HttpClients.Lease inherited;
    private Duration connectTimeout;
    private Duration readTimeout;
    private Duration writeTimeout;
    private long maxResponseSize = Transport.DEFAULT_MAX_RESPONSE_SIZE;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private TelemetryListener telemetry = TelemetryListener.NONE;
    private String userAgentSuffix;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;

    /**
     * @param urlSetting the public builder's name for the URL setting, e.g. {@code baseUrl}, for messages
     * @param defaults the timeouts of a client the SDK creates
     */
    public Builder(String urlSetting, HttpClients.Timeouts defaults) {
      this.urlSetting = Objects.requireNonNull(urlSetting, "urlSetting");
      this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** @return an independent copy (every field is an immutable value, so a shallow copy is one) */
    public Builder copy() {
      try {
        return (Builder) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }

    /** @param environment TT02 or PRODUCTION; conflicts with the URL setting */
    public void environment(AltinnEnvironment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** @param url a platform URL; checked in {@link #build()}; conflicts with the environment */
    public void url(String url) {
      this.url = Objects.requireNonNull(url, urlSetting);
    }

    /** @param key the APIM subscription key */
    public void subscriptionKey(String key) {
      this.subscriptionKey = Objects.requireNonNull(key, "key");
    }

    /** @param provider the token provider */
    public void tokens(AccessTokenProvider provider) {
      this.tokens = Objects.requireNonNull(provider, "provider");
    }

    /** @return the token provider, or {@code null} */
    public AccessTokenProvider tokens() {
      return tokens;
    }

    /** @param client the caller's client, never closed by the SDK; replaces a pool inherited by newBuilder() */
    public void httpClient(OkHttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      this.inherited = null;
    }

    /** @param timeout positive */
    public void connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
    }

    /** @param timeout positive */
    public void readTimeout(Duration timeout) {
      this.readTimeout = positive("readTimeout", timeout);
    }

    /** @param timeout positive */
    public void writeTimeout(Duration timeout) {
      this.writeTimeout = positive("writeTimeout", timeout);
    }

    /** @param timeout positive: connect, read and write */
    public void timeout(Duration timeout) {
      positive("timeout", timeout);
      this.connectTimeout = timeout;
      this.readTimeout = timeout;
      this.writeTimeout = timeout;
    }

    /** @param bytes at least 1024 */
    public void maxResponseSize(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxResponseSize must be at least 1024 bytes, got " + bytes);
      }
      this.maxResponseSize = bytes;
    }

    /** @param policy retries */
    public void retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
    }

    /** @param listener telemetry */
    public void telemetry(TelemetryListener listener) {
      this.telemetry = Objects.requireNonNull(listener, "listener");
    }

    /** @param suffix printable ASCII, not blank */
    public void userAgent(String suffix) {
      if (suffix == null || suffix.isBlank() || suffix.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
        throw new IllegalArgumentException("userAgent must be printable ASCII");
      }
      this.userAgentSuffix = suffix;
    }

    /** @param clock the clock */
    public void clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @param sleeper the sleeper */
    public void sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Checks the settings without building anything: call it before the client's own checks that could fail, so
     * no connection pool is created for a builder that is rejected.
     *
     * @return the checked platform URL
     * @throws IllegalStateException when the URL is missing, given twice, not https (nor loopback), or has a query
     *     or fragment, or the subscription key is blank
     */
    public HttpUrl checkedUrl() {
      if (environment != null && url != null) {
        throw new IllegalStateException("set either environment(...) or " + urlSetting + "(...), not both");
      }
      if (environment == null && url == null) {
        throw new IllegalStateException("environment(AltinnEnvironment.TT02 or PRODUCTION) or " + urlSetting
            + "(...) is required");
      }
      if (subscriptionKey != null && subscriptionKey.isBlank()) {
        throw new IllegalStateException("subscriptionKey is blank; omit it instead");
      }
      HttpUrl u = Hosts.requireSecure(urlSetting, environment != null ? environment.platformUrl() : url);
      if (u.query() != null || u.fragment() != null) {
        throw new IllegalStateException(urlSetting + " must not have a query or fragment");
      }
      return u;
    }

    /**
     * @return the options, with the OkHttp client: the caller's (derived), the inherited pool's, or a new one
     * @throws IllegalStateException as {@link #checkedUrl()}, or when the client a {@code newBuilder()} came from
     *     and all clients derived from it are closed
     */
    public ClientOptions build() {
      HttpUrl u = checkedUrl();
      HttpClients.Lease lease = HttpClients.lease(httpClient, inherited, defaults,
          new HttpClients.Timeouts(connectTimeout, readTimeout, writeTimeout));
      return new ClientOptions(this, u, lease);
    }
  }
}
