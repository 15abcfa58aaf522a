package no.brokerclient.auth;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import no.brokerclient.RetryPolicy;
import no.brokerclient.TelemetryListener;
import no.brokerclient.internal.Backoff;
import no.brokerclient.internal.Bodies;
import no.brokerclient.internal.HttpClients;
import no.brokerclient.internal.Interruptible;
import no.brokerclient.internal.Sleeper;
import no.brokerclient.internal.Telemetry;
import no.brokerclient.internal.TokenCache.Token;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maskinporten's token endpoint, and the one request loop token requests (and the Altinn exchange) go through:
 * retries on I/O errors, 5xx and 429 with jittered backoff (a fresh grant every attempt, so a repeat is safe), no
 * redirects, bounded bodies, and the clock-skew correction: when Maskinporten rejects a grant's time and its {@code
 * Date} header shows the local clock off by 2 s or more, grants adopt the measured offset and the request is repeated
 * once (not counted as a retry).
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
  private final Sleeper sleeper;
  private final RetryPolicy retry;
  private final Telemetry telemetry;
  private final boolean correctClockSkew;
  private final int maxResponseSize;

  TokenEndpoint(OkHttpClient http, AuthorizationServerMetadata metadata, Grants grants, Clock clock, Sleeper sleeper,
      RetryPolicy retry, Telemetry telemetry, boolean correctClockSkew, int maxResponseSize) {
    this.http = http;
    this.metadata = metadata;
    this.grants = grants;
    this.clock = clock;
    this.sleeper = sleeper;
    this.retry = retry;
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
   * Runs one token request with retries on I/O errors, 5xx and 429. {@code refreshOnce} may ask for one uncounted
   * repeat after a given status (it has then invalidated whatever the request was built from).
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
    boolean repeated = false;
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
          throw redirected(endpoint, r);
        }
        if (!repeated && refreshOnce.test(r.code())) {
          repeated = true;
          attempt--;
          continue;
        }
        MaskinportenException e = TokenResponses.error(endpoint, r.code(), body);
        if (!repeated && correctClockSkew && isClockError(e) && correctClock(r.header("Date"))) {
          repeated = true;
          attempt--;
          continue;
        }
        if (e.retryable() && attempt <= retry.maxRetries()) {
          Duration wait = Backoff.retryAfter(retry, r.header("Retry-After"), r.header("Date"), clock);
          pause(endpoint, kind, wait != null ? wait : Backoff.delay(retry, attempt), "HTTP " + r.code(), attempt);
          continue;
        }
        throw e;
      } catch (IOException e) {
        LOG.debug("{} for {} failed: {} (attempt {})", endpoint, key, e.toString(), attempt);
        if (attempt <= retry.maxRetries()) {
          pause(endpoint, kind, Backoff.delay(retry, attempt), e.getClass().getSimpleName(), attempt);
          continue;
        }
        throw new AccessTokenException(endpoint + " " + req.url().encodedPath() + " unreachable: " + e, e);
      }
    }
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

  private void pause(String endpoint, String kind, Duration wait, String why, int attempt) {
    telemetry.retry(new TelemetryListener.Retry(kind, why.startsWith("HTTP ") ? why.substring(5) : "io", attempt,
        wait));
    LOG.info("Retrying {} after {} in {} ms (retry {} of {})", endpoint, why, wait.toMillis(), attempt,
        retry.maxRetries());
    Interruptible.sleep(sleeper, wait, "waiting to retry a token request");
  }
}
