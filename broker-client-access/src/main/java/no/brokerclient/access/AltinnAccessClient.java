package no.brokerclient.access;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.RetryPolicy;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.internal.ClientOptions;
import no.brokerclient.internal.HttpClients;
import no.brokerclient.internal.Sleeper;
import no.brokerclient.internal.Transport;
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
 * answers a repeat with the request it already has.) Errors are the {@link no.brokerclient.BrokerException} tree, with
 * Altinn's problem-details code in {@link no.brokerclient.BrokerApiException#errorCode()}. Thread-safe and immutable.
 */
public final class AltinnAccessClient implements AutoCloseable {
  private final Builder settings;
  private final ClientOptions options;
  private final ResourceRegistry resources;
  private final AccessLists accessLists;
  private final SystemUsers systemUsers;

  private AltinnAccessClient(Builder b, ClientOptions options) {
    this.settings = b.copy();
    this.options = options;
    Transport rr = options.transport(b.tokens(b.resourceRegistryTokens));
    Transport auth = options.transport(b.tokens(b.authenticationTokens));
    HttpUrl platform = options.url();
    Rest rrRest = new Rest(rr, platform, "resourceregistry/api/v1");
    this.resources = new ResourceRegistry(rrRest);
    this.accessLists = new AccessLists(rrRest, resources);
    this.systemUsers = new SystemUsers(new Rest(auth, platform, "authentication/api/v1"), options.sleeper(),
        options.clock(), b.pollInterval, b.maxPollInterval);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder(new ClientOptions.Builder("platformUrl", Builder.DEFAULT_TIMEOUTS));
  }

  /**
   * A builder preloaded with this client's settings, whose {@link Builder#build()} shares this client's connection
   * pool and dispatcher (unless given another {@link Builder#httpClient}). Each client holds its own use of the
   * pool: closing the derived client leaves this one working and the other way round; a pool the SDK created is
   * released when the last of them closes.
   *
   * @return the builder
   */
  public Builder newBuilder() {
    Builder b = settings.copy();
    b.options = options.toBuilder();
    return b;
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

  /**
   * Gives up this client's use of its connection pool; the last client using a pool the SDK created (this one and
   * those from {@link #newBuilder()}) shuts it down. A caller-supplied {@link OkHttpClient} is never closed.
   * Idempotent.
   */
  @Override
  public void close() {
    options.close();
  }

  @Override
  public String toString() {
    return "AltinnAccessClient";
  }

  /**
   * Builds an {@link AltinnAccessClient}. Required: environment or platform URL (not both), and tokens. The rules
   * shared with the SDK's other clients (URL, https, durations, key, User-Agent, HTTP client) are decided in one
   * place for all of them.
   */
  public static final class Builder {
    static final HttpClients.Timeouts DEFAULT_TIMEOUTS =
        new HttpClients.Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));

    private ClientOptions.Builder options;
    private Maskinporten maskinporten;
    private AccessTokenProvider tokens;
    private TokenKind resourceRegistryTokens = TokenKind.ALTINN_EXCHANGED;
    private TokenKind authenticationTokens = TokenKind.ALTINN_EXCHANGED;
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration maxPollInterval = Duration.ofMinutes(2);

    private Builder(ClientOptions.Builder options) {
      this.options = options;
    }

    private Builder copy() {
      Builder c = new Builder(options.copy());
      c.maskinporten = maskinporten;
      c.tokens = tokens;
      c.resourceRegistryTokens = resourceRegistryTokens;
      c.authenticationTokens = authenticationTokens;
      c.pollInterval = pollInterval;
      c.maxPollInterval = maxPollInterval;
      return c;
    }

    /**
     * @param environment TT02 or PRODUCTION; conflicts with {@link #platformUrl}
     * @return this builder
     */
    public Builder environment(AltinnEnvironment environment) {
      options.environment(environment);
      return this;
    }

    /**
     * @param url a platform URL (a proxy, or a local fake); plain http only for loopback; no query or fragment.
     *     Conflicts with {@link #environment}.
     * @return this builder
     */
    public Builder platformUrl(String url) {
      options.url(url);
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
     * @param key APIM subscription key; not blank; never logged. Default none.
     * @return this builder
     */
    public Builder subscriptionKey(String key) {
      options.subscriptionKey(key);
      return this;
    }

    /**
     * @param suffix appended to the SDK's User-Agent; printable ASCII; default none
     * @return this builder
     */
    public Builder userAgent(String suffix) {
      options.userAgent(suffix);
      return this;
    }

    /**
     * @param client a shared OkHttp client; never closed by the SDK, which derives from it a client that never
     *     follows redirects and never silently retries. Default: a client of the SDK's own (or, from {@link
     *     AltinnAccessClient#newBuilder()}, the parent's).
     * @return this builder
     */
    public Builder httpClient(OkHttpClient client) {
      options.httpClient(client);
      return this;
    }

    /**
     * @param policy retries; default {@link RetryPolicy#DEFAULT}
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      options.retryPolicy(policy);
      return this;
    }

    /**
     * @param timeout connect, read and write timeout; positive; default 30 s (or the supplied client's)
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      options.timeout(timeout);
      return this;
    }

    /**
     * How {@link SystemUsers#awaitApproval} polls: first after {@code first}, then doubling up to {@code max}.
     *
     * @param first positive; default 5 s
     * @param max positive; default 2 minutes (a person approves in a browser; it can take days)
     * @return this builder
     */
    public Builder approvalPolling(Duration first, Duration max) {
      ClientOptions.positive("first", first);
      ClientOptions.positive("max", max);
      if (max.compareTo(first) < 0) {
        throw new IllegalArgumentException("max poll interval is less than the first");
      }
      this.pollInterval = first;
      this.maxPollInterval = max;
      return this;
    }

    /**
     * @param clock the clock {@link SystemUsers#awaitApproval} measures its deadline with; for tests. Default
     *     {@link Clock#systemUTC()}
     * @return this builder
     */
    public Builder clock(Clock clock) {
      options.clock(clock);
      return this;
    }

    Builder sleeper(Sleeper s) {
      options.sleeper(s);
      return this;
    }

    private AccessTokenProvider tokens(TokenKind kind) {
      if (tokens != null) {
        return tokens;
      }
      return kind == TokenKind.MASKINPORTEN ? maskinporten : maskinporten.altinnTokens();
    }

    /**
     * @return the client
     * @throws IllegalStateException on a missing or conflicting setting, a platform URL that is not https (nor
     *     loopback), or a Maskinporten client without an exchange URL when exchanged tokens are asked for
     */
    public AltinnAccessClient build() {
      options.checkedUrl();
      if (tokens == null && maskinporten == null) {
        throw new IllegalStateException("maskinporten(...) or accessTokenProvider(...) is required: a service owner's"
            + " client with " + AccessScopes.SERVICE_OWNER + ", or a vendor's with " + AccessScopes.VENDOR);
      }
      if (maskinporten != null) {
        tokens(resourceRegistryTokens);
        tokens(authenticationTokens); // fails now, not at the first call, without an exchange URL
      }
      return new AltinnAccessClient(this, options.build());
    }
  }
}
