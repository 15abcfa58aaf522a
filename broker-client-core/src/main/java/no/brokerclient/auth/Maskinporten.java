package no.brokerclient.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.BrokerInterruptedException;
import no.brokerclient.RetryPolicy;
import no.brokerclient.TelemetryListener;
import no.brokerclient.internal.Backoff;
import no.brokerclient.internal.Bodies;
import no.brokerclient.internal.Hosts;
import no.brokerclient.internal.HttpClients;
import no.brokerclient.internal.Interruptible;
import no.brokerclient.internal.Json;
import no.brokerclient.internal.Sleeper;
import no.brokerclient.internal.Text;
import no.brokerclient.internal.Telemetry;
import no.brokerclient.internal.TokenCache;
import no.brokerclient.internal.TokenCache.Token;
import no.brokerclient.internal.Transport;
import no.brokerclient.model.OrganizationNumber;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
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
 * {@code /.well-known/oauth-authorization-server}, cached 12 hours, built-in values as fallback), {@code iss} =
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
 * I/O errors, 5xx and 429 are retried with jittered exponential backoff; {@code invalid_grant},
 * {@code invalid_scope} and other 4xx fail at once with a {@link MaskinportenException}. Redirects are never
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
 * {platform}/authentication/api/v1/exchange/maskinporten}, cached by the Altinn token's own {@code exp}) by default,
 * which is what Altinn's own clients use; Broker also accepts raw Maskinporten tokens ({@link
 * Builder#brokerTokens}). The Events API requires the exchanged token.
 *
 * <p>Thread-safe. Views from {@link #withSystemUser} etc. share the cache and connections; {@link #close()} on the
 * instance from {@link Builder#build()} releases them. Nothing secret is logged or shown by {@code toString()}.
 */
public final class Maskinporten implements AccessTokenProvider, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Maskinporten.class);
  /** {@link TelemetryListener.TokenFetch#kind()} of a Maskinporten token request. */
  static final String MASKINPORTEN = "maskinporten";
  /** {@link TelemetryListener.TokenFetch#kind()} of an Altinn token exchange. */
  static final String EXCHANGE = "altinnTokenExchange";
  private static final Pattern MP_CODE = Pattern.compile("\\bMP-\\d{3}\\b");
  private static final Pattern TRACE_ID = Pattern.compile("trace_id:\\s*([^)\\s,]+)");
  /** Lifetime of each grant: Maskinporten allows at most 120 s. */
  static final Duration GRANT_LIFETIME = Duration.ofSeconds(120);

  /** Which token {@link #forBroker()} hands to Broker. */
  public enum BrokerTokens {
    /** Maskinporten token exchanged for an Altinn token (the default; what Altinn's own clients do). */
    ALTINN_EXCHANGED,
    /** The Maskinporten token as is (Broker has accepted these since mid-2025). */
    MASKINPORTEN
  }

  private final Shared shared;
  private final Party party;
  /** Validated, sorted keys per scope set asked for; a handful per view. */
  private final java.util.concurrent.ConcurrentHashMap<Set<String>, TokenKey> keys =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Maskinporten(Shared shared, Party party) {
    this.shared = shared;
    this.party = party;
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A raw Maskinporten token for these scopes (and this view's system user, consumer organisation and resource).
   *
   * @param scopes e.g. {@link AltinnScopes#SENDER}
   * @return the token
   * @throws MaskinportenException when Maskinporten refuses
   */
  @Override
  public String accessToken(Set<String> scopes) {
    return shared.maskinporten.get(key(scopes));
  }

  @Override
  public void invalidate(Set<String> scopes, String token) {
    shared.maskinporten.invalidate(key(scopes), token);
  }

  /**
   * A view for one system user: tokens carry {@code authorization_details} of type {@code urn:altinn:systemuser}
   * for that organisation. Shares this instance's cache and connections.
   *
   * @param organization the customer organisation that approved the system user
   * @return the view
   */
  public Maskinporten withSystemUser(OrganizationNumber organization) {
    return withSystemUser(organization, null);
  }

  /**
   * Like {@link #withSystemUser(OrganizationNumber)} with the {@code externalRef} the system-user request was
   * created with (it must then be sent, else Maskinporten answers MP-303).
   *
   * @param organization the customer organisation
   * @param externalRef the external reference, or {@code null}
   * @return the view
   */
  public Maskinporten withSystemUser(OrganizationNumber organization, String externalRef) {
    Objects.requireNonNull(organization, "organization");
    if (party.consumerOrg != null) {
      throw new IllegalStateException("a token cannot carry both consumer_org and a system user");
    }
    return new Maskinporten(shared, new Party(party.resource, null, organization, externalRef));
  }

  /**
   * A view whose tokens carry {@code consumer_org}: a supplier acting for a consumer through Altinn API delegation.
   *
   * @param consumer the consumer organisation (not your own)
   * @return the view
   */
  public Maskinporten withConsumerOrg(OrganizationNumber consumer) {
    Objects.requireNonNull(consumer, "consumer");
    if (party.systemUserOrg != null) {
      throw new IllegalStateException("a token cannot carry both consumer_org and a system user");
    }
    return new Maskinporten(shared, new Party(party.resource, consumer, null, null));
  }

  /**
   * A view whose tokens carry the {@code resource} claim (audience restriction).
   *
   * @param resource the value the API owner gave you
   * @return the view
   */
  public Maskinporten withResource(String resource) {
    if (resource == null || resource.isBlank()) {
      throw new IllegalArgumentException("resource is blank");
    }
    return new Maskinporten(shared, new Party(resource, party.consumerOrg, party.systemUserOrg, party.externalRef));
  }

  /**
   * The provider to give {@link no.brokerclient.BrokerClient}: exchanged Altinn tokens unless the builder chose
   * {@link BrokerTokens#MASKINPORTEN}.
   *
   * @return the provider
   */
  public AccessTokenProvider forBroker() {
    return shared.brokerTokens == BrokerTokens.MASKINPORTEN ? this : altinnTokens();
  }

  /**
   * The provider for the Altinn Events API, which accepts only exchanged Altinn tokens.
   *
   * @return the provider
   */
  public AccessTokenProvider forEvents() {
    return altinnTokens();
  }

  /**
   * Exchanged Altinn tokens for this view.
   *
   * @return the provider
   * @throws IllegalStateException if the builder had no Altinn environment
   */
  public AccessTokenProvider altinnTokens() {
    if (shared.exchangeUrl == null) {
      throw new IllegalStateException("set altinnEnvironment(...) or altinnPlatformUrl(...) on the Maskinporten"
          + " builder to exchange tokens, or brokerTokens(BrokerTokens.MASKINPORTEN) to send raw tokens to Broker");
    }
    return new AltinnTokens(this);
  }

  /** Releases the background-refresh threads and, if the SDK created it, the HTTP client. */
  @Override
  public void close() {
    if (party.isRoot() && shared.closed.compareAndSet(false, true)) {
      shared.executor.shutdownNow();
      if (shared.ownsHttp) {
        shared.http.dispatcher().executorService().shutdown();
        shared.http.connectionPool().evictAll();
      }
    }
  }

  /**
   * @return how far grant times are shifted to match Maskinporten's clock (positive: the local clock is behind);
   *     zero until Maskinporten has rejected a grant's time
   */
  public Duration clockOffset() {
    return Duration.ofMillis(shared.clockOffsetMillis.get());
  }

  /** @return the number of token requests started so far (all views, retries not counted) */
  public long tokenRequests() {
    return shared.maskinporten.fetchCount();
  }

  int cachedKeys() {
    return shared.maskinporten.size();
  }

  @Override
  public String toString() {
    return "Maskinporten{clientId=" + shared.clientId + ", issuer=" + shared.issuer + ", signer=" + shared.signer
        + party.describe() + "}";
  }

  private TokenKey key(Set<String> scopes) {
    Objects.requireNonNull(scopes, "scopes");
    TokenKey cached = keys.get(scopes);
    if (cached != null) {
      return cached;
    }
    TokenKey k = newKey(scopes);
    if (keys.size() < 64) {
      keys.putIfAbsent(Set.copyOf(scopes), k);
    }
    return k;
  }

  private TokenKey newKey(Set<String> scopes) {
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("at least one scope is required");
    }
    for (String s : scopes) {
      if (s == null || s.isBlank() || s.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("invalid scope '" + s + "'");
      }
    }
    return new TokenKey(shared.clientId, shared.issuer, List.copyOf(new TreeSet<>(scopes)), party.resource,
        party.consumerOrg == null ? null : party.consumerOrg.digits(),
        party.systemUserOrg == null ? null : party.systemUserOrg.digits(), party.externalRef);
  }

  /** Everything that changes a token. Its {@code toString()} holds no secret; its hash is computed once. */
  record TokenKey(String clientId, String issuer, List<String> scopes, String resource, String consumerOrg,
      String systemUserOrg, String externalRef, int hash) {
    TokenKey(String clientId, String issuer, List<String> scopes, String resource, String consumerOrg,
        String systemUserOrg, String externalRef) {
      this(clientId, issuer, scopes, resource, consumerOrg, systemUserOrg, externalRef,
          Objects.hash(clientId, issuer, scopes, resource, consumerOrg, systemUserOrg, externalRef));
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return "scopes=" + String.join(" ", scopes) + (systemUserOrg != null ? " systemUser=" + systemUserOrg : "")
          + (consumerOrg != null ? " consumerOrg=" + consumerOrg : "") + (resource != null ? " resource=" + resource : "");
    }
  }

  private record Party(String resource, OrganizationNumber consumerOrg, OrganizationNumber systemUserOrg,
      String externalRef) {
    boolean isRoot() {
      return resource == null && consumerOrg == null && systemUserOrg == null;
    }

    String describe() {
      return (systemUserOrg != null ? ", systemUser=" + systemUserOrg : "")
          + (consumerOrg != null ? ", consumerOrg=" + consumerOrg : "") + (resource != null ? ", resource=" + resource : "");
    }
  }

  /** Exchanged Altinn tokens for one view. */
  private static final class AltinnTokens implements AccessTokenProvider {
    private final Maskinporten mp;

    AltinnTokens(Maskinporten mp) {
      this.mp = mp;
    }

    @Override
    public String accessToken(Set<String> scopes) {
      return mp.shared.altinn.get(mp.key(scopes));
    }

    @Override
    public void invalidate(Set<String> scopes, String token) {
      mp.shared.altinn.invalidate(mp.key(scopes), token);
    }

    @Override
    public String toString() {
      return "AltinnTokens{exchange=" + mp.shared.exchangeUrl.encodedPath() + ", " + mp + "}";
    }
  }

  // ------------------------------------------------------------------------------------------------ shared state

  private record Metadata(String issuer, HttpUrl tokenEndpoint, Instant validUntil) {}

  private static final class Shared {
    final String clientId;
    final String issuer;
    final GrantSigner signer;
    final OkHttpClient http;
    final boolean ownsHttp;
    final Clock clock;
    final Sleeper sleeper;
    final RetryPolicy retry;
    final HttpUrl exchangeUrl;
    final String subscriptionKey;
    final BrokerTokens brokerTokens;
    final int maxResponseSize;
    final ExecutorService executor;
    final TokenCache<TokenKey> maskinporten;
    final TokenCache<TokenKey> altinn;
    final AtomicBoolean closed = new AtomicBoolean();
    final boolean correctClockSkew;
    final AtomicLong clockOffsetMillis = new AtomicLong();
    final Telemetry telemetry;
    final AtomicBoolean discovering = new AtomicBoolean();
    final Object firstDiscovery = new Object();
    volatile Metadata metadata;

    Shared(Builder b, OkHttpClient http) {
      this.clientId = b.clientId;
      this.issuer = b.issuer;
      this.signer = b.signer;
      this.http = http;
      this.ownsHttp = b.httpClient == null;
      this.clock = b.clock;
      this.correctClockSkew = b.correctClockSkew;
      this.sleeper = b.sleeper;
      this.retry = b.retryPolicy;
      this.subscriptionKey = b.subscriptionKey;
      this.brokerTokens = b.brokerTokens;
      this.maxResponseSize = b.maxResponseSize;
      this.telemetry = Telemetry.of(b.telemetry);
      HttpUrl platform = b.altinnPlatformUrl == null ? null
          : Hosts.requireSecure("altinnPlatformUrl", b.altinnPlatformUrl);
      HttpUrl.Builder ex = platform == null ? null
          : platform.newBuilder().addPathSegments("authentication/api/v1/exchange/maskinporten");
      if (ex != null && b.exchangeTestOrg) {
        ex.addQueryParameter("test", "true");
      }
      this.exchangeUrl = ex == null ? null : ex.build();
      AtomicInteger n = new AtomicInteger();
      this.executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "broker-client-token-refresh-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      this.maskinporten = new TokenCache<>(k -> timed(MASKINPORTEN, this::fetchMaskinporten, k), clock, executor, b.cacheSize,
          Duration.ofSeconds(30), 0.25, Duration.ofSeconds(10));
      this.altinn = new TokenCache<>(k -> timed(EXCHANGE, this::fetchAltinn, k), clock, executor, b.cacheSize,
          Duration.ofSeconds(30), 0.25, Duration.ofSeconds(10));
    }

    // -------------------------------------------------------------------------------------- discovery

    Metadata metadata() {
      Metadata m = metadata;
      Instant now = clock.instant();
      if (m != null) {
        if (now.isAfter(m.validUntil) && discovering.compareAndSet(false, true)) {
          try {
            metadata = discover();
          } finally {
            discovering.set(false);
          }
        }
        return metadata;
      }
      synchronized (firstDiscovery) {
        if (metadata == null) {
          metadata = discover();
        }
        return metadata;
      }
    }

    private Metadata discover() {
      String base = issuer.endsWith("/") ? issuer : issuer + "/";
      HttpUrl url = HttpUrl.parse(base + ".well-known/oauth-authorization-server");
      Instant now = clock.instant();
      try (Response r = Interruptible.execute(http.newCall(new Request.Builder().url(url)
          .header("Accept", "application/json").build()), "GET " + url.encodedPath())) {
        if (HttpClients.isRedirect(r.code())) {
          LOG.warn("Maskinporten metadata at {} answered HTTP {} redirecting to {}, which is not followed; using"
              + " built-in values for 5 minutes", url, r.code(), HttpClients.location(r));
          return fallbackMetadata(base, now);
        }
        if (r.isSuccessful()) {
          JsonNode n;
          try (InputStream in = Bodies.bounded(r.body(), maxResponseSize)) {
            n = Json.tree(in);
          }
          String iss = n == null ? null : n.path("issuer").asText(null);
          HttpUrl endpoint = n == null ? null : secureOrNull(n.path("token_endpoint").asText(""));
          if (iss != null && endpoint != null) {
            if (!iss.equals(issuer)) {
              LOG.warn("Maskinporten metadata at {} names issuer {} (configured {}); using the metadata's", url, iss,
                  issuer);
            }
            LOG.debug("Maskinporten metadata: issuer {}, token endpoint {}", iss, endpoint);
            return new Metadata(iss, endpoint, now.plus(Duration.ofHours(12)));
          }
        }
        LOG.warn("Maskinporten metadata at {} answered HTTP {} without a usable issuer and token_endpoint; using"
            + " built-in values for 5 minutes", url, r.code());
      } catch (BrokerInterruptedException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        LOG.warn("Maskinporten metadata at {} unavailable ({}); using built-in values for 5 minutes", url, e.toString());
      }
      return fallbackMetadata(base, now);
    }

    private Metadata fallbackMetadata(String base, Instant now) {
      return new Metadata(issuer, HttpUrl.parse(base + "token"), now.plus(Duration.ofMinutes(5)));
    }

    /** The metadata's token endpoint under the same rule as the issuer, else {@code null} (then: built-in). */
    private static HttpUrl secureOrNull(String url) {
      try {
        return Hosts.requireSecure("token_endpoint", url);
      } catch (IllegalStateException e) {
        LOG.warn("Maskinporten metadata names an unusable token endpoint: {}", e.getMessage());
        return null;
      }
    }

    // -------------------------------------------------------------------------------------- token requests

    private Token timed(String kind, java.util.function.Function<TokenKey, Token> fetch, TokenKey key) {
      long start = System.nanoTime();
      try {
        Token t = fetch.apply(key);
        telemetry.tokenFetch(kind, start, null);
        return t;
      } catch (RuntimeException e) {
        telemetry.tokenFetch(kind, start, e);
        throw e;
      }
    }

    Token fetchMaskinporten(TokenKey key) {
      Metadata md = metadata();
      return withRetries("Maskinporten token endpoint", key, () -> new Request.Builder().url(md.tokenEndpoint)
          .header("Accept", "application/json")
          .post(new FormBody.Builder()
              .add("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
              .add("assertion", grant(md.issuer, key)) // a new grant, jti and iat for every attempt
              .build())
          .build(), this::parseTokenResponse, status -> false);
    }

    /**
     * Runs one token request with retries on I/O errors, 5xx and 429. {@code refreshOnce} may ask for one
     * uncounted repeat after a given status (it has then invalidated whatever the request was built from).
     */
    private Token withRetries(String endpoint, TokenKey key, java.util.function.Supplier<Request> request,
        java.util.function.Function<String, Token> success, java.util.function.IntPredicate refreshOnce) {
      boolean refreshed = false;
      int attempt = 0;
      while (true) {
        attempt++;
        Request req = request.get();
        long start = System.nanoTime();
        try (Response r = Interruptible.execute(http.newCall(req), endpoint)) {
          boolean ok = r.isSuccessful();
          String body = ok ? successBody(endpoint, r) : Bodies.prefix(r.body(), ERROR_BODY_LIMIT);
          LOG.debug("{} for {} -> {} in {} ms (attempt {})", endpoint, key, r.code(),
              (System.nanoTime() - start) / 1_000_000, attempt);
          if (ok) {
            return success.apply(body);
          }
          if (HttpClients.isRedirect(r.code())) {
            throw new MaskinportenException(endpoint, r.code(), null, "redirected to " + HttpClients.location(r)
                + "; the SDK does not follow redirects (the grant or token would go to another origin): check the"
                + " issuer and platform URL", null, null, false);
          }
          if (!refreshed && refreshOnce.test(r.code())) {
            refreshed = true;
            attempt--;
            continue;
          }
          MaskinportenException e = error(endpoint, r.code(), body);
          if (!refreshed && correctClockSkew && isClockError(e) && correctClock(r.header("Date"))) {
            refreshed = true;
            attempt--;
            continue;
          }
          if (e.retryable() && attempt <= retry.maxRetries()) {
            Duration wait = Backoff.retryAfter(retry, r.header("Retry-After"), r.header("Date"), clock);
            pause(endpoint, wait != null ? wait : Backoff.delay(retry, attempt), "HTTP " + r.code(), attempt);
            continue;
          }
          throw e;
        } catch (IOException e) {
          LOG.debug("{} for {} failed: {} (attempt {})", endpoint, key, e.toString(), attempt);
          if (attempt <= retry.maxRetries()) {
            pause(endpoint, Backoff.delay(retry, attempt), e.getClass().getSimpleName(), attempt);
            continue;
          }
          throw new AccessTokenException(endpoint + " " + req.url().encodedPath() + " unreachable: " + e, e);
        }
      }
    }

    /** Reads a success body within the limit; past it, a typed failure (never a truncated token). */
    private String successBody(String endpoint, Response r) throws IOException {
      try {
        return Bodies.text(r.body(), maxResponseSize);
      } catch (Bodies.TooLargeException e) {
        throw new AccessTokenException(endpoint + " answered HTTP " + r.code() + " with a body larger than "
            + maxResponseSize + " bytes (after decoding); raise it with maxResponseSize on the builder");
      }
    }

    /** Whether Maskinporten rejected the grant for its time: issued in the future, expired, or MP-130. */
    private static boolean isClockError(MaskinportenException e) {
      if (e.statusCode() != 400 || !"invalid_grant".equals(e.error())) {
        return false;
      }
      String d = e.errorDescription() == null ? "" : e.errorDescription().toLowerCase(java.util.Locale.ROOT);
      return "MP-130".equals(e.mpCode()) || d.contains("issue time") || d.contains("expired")
          || d.contains("not yet valid");
    }

    /**
     * Measures the offset to Maskinporten's clock from its {@code Date} header and adopts it when it differs from the
     * one in use by 2 s or more (the header has whole seconds).
     *
     * @return whether grant times changed, so that one more attempt can succeed
     */
    private boolean correctClock(String dateHeader) {
      Instant server = dateHeader == null ? null : Backoff.httpDate(dateHeader.strip());
      if (server == null) {
        return false;
      }
      long measured = Duration.between(clock.instant(), server).toMillis();
      long current = clockOffsetMillis.get();
      if (Math.abs(measured - current) < 2_000 || Math.abs(measured) > Duration.ofDays(1).toMillis()) {
        return false;
      }
      clockOffsetMillis.set(measured);
      telemetry.clockOffset(Duration.ofMillis(measured));
      LOG.warn("Maskinporten rejected a grant's time: by its Date header the local clock is {} s {}. Correcting"
          + " grant times by {} s and retrying once; synchronise this host's clock (NTP)", Math.abs(measured) / 1000,
          measured < 0 ? "ahead" : "behind", measured / 1000);
      return true;
    }

    private void pause(String endpoint, Duration wait, String why, int attempt) {
      telemetry.retry(new TelemetryListener.Retry(endpoint.startsWith("Maskinporten") ? MASKINPORTEN : EXCHANGE,
          why.startsWith("HTTP ") ? why.substring(5) : "io", attempt, wait));
      LOG.info("Retrying {} after {} in {} ms (retry {} of {})", endpoint, why, wait.toMillis(), attempt,
          retry.maxRetries());
      Interruptible.sleep(sleeper, wait, "waiting to retry a token request");
    }

    private Token parseTokenResponse(String body) {
      return tokenResponse(body, clock.instant());
    }

    private String grant(String audience, TokenKey key) {
      Instant iat = clock.instant().plusMillis(clockOffsetMillis.get()).truncatedTo(ChronoUnit.SECONDS);
      JWTClaimsSet.Builder c = new JWTClaimsSet.Builder()
          .audience(audience)
          .issuer(clientId)
          .claim("scope", String.join(" ", key.scopes()))
          .issueTime(Date.from(iat))
          .expirationTime(Date.from(iat.plus(GRANT_LIFETIME)))
          .jwtID(UUID.randomUUID().toString());
      if (key.resource() != null) {
        c.claim("resource", key.resource());
      }
      if (key.consumerOrg() != null) {
        c.claim("consumer_org", key.consumerOrg());
      }
      if (key.systemUserOrg() != null) {
        Map<String, Object> org = new LinkedHashMap<>();
        org.put("authority", "iso6523-actorid-upis");
        org.put("ID", "0192:" + key.systemUserOrg());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("type", "urn:altinn:systemuser");
        details.put("systemuser_org", org);
        if (key.externalRef() != null) {
          details.put("externalRef", key.externalRef());
        }
        c.claim("authorization_details", List.of(details));
      }
      JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.parse(signer.algorithm()));
      if (signer.keyId() != null) {
        h.keyID(signer.keyId());
      }
      if (!signer.certificateChain().isEmpty()) {
        List<Base64> chain = new ArrayList<>();
        for (X509Certificate cert : signer.certificateChain()) {
          try {
            chain.add(Base64.encode(cert.getEncoded()));
          } catch (CertificateEncodingException e) {
            throw new AccessTokenException("cannot encode certificate " + cert.getSubjectX500Principal(), e);
          }
        }
        h.x509CertChain(chain);
      }
      SignedJWT jwt = new SignedJWT(h.build(), c.build());
      try {
        jwt.sign(new SignerAdapter(signer));
      } catch (JOSEException e) {
        throw new AccessTokenException("signing the Maskinporten grant failed: " + e.getMessage(), e);
      }
      return jwt.serialize();
    }

    // -------------------------------------------------------------------------------------- exchange

    Token fetchAltinn(TokenKey key) {
      AtomicReference<String> mpToken = new AtomicReference<>();
      return withRetries("Altinn token exchange", key, () -> {
        mpToken.set(maskinporten.get(key));
        Request.Builder rb = new Request.Builder().url(exchangeUrl).get()
            .header("Authorization", "Bearer " + mpToken.get())
            .header("Accept", "text/plain");
        if (subscriptionKey != null) {
          rb.header(Transport.SUBSCRIPTION_KEY_HEADER, subscriptionKey);
        }
        return rb.build();
      }, body -> exchangeResponse(body, clock.instant()), status -> {
        if (status != 401) {
          return false;
        }
        // The exchange rejected the Maskinporten token (revoked or expired early): fetch a new one, once.
        maskinporten.invalidate(key, mpToken.get());
        return true;
      });
    }
  }

  /** Longest token lifetime believed from {@code expires_in}: one day (Maskinporten's are minutes). */
  static final long MAX_EXPIRES_IN_SECONDS = 86_400;

  /**
   * Parses a Maskinporten token response. Expiry is {@code now + expires_in} (120 s when absent), capped by the
   * token's own {@code exp} claim when it is a JWT. Throws only {@link AccessTokenException}.
   */
  static Token tokenResponse(String body, Instant now) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new AccessTokenException("Maskinporten answered 200 with a body that is not JSON");
    }
    JsonNode t = n == null ? null : n.get("access_token");
    String token = t != null && t.isTextual() ? t.asText() : null;
    if (token == null || token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
      throw new AccessTokenException("Maskinporten answered 200 without a usable access_token");
    }
    JsonNode e = n.get("expires_in");
    long expiresIn = 120;
    if (e != null && !e.isNull()) {
      if (!e.canConvertToLong() || e.asLong() <= 0) {
        throw new AccessTokenException("Maskinporten answered 200 with expires_in that is not a positive integer");
      }
      expiresIn = Math.min(e.asLong(), MAX_EXPIRES_IN_SECONDS);
    }
    Instant expires = now.plusSeconds(expiresIn);
    Instant jwtExp = jwtExpiry(token);
    if (jwtExp != null && jwtExp.isBefore(expires)) {
      expires = jwtExp;
    }
    return new Token(token, expires);
  }

  /**
   * Parses the Altinn token exchange's answer: a raw JWT, a JSON string, or JSON with {@code access_token}.
   * Expiry is the token's {@code exp}, or five minutes when it has none. Throws only {@link AccessTokenException}.
   */
  static Token exchangeResponse(String body, Instant now) {
    String token = exchangedToken(body);
    Instant exp = jwtExpiry(token);
    return new Token(token, exp != null ? exp : now.plus(Duration.ofMinutes(5)));
  }

  private static String exchangedToken(String body) {
    String t = body.strip();
    if (t.startsWith("{")) {
      try {
        t = Json.MAPPER.readTree(t).path("access_token").asText("");
      } catch (IOException e) {
        throw new AccessTokenException("Altinn token exchange answered with unreadable JSON");
      }
    } else if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.isBlank() || t.chars().anyMatch(Character::isWhitespace)) {
      throw new AccessTokenException("Altinn token exchange answered 200 without a token");
    }
    return t;
  }

  static Instant jwtExpiry(String token) {
    try {
      Date exp = JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
      return exp == null ? null : exp.toInstant();
    } catch (ParseException | RuntimeException e) {
      return null;
    }
  }

  /** Error bodies are only quoted (cleaned and cut): read at most this much of one. */
  private static final int ERROR_BODY_LIMIT = 16 * 1024;

  static MaskinportenException error(String endpoint, int status, String body) {
    String error = null;
    String description = null;
    String text = body == null ? "" : body.strip();
    if (text.startsWith("{")) {
      try {
        JsonNode n = Json.MAPPER.readTree(text);
        error = n.hasNonNull("error") ? n.get("error").asText() : null;
        description = n.hasNonNull("error_description") ? n.get("error_description").asText()
            : n.hasNonNull("detail") ? n.get("detail").asText() : n.hasNonNull("title") ? n.get("title").asText() : null;
      } catch (IOException e) {
        description = text;
      }
    } else if (!text.isEmpty()) {
      description = text;
    }
    String mp = null;
    String trace = null;
    if (description != null) {
      Matcher m = MP_CODE.matcher(description);
      mp = m.find() ? m.group() : null;
      Matcher t = TRACE_ID.matcher(description);
      trace = t.find() ? t.group(1) : null;
    }
    boolean retryable = status >= 500 || status == 429;
    return new MaskinportenException(endpoint, status, Text.clean(error, 100), Text.clean(description, 300), mp,
        Text.clean(trace, 100), retryable);
  }

  /** Adapts a {@link GrantSigner} to Nimbus. */
  private static final class SignerAdapter implements JWSSigner {
    private final GrantSigner signer;
    private final JCAContext jca = new JCAContext();

    SignerAdapter(GrantSigner signer) {
      this.signer = signer;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) {
      return Base64URL.encode(signer.sign(signingInput));
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);
    }

    @Override
    public JCAContext getJCAContext() {
      return jca;
    }
  }

  // ------------------------------------------------------------------------------------------------ builder

  /** Builds a {@link Maskinporten}. Required: environment or issuer, client id, signer. */
  public static final class Builder {
    private String issuer;
    private String clientId;
    private GrantSigner signer;
    private OkHttpClient httpClient;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private TelemetryListener telemetry = TelemetryListener.NONE;
    private int cacheSize = 10_000;
    private String altinnPlatformUrl;
    private boolean exchangeTestOrg;
    private boolean correctClockSkew = true;
    private String subscriptionKey;
    private BrokerTokens brokerTokens = BrokerTokens.ALTINN_EXCHANGED;
    private Duration timeout = Duration.ofSeconds(10);
    private int maxResponseSize = 64 * 1024;

    private Builder() {}

    /**
     * @param environment TEST or PRODUCTION; conflicts with {@link #issuer}
     * @return this builder
     */
    public Builder environment(MaskinportenEnvironment environment) {
      return issuer(environment.issuer());
    }

    /**
     * A custom issuer (local test servers). Metadata is read from {@code <issuer>/.well-known/oauth-authorization-server};
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
     * @param policy retries of token requests (I/O, 5xx, 429); default {@link RetryPolicy#DEFAULT}
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
        throw new IllegalStateException("signer(...) is required, e.g. GrantSigners.pkcs12(...) or GrantSigners.jwk(...)");
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
      return new Maskinporten(new Shared(this, http), new Party(null, null, null, null));
    }
  }
}
