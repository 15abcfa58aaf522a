package no.brokerclient.auth;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicReference;
import no.brokerclient.TelemetryListener;
import no.brokerclient.internal.Backoff;
import no.brokerclient.internal.Bodies;
import no.brokerclient.internal.HttpClients;
import no.brokerclient.internal.Interruptible;
import no.brokerclient.internal.Retrier;
import no.brokerclient.internal.Telemetry;
import no.brokerclient.internal.TokenCache.Token;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maskinporten's token endpoint, and the one method token requests (and the Altinn exchange) go through, {@link
 * #send}: the shared {@link Retrier} (a fresh grant every attempt, so a repeat is safe), no redirects, bounded
 * bodies, and the clock-skew correction: when Maskinporten rejects a grant's time and its {@code Date} header shows
 * the local clock off by 2 s or more, grants adopt the measured offset and the request is repeated once (not counted
 * as a retry).
 */
final class TokenEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(Maskinporten.class);
  static final String NAME = "Maskinporten token endpoint";
  /** Error bodies are only quoted (cleaned and cut): read at most this much of one. */
  private static final int ERROR_BODY_LIMIT = 16 * 1024;

  private final OkHttpClient http;
  private final AuthorizationServerMetadata metadata;
  private final Grants grants;
  private final Clock clock;
  private final Retrier retrier;
  private final Telemetry telemetry;
  private final boolean correctClockSkew;
  private final int maxResponseSize;

  TokenEndpoint(OkHttpClient http, AuthorizationServerMetadata metadata, Grants grants, Clock clock, Retrier retrier,
      Telemetry telemetry, boolean correctClockSkew, int maxResponseSize) {
    this.http = http;
    this.metadata = metadata;
    this.grants = grants;
    this.clock = clock;
    this.retrier = retrier;
    this.telemetry = telemetry;
    this.correctClockSkew = correctClockSkew;
    this.maxResponseSize = maxResponseSize;
  }

  /** @return a Maskinporten token for this key, its expiry on the local clock */
  Token fetch(TokenKey key) {
    AuthorizationServerMetadata.Metadata md = metadata.get();
    return send(NAME, Maskinporten.MASKINPORTEN, key, () -> new Request.Builder().url(md.tokenEndpoint())
        .header("Accept", "application/json")
        .post(new FormBody.Builder()
            .add("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
            .add("assertion", grants.create(md.issuer(), key)) // a new grant, jti and iat for every attempt
            .build())
        .build(), body -> TokenResponses.tokenResponse(body, clock.instant(), grants.offset()), status -> false);
  }

  /**
   * Runs one token request through the shared {@link Retrier}: a token request counts as safe to repeat (each attempt
   * builds a new request, with a fresh grant), so I/O errors and what {@link Retrier#shouldRetry(int, boolean)} says
   * for an idempotent call are retried. Redirects fail at once. {@code refreshOnce} may ask for one uncounted repeat
   * after a given status (it has then invalidated whatever the request was built from); a grant rejected for its time
   * gets one uncounted repeat after a clock correction. The two share the one repeat.
   *
   * @param endpoint names the endpoint in logs and errors
   * @param kind {@link TelemetryListener.Retry#operation()} of its retries
   * @param key the token's key (logged; holds no secret)
   * @param request builds each attempt's request
   * @param success parses a 2xx body
   * @param refreshOnce whether a status earns one uncounted repeat
   */
  Token send(String endpoint, String kind, TokenKey key, Supplier<Request> request, Function<String, Token> success,
      IntPredicate refreshOnce) {
    boolean[] repeated = {false};
    AtomicReference<Request> last = new AtomicReference<>();
    return retrier.run(new Retrier.Call(kind, endpoint, true, true), n -> {
      Request req = request.get();
      last.set(req);
      long start = System.nanoTime();
      try (Response r = Interruptible.execute(http.newCall(req), endpoint)) {
        boolean ok = r.isSuccessful();
        String body = ok ? successBody(endpoint, r) : Bodies.prefix(r.body(), ERROR_BODY_LIMIT);
        LOG.debug("{} for {} -> {} in {} ms (attempt {})", endpoint, key, r.code(),
            (System.nanoTime() - start) / 1_000_000, n);
        if (ok) {
          return Retrier.Outcome.success(success.apply(body));
        }
        if (HttpClients.isRedirect(r.code())) {
          return Retrier.Outcome.fail(redirected(endpoint, r));
        }
        if (!repeated[0] && refreshOnce.test(r.code())) {
          repeated[0] = true;
          return Retrier.Outcome.repeat(endpoint + " answered " + r.code() + "; refreshed what it rejected");
        }
        MaskinportenException e = TokenResponses.error(endpoint, r.code(), body);
        if (!repeated[0] && correctClockSkew && isClockError(e) && correctClock(r.header("Date"))) {
          repeated[0] = true;
          return Retrier.Outcome.repeat("grant re-dated to Maskinporten's clock");
        }
        return Retrier.Outcome.failure(r.code(), r.header("Retry-After"), r.header("Date"), e);
      } catch (IOException e) {
        LOG.debug("{} for {} failed: {} (attempt {})", endpoint, key, e.toString(), n);
        throw e;
      }
    }, e -> new AccessTokenException(endpoint + " " + last.get().url().encodedPath() + " unreachable: " + e, e));
  }

  private static MaskinportenException redirected(String endpoint, Response r) {
    return new MaskinportenException(endpoint, r.code(), null, "redirected to " + HttpClients.location(r)
        + "; the SDK does not follow redirects (the grant or token would go to another origin): check the"
        + " issuer and platform URL", null, null, false);
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
  static boolean isClockError(MaskinportenException e) {
    if (e.statusCode() != 400 || !"invalid_grant".equals(e.error())) {
      return false;
    }
    String d = e.errorDescription() == null ? "" : e.errorDescription().toLowerCase(Locale.ROOT);
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
    long current = grants.offset().toMillis();
    if (Math.abs(measured - current) < 2_000 || Math.abs(measured) > Duration.ofDays(1).toMillis()) {
      return false;
    }
    grants.adoptOffset(Duration.ofMillis(measured));
    telemetry.clockOffset(Duration.ofMillis(measured));
    LOG.warn("Maskinporten rejected a grant's time: by its Date header the local clock is {} s {}. Correcting"
        + " grant times by {} s and retrying once; synchronise this host's clock (NTP)", Math.abs(measured) / 1000,
        measured < 0 ? "ahead" : "behind", measured / 1000);
    return true;
  }
}
