package no.brokerclient.auth;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import no.brokerclient.internal.Hosts;
import no.brokerclient.internal.Retrier;
import no.brokerclient.internal.Telemetry;
import no.brokerclient.internal.TokenCache;
import no.brokerclient.internal.TokenCache.Token;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * What one {@link Maskinporten} and all its views share: the HTTP client, the refresh threads, the two token caches
 * (Maskinporten tokens and exchanged Altinn tokens) and the types that fill them. Closed only by its owner.
 */
final class MaskinportenCore {
  /** Threads refreshing tokens ahead of expiry, however many keys go stale together. */
  static final int REFRESH_THREADS = 4;

  final String clientId;
  final String issuer;
  final GrantSigner signer;
  final Maskinporten.BrokerTokens brokerTokens;
  final Grants grants;
  final TokenCache<TokenKey> maskinporten;
  /** {@code null} without an Altinn platform URL. */
  final AltinnExchange exchange;
  final TokenCache<TokenKey> altinn;
  private final OkHttpClient http;
  private final boolean ownsHttp;
  private final ExecutorService refresher;
  private final Telemetry telemetry;
  private final AtomicBoolean closed = new AtomicBoolean();

  MaskinportenCore(Maskinporten.Builder b, OkHttpClient http) {
    this.clientId = b.clientId;
    this.issuer = b.issuer;
    this.signer = b.signer;
    this.brokerTokens = b.brokerTokens;
    this.http = http;
    this.ownsHttp = b.httpClient == null;
    this.telemetry = Telemetry.of(b.telemetry);
    HttpUrl exchangeUrl = exchangeUrl(b.altinnPlatformUrl, b.exchangeTestOrg);
    this.grants = new Grants(b.clientId, b.signer, b.clock);
    TokenEndpoint endpoint = new TokenEndpoint(http,
        new AuthorizationServerMetadata(b.issuer, http, b.clock, b.maxResponseSize), grants, b.clock,
        new Retrier(b.retryPolicy, b.sleeper, b.clock, telemetry), telemetry, b.correctClockSkew, b.maxResponseSize);
    this.refresher = TokenCache.refresher("broker-client-token-refresh", REFRESH_THREADS);
    TokenCache.Policy policy = TokenCache.Policy.of(b.cacheSize, b.waitTimeout);
    this.maskinporten = new TokenCache<>(timed(Maskinporten.MASKINPORTEN, endpoint::fetch), b.clock, refresher,
        policy);
    this.exchange = exchangeUrl == null ? null
        : new AltinnExchange(exchangeUrl, b.subscriptionKey, maskinporten, endpoint, grants, b.clock);
    this.altinn = exchange == null ? null
        : new TokenCache<>(timed(Maskinporten.EXCHANGE, exchange::fetch), b.clock, refresher, policy);
  }

  private static HttpUrl exchangeUrl(String platformUrl, boolean testOrg) {
    if (platformUrl == null) {
      return null;
    }
    HttpUrl.Builder ex = Hosts.requireSecure("altinnPlatformUrl", platformUrl).newBuilder()
        .addPathSegments("authentication/api/v1/exchange/maskinporten");
    if (testOrg) {
      ex.addQueryParameter("test", "true");
    }
    return ex.build();
  }

  private Function<TokenKey, Token> timed(String kind, Function<TokenKey, Token> fetch) {
    return key -> {
      long start = System.nanoTime();
      try {
        Token t = fetch.apply(key);
        telemetry.tokenFetch(kind, start, null);
        return t;
      } catch (RuntimeException e) {
        telemetry.tokenFetch(kind, start, e);
        throw e;
      }
    };
  }

  /** Stops the refresh threads and, if the SDK created it, the HTTP client's. Idempotent. */
  void close() {
    if (closed.compareAndSet(false, true)) {
      refresher.shutdownNow();
      if (ownsHttp) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
      }
    }
  }
}
