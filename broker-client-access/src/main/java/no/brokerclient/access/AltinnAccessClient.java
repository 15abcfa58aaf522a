package no.brokerclient.access;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.RetryPolicy;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.internal.Hosts;
import no.brokerclient.internal.HttpClients;
import no.brokerclient.internal.Sleeper;
import no.brokerclient.internal.Transport;
import no.brokerclient.internal.UserAgent;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Altinn's Resource Registry and Authentication APIs for Broker's step 3 ("get access to a specific resource"):
 * {@link #resources()} and {@link #accessLists()} for service owners, {@link #systemUsers()} for vendors.
 *
 * <pre>{@code
 * try (AltinnAccessClient access = AltinnAccessClient.builder()
 *     .environment(AltinnEnvironment.TT02)
 *     .maskinporten(maskinporten)          // a client with AccessScopes.SERVICE_OWNER or AccessScopes.VENDOR
 *     .build()) {
 *   access.accessLists().addMembers("ttd", "approved-senders", List.of(Party.organization("313776735")));
 * }
 * }</pre>
 *
 * <p>Tokens: each call asks for the scopes the server checks for it (see {@link AccessScopes}). Given a {@link
 * Maskinporten}, both APIs get exchanged Altinn tokens by default ({@link TokenKind#ALTINN_EXCHANGED}); choose per
 * API with {@link Builder#resourceRegistryTokens} and {@link Builder#authenticationTokens}.
 *
 * <p>Retries (core's {@link RetryPolicy}): I/O errors, 429 and 503 on every call whose repetition is harmless, and 502
 * and 504 on idempotent ones; never 400, 403 or 412. (Creating a system-user request counts as idempotent: the server
 * answers a repeat with the request it already has.) Errors are the {@link no.brokerclient.BrokerException} tree, with Altinn's problem-details
 * code in {@link no.brokerclient.BrokerApiException#errorCode()}. Thread-safe and immutable.
 */
public final class AltinnAccessClient implements AutoCloseable {
  private final OkHttpClient http;
  private final boolean ownsHttp;
  private final ResourceRegistry resources;
  private final AccessLists accessLists;
  private final SystemUsers systemUsers;

  private AltinnAccessClient(Builder b, HttpUrl platform, OkHttpClient http) {
    this.http = http;
    this.ownsHttp = b.httpClient == null;
    String ua = UserAgent.of(b.userAgent);
    Transport rr = new Transport(http, b.tokens(b.resourceRegistryTokens), b.subscriptionKey, ua, b.retryPolicy,
        b.sleeper, b.clock, Transport.DEFAULT_MAX_RESPONSE_SIZE);
    Transport auth = new Transport(http, b.tokens(b.authenticationTokens), b.subscriptionKey, ua, b.retryPolicy,
        b.sleeper, b.clock, Transport.DEFAULT_MAX_RESPONSE_SIZE);
    Rest rrRest = new Rest(rr, platform, "resourceregistry/api/v1");
    this.resources = new ResourceRegistry(rrRest);
    this.accessLists = new AccessLists(rrRest, resources);
    this.systemUsers = new SystemUsers(new Rest(auth, platform, "authentication/api/v1"), b.sleeper, b.clock,
        b.pollInterval, b.maxPollInterval);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return Broker service resources and their policies (service owners) */
  public ResourceRegistry resources() {
    return resources;
  }

  /** @return access lists, their members and resource connections (service owners) */
  public AccessLists accessLists() {
    return accessLists;
  }

  /** @return the system register and system users (vendors) */
  public SystemUsers systemUsers() {
    return systemUsers;
  }

  /** Releases the connections, unless the HTTP client was given to the builder. */
  @Override
  public void close() {
    if (ownsHttp) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "AltinnAccessClient";
  }

  /** Builds an {@link AltinnAccessClient}. Required: environment or platform URL, and tokens. */
  public static final class Builder {
    private String platformUrl;
    private Maskinporten maskinporten;
    private AccessTokenProvider tokens;
    private TokenKind resourceRegistryTokens = TokenKind.ALTINN_EXCHANGED;
    private TokenKind authenticationTokens = TokenKind.ALTINN_EXCHANGED;
    private String subscriptionKey;
    private String userAgent;
    private OkHttpClient httpClient;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private Duration timeout = Duration.ofSeconds(30);
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration maxPollInterval = Duration.ofMinutes(2);
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * @param environment TT02 or PRODUCTION
     * @return this builder
     */
    public Builder environment(AltinnEnvironment environment) {
      this.platformUrl = Objects.requireNonNull(environment, "environment").platformUrl();
      return this;
    }

    /**
     * @param url a platform URL (a proxy, or a local fake); plain http only for loopback
     * @return this builder
     */
    public Builder platformUrl(String url) {
      this.platformUrl = Objects.requireNonNull(url, "url");
      return this;
    }

    /**
     * @param mp the organisation's Maskinporten tokens (with {@code altinnEnvironment} or {@code altinnPlatformUrl}
     *     set for the exchange); the views from {@code withSystemUser} are not for these APIs
     * @return this builder
     */
    public Builder maskinporten(Maskinporten mp) {
      this.maskinporten = Objects.requireNonNull(mp, "maskinporten");
      this.tokens = null;
      return this;
    }

    /**
     * @param provider tokens for both APIs, used as they come (instead of {@link #maskinporten})
     * @return this builder
     */
    public Builder accessTokenProvider(AccessTokenProvider provider) {
      this.tokens = Objects.requireNonNull(provider, "provider");
      this.maskinporten = null;
      return this;
    }

    /**
     * @param kind what the Resource Registry gets from {@link #maskinporten}; default {@link
     *     TokenKind#ALTINN_EXCHANGED}
     * @return this builder
     */
    public Builder resourceRegistryTokens(TokenKind kind) {
      this.resourceRegistryTokens = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /**
     * @param kind what Authentication gets from {@link #maskinporten}; default {@link TokenKind#ALTINN_EXCHANGED}
     * @return this builder
     */
    public Builder authenticationTokens(TokenKind kind) {
      this.authenticationTokens = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /**
     * @param key APIM subscription key; never logged. Default none.
     * @return this builder
     */
    public Builder subscriptionKey(String key) {
      this.subscriptionKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * @param suffix appended to the SDK's User-Agent; default none
     * @return this builder
     */
    public Builder userAgent(String suffix) {
      this.userAgent = Objects.requireNonNull(suffix, "suffix");
      return this;
    }

    /**
     * @param client a shared OkHttp client; never closed by the SDK
     * @return this builder
     */
    public Builder httpClient(OkHttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * @param policy retries; default {@link RetryPolicy#DEFAULT}
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param timeout connect/read/write timeout; default 30 s
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive("timeout", timeout);
      return this;
    }

    /**
     * How {@link SystemUsers#awaitApproval} polls: first after {@code first}, then doubling up to {@code max}.
     *
     * @param first default 5 s
     * @param max default 2 minutes (a person approves in a browser; it can take days)
     * @return this builder
     */
    public Builder approvalPolling(Duration first, Duration max) {
      this.pollInterval = positive("first", first);
      this.maxPollInterval = positive("max", max);
      if (max.compareTo(first) < 0) {
        throw new IllegalArgumentException("max poll interval is less than the first");
      }
      return this;
    }

    Builder sleeper(Sleeper s) {
      this.sleeper = Objects.requireNonNull(s);
      return this;
    }

    Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c);
      return this;
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }

    private AccessTokenProvider tokens(TokenKind kind) {
      if (tokens != null) {
        return tokens;
      }
      return kind == TokenKind.MASKINPORTEN ? maskinporten : maskinporten.altinnTokens();
    }

    /** @return the client */
    public AltinnAccessClient build() {
      if (platformUrl == null) {
        throw new IllegalStateException("environment(...) or platformUrl(...) is required");
      }
      if (tokens == null && maskinporten == null) {
        throw new IllegalStateException("maskinporten(...) or accessTokenProvider(...) is required: a service owner's"
            + " client with " + AccessScopes.SERVICE_OWNER + ", or a vendor's with " + AccessScopes.VENDOR);
      }
      HttpUrl p = Hosts.requireSecure("platformUrl", platformUrl);
      if (p.query() != null || p.fragment() != null) {
        throw new IllegalStateException("platform URL must not have a query or fragment");
      }
      if (maskinporten != null) {
        tokens(resourceRegistryTokens);
        tokens(authenticationTokens); // fails now, not at the first call, without an exchange URL
      }
      // Never follow a redirect (the token would go with it); never retry silently (Transport decides).
      OkHttpClient http = HttpClients.derive(httpClient,
          hb -> hb.connectTimeout(timeout).readTimeout(timeout).writeTimeout(timeout));
      return new AltinnAccessClient(this, p, http);
    }
  }
}
