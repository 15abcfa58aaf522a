package no.brokerclient.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.RetryPolicy;
import no.brokerclient.TelemetryListener;
import no.brokerclient.internal.Hosts;
import no.brokerclient.internal.HttpClients;
import no.brokerclient.internal.Sleeper;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maskinporten access tokens for Altinn: signs JWT-bearer grants, caches tokens per scope set (and per system
 * user, consumer organisation and resource), refreshes them ahead of expiry, and exchanges them for Altinn tokens.
 *
 * <pre>{@code
 * Maskinporten maskinporten = Maskinporten.builder()
 *     .environment(MaskinportenEnvironment.TEST)
 *     .clientId("my-client-id")
 *     .signer(GrantSigners.pkcs12(Path.of("virksomhet.p12"), password, null, null))
 *     .altinnEnvironment(AltinnEnvironment.TT02)
 *     .build();
 *
 * BrokerClient broker = BrokerClient.builder()
 *     .environment(AltinnEnvironment.TT02)
 *     .accessTokenProvider(maskinporten.withSystemUser(OrganizationNumber.of("991825827")).forBroker())
 *     .roles(Role.SENDER)
 *     .build();
 * }</pre>
 *
 * <h2>Grants</h2>
 * Every HTTP attempt gets a new grant: {@code aud} = the issuer (from the environment's
 * {@code /.well-known/oauth-authorization-server}, cached 12 hours; when discovery fails, the last discovered values
 * are kept, else built-in values are used, each for 5 minutes), {@code iss} =
 * client id, space-separated {@code scope}, {@code iat} now, {@code exp} = {@code iat} + 120 s, a random {@code
 * jti}; and, when set, {@code resource}, {@code consumer_org} and the system user's {@code authorization_details}.
 *
 * <h2>Cache</h2>
 * Keyed by client id, issuer, the scope <em>set</em> (order-insensitive), resource, consumer organisation and
 * system user (organisation and {@code externalRef}). A token is served from memory until {@code exp − margin}
 * (margin: the larger of 30 s and a quarter of its lifetime), then served while one background refresh runs, and
 * never within 10 s of expiry (Broker validates expiry with zero clock skew). Concurrent callers for one key cause
 * one request; callers for different keys never wait for each other. At most {@link Builder#cacheSize} keys
 * (default 10,000) are kept.
 *
 * <h2>Errors and retries</h2>
 * I/O errors, 429, 502, 503 and 504 are retried with jittered exponential backoff (the SDK's one retry rule; a token
 * request is safe to repeat, each attempt having a fresh grant); 500, {@code invalid_grant}, {@code invalid_scope}
 * and other 4xx fail at once with a {@link MaskinportenException}. Redirects are never
 * followed (the grant or token would go to another origin): a 3xx fails at once with a {@link
 * MaskinportenException} naming the {@code Location}. A success body larger than {@link Builder#maxResponseSize}
 * (64 KiB by default, counted after gzip decoding) fails with an {@link AccessTokenException}. One exception: when
 * Maskinporten rejects a grant's time (issued in the future, or expired; it allows ±10 s) and its {@code Date} header
 * shows the local clock is off by 2 s or more, the SDK logs a warning, shifts this and later grants' {@code iat}/{@code
 * exp} by the measured offset and repeats the request once ({@link Builder#correctClockSkew}, on by default; the
 * offset in use is {@link #clockOffset()}).
 *
 * <h2>Altinn tokens</h2>
 * {@link #forBroker()} and {@link #forEvents()} return providers for each target: exchanged Altinn tokens ({@code GET
 * {platform}/authentication/api/v1/exchange/maskinporten}, cached for the lifetime Altinn gave the token, {@code exp
 * − iat}, counted on the local clock from its arrival, so a local clock behind Altinn's never serves an expired token)
 * by default, which is what Altinn's own clients use; Broker also accepts raw Maskinporten tokens ({@link
 * Builder#brokerTokens}). The Events API requires the exchanged token.
 *
 * <h2>Who closes what</h2>
 * The instance from {@link Builder#build()} owns the refresh threads and (unless {@link Builder#httpClient} gave one)
 * the HTTP client: it is the only {@link AutoCloseable} here. Close it once, after the clients that use its tokens.
 * Views ({@link #withSystemUser}, {@link #withConsumerOrg}, {@link #withResource}: a {@link MaskinportenView}) and
 * providers ({@link #forBroker()}, {@link #forEvents()}, {@link #altinnTokens()}) share its cache and connections and
 * own nothing, so they have no {@code close()}; a {@code BrokerClient} or {@code EventsClient} never closes them.
 *
 * <h2>Waiting</h2>
 * Callers never wait for refreshes ahead of expiry (at most 4 threads run
 * them; after a failed one the old token is served and the key rests 5 s before the next). A caller without a usable
 * token waits for the one request running for it at most {@link Builder#waitTimeout} (60 s by default), then gets
 * an {@link AccessTokenException}.
 *
 * <p>Thread-safe. Nothing secret is logged or shown by {@code toString()}.
 */
public final class Maskinporten extends MaskinportenView implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Maskinporten.class);
  /** {@link TelemetryListener.TokenFetch#kind()} of a Maskinporten token request. */
  static final String MASKINPORTEN = "maskinporten";
  /** {@link TelemetryListener.TokenFetch#kind()} of an Altinn token exchange. */
  static final String EXCHANGE = "altinnTokenExchange";

  /** Which token {@link #forBroker()} hands to Broker. */
  public enum BrokerTokens {
    /** Maskinporten token exchanged for an Altinn token (the default; what Altinn's own clients do). */
    ALTINN_EXCHANGED,
    /** The Maskinporten token as is (Broker has accepted these since mid-2025). */
    MASKINPORTEN
  }

  private Maskinporten(MaskinportenCore core) {
    super(core, Party.SELF);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Stops the background-refresh threads and, if the SDK created it, the HTTP client. Idempotent. Views and
   * providers made from this instance must not be used afterwards.
   */
  @Override
  public void close() {
    core.close();
  }

  /**
   * @return how far grant times are shifted to match Maskinporten's clock (positive: the local clock is behind);
   *     zero until Maskinporten has rejected a grant's time
   */
  public Duration clockOffset() {
    return core.grants.offset();
  }

  /** @return the number of token requests started so far (all views, retries not counted) */
  public long tokenRequests() {
    return core.maskinporten.fetchCount();
  }

  int cachedKeys() {
    return core.maskinporten.size();
  }

  // ------------------------------------------------------------------------------------------------ builder

  /** Builds a {@link Maskinporten}. Required: environment or issuer, client id, signer. */
  public static final class Builder {
    // Read by MaskinportenCore.
    String issuer;
    String clientId;
    GrantSigner signer;
    OkHttpClient httpClient;
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = Sleeper.SYSTEM;
    RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    TelemetryListener telemetry = TelemetryListener.NONE;
    int cacheSize = 10_000;
    String altinnPlatformUrl;
    boolean exchangeTestOrg;
    boolean correctClockSkew = true;
    String subscriptionKey;
    BrokerTokens brokerTokens = BrokerTokens.ALTINN_EXCHANGED;
    Duration timeout = Duration.ofSeconds(10);
    Duration waitTimeout = Duration.ofSeconds(60);
    int maxResponseSize = 64 * 1024;

    private Builder() {}

    /**
     * @param environment TEST or PRODUCTION; conflicts with {@link #issuer}
     * @return this builder
     */
    public Builder environment(MaskinportenEnvironment environment) {
      return issuer(environment.issuer());
    }

    /**
     * A custom issuer (local test servers). Metadata is read from
     * {@code <issuer>/.well-known/oauth-authorization-server};
     * the token endpoint falls back to {@code <issuer>/token}. Must be {@code https://…}, or {@code http://} on a
     * loopback address only (checked by {@link #build()}).
     *
     * @param issuer e.g. {@code http://127.0.0.1:8080/}
     * @return this builder
     */
    public Builder issuer(String issuer) {
      if (this.issuer != null && !this.issuer.equals(issuer)) {
        throw new IllegalStateException("environment/issuer already set to " + this.issuer);
      }
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /**
     * @param clientId the Maskinporten client's id (the grant's {@code iss}). Required.
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      return this;
    }

    /**
     * @param signer signs grants; see {@link GrantSigners}. Required.
     * @return this builder
     */
    public Builder signer(GrantSigner signer) {
      this.signer = Objects.requireNonNull(signer, "signer");
      return this;
    }

    /**
     * @param client an OkHttp client to share; never closed by the SDK. Default: an own client with 10 s
     *     timeouts. OkHttp's silent retries are turned off in the derived client (a resent grant would reuse its
     *     {@code jti}), and so is redirect following (the grant would go to another origin).
     * @return this builder
     */
    public Builder httpClient(OkHttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * @param timeout connect, read and write timeout of token requests; default 10 s
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * @param timeout the longest a caller without a usable token waits for the request another thread is already
     *     making for the same token (past it: {@link AccessTokenException}; the other request goes on); default
     *     60 s. The thread making a request is bounded by {@link #timeout} per attempt and the retry policy instead.
     * @return this builder
     */
    public Builder waitTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("waitTimeout must be positive");
      }
      this.waitTimeout = timeout;
      return this;
    }

    /**
     * @param clock time for grants and token expiry; default system UTC
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param correct whether to adopt Maskinporten's clock (from its {@code Date} header) and retry once when it
     *     rejects a grant's time; default {@code true}. Off, such a rejection is thrown at once.
     * @return this builder
     */
    public Builder correctClockSkew(boolean correct) {
      this.correctClockSkew = correct;
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    /**
     * @param policy retries of token requests (I/O, 429, 502, 503, 504); default {@link RetryPolicy#DEFAULT}
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param listener receives token fetches (Maskinporten and the Altinn exchange, success or failure), their
     *     retries and clock corrections; never a token or grant. A listener that throws never breaks a token
     *     request. Default {@link TelemetryListener#NONE}
     * @return this builder
     */
    public Builder telemetry(TelemetryListener listener) {
      this.telemetry = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @param maxKeys most cached keys (scope set × system user × …); default 10,000
     * @return this builder
     */
    public Builder cacheSize(int maxKeys) {
      if (maxKeys < 1) {
        throw new IllegalArgumentException("cacheSize must be positive");
      }
      this.cacheSize = maxKeys;
      return this;
    }

    /**
     * Enables the Altinn token exchange against this Altinn environment (TT02 pairs with Maskinporten TEST).
     *
     * @param environment the Altinn environment
     * @return this builder
     */
    public Builder altinnEnvironment(AltinnEnvironment environment) {
      return altinnPlatformUrl(environment.platformUrl());
    }

    /**
     * Enables the Altinn token exchange against a custom platform URL (local fakes): {@code https://…}, or
     * {@code http://} on a loopback address only (checked by {@link #build()}).
     *
     * @param url e.g. {@code http://127.0.0.1:8080}
     * @return this builder
     */
    public Builder altinnPlatformUrl(String url) {
      this.altinnPlatformUrl = Objects.requireNonNull(url, "url");
      return this;
    }

    /**
     * @param test adds {@code ?test=true} to the exchange (Digdir's own service-owner tokens become {@code ttd});
     *     default false
     * @return this builder
     */
    public Builder exchangeTestOrg(boolean test) {
      this.exchangeTestOrg = test;
      return this;
    }

    /**
     * @param key APIM subscription key sent to the exchange endpoint; never logged. Default none.
     * @return this builder
     */
    public Builder subscriptionKey(String key) {
      this.subscriptionKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * @param bytes the largest token, exchange or metadata answer accepted, counted after gzip decoding while
     *     reading; default 64 KiB (65,536). A larger token answer fails with {@link AccessTokenException}; larger
     *     metadata falls back to the built-in values.
     * @return this builder
     */
    public Builder maxResponseSize(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxResponseSize must be at least 1024 bytes, got " + bytes);
      }
      this.maxResponseSize = bytes;
      return this;
    }

    /**
     * @param kind what {@link #forBroker()} returns; default {@link BrokerTokens#ALTINN_EXCHANGED}
     * @return this builder
     */
    public Builder brokerTokens(BrokerTokens kind) {
      this.brokerTokens = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /**
     * @return the provider
     * @throws IllegalStateException on missing or conflicting settings, or an issuer or platform URL that is not
     *     https (nor loopback)
     */
    public Maskinporten build() {
      if (issuer == null) {
        throw new IllegalStateException("environment(MaskinportenEnvironment.TEST or PRODUCTION) or issuer(...) is"
            + " required");
      }
      if (clientId == null || clientId.isBlank()) {
        throw new IllegalStateException("clientId(...) is required");
      }
      if (signer == null) {
        throw new IllegalStateException(
            "signer(...) is required, e.g. GrantSigners.pkcs12(...) or GrantSigners.jwk(...)");
      }
      if (signer.keyId() == null && signer.certificateChain().isEmpty()) {
        throw new IllegalStateException("the signer must give a key id (kid) or a certificate chain (x5c)");
      }
      if (brokerTokens == BrokerTokens.ALTINN_EXCHANGED && altinnPlatformUrl == null) {
        LOG.debug("no Altinn environment set: forBroker() will need altinnEnvironment(...)");
      }
      Hosts.requireSecure("issuer", issuer);
      OkHttpClient http = HttpClients.derive(httpClient, hb -> hb
          .connectTimeout(timeout).readTimeout(timeout).writeTimeout(timeout)
          .callTimeout(timeout.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS));
      return new Maskinporten(new MaskinportenCore(this, http));
    }
  }
}
