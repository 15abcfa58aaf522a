package no.brokerclient.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import java.io.IOException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.brokerclient.internal.Json;
import no.brokerclient.internal.Retrier;
import no.brokerclient.internal.Text;
import no.brokerclient.internal.TokenCache.Token;

/**
 * Parses the answers of Maskinporten's token endpoint and of Altinn's token exchange: a token with its expiry on the
 * local clock, or a typed failure. Never quotes a token or a body it could not read.
 */
final class TokenResponses {
  /** Longest token lifetime believed from {@code expires_in}: one day (Maskinporten's are minutes). */
  static final long MAX_EXPIRES_IN_SECONDS = 86_400;
  /** Lifetime of an exchanged token that carries no {@code exp}. */
  static final Duration EXCHANGE_DEFAULT_LIFETIME = Duration.ofMinutes(5);
  private static final Pattern MP_CODE = Pattern.compile("\\bMP-\\d{3}\\b");
  private static final Pattern TRACE_ID = Pattern.compile("trace_id:\\s*([^)\\s,]+)");

  private TokenResponses() {}

  /**
   * Parses a Maskinporten token response. Expiry is {@code now + expires_in} (120 s when absent), capped by the
   * token's own {@code exp} claim when it is a JWT (read on the local clock: {@code exp − offset}). Throws only
   * {@link AccessTokenException}.
   *
   * @param body the 200 body
   * @param now the local time the answer arrived
   * @param offset Maskinporten's clock minus the local clock (zero when unknown)
   */
  static Token tokenResponse(String body, Instant now, Duration offset) {
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
    Times times = times(token);
    if (times != null && times.exp != null) {
      Instant localExp = times.exp.minus(offset);
      if (localExp.isBefore(expires)) {
        expires = localExp;
      }
    }
    return new Token(token, expires);
  }

  /** {@link #tokenResponse(String, Instant, Duration)} with no known clock offset. */
  static Token tokenResponse(String body, Instant now) {
    return tokenResponse(body, now, Duration.ZERO);
  }

  /**
   * Parses the Altinn token exchange's answer: a raw JWT, a JSON string, or JSON with {@code access_token}. Expiry
   * is measured on the local clock: {@code now + (exp − iat)} (the lifetime Altinn gave it), and no later than
   * {@code exp − offset} (its {@code exp} read on the local clock); {@code exp − offset} alone without {@code iat};
   * five minutes when it has no {@code exp}. So a local clock behind Altinn's never keeps an expired token. Throws
   * only {@link AccessTokenException}.
   *
   * @param body the 200 body
   * @param now the local time the answer arrived
   * @param offset the issuer's clock minus the local clock (zero when unknown)
   */
  static Token exchangeResponse(String body, Instant now, Duration offset) {
    String token = exchangedToken(body);
    Times times = times(token);
    if (times == null || times.exp == null) {
      return new Token(token, now.plus(EXCHANGE_DEFAULT_LIFETIME));
    }
    Instant expires = times.exp.minus(offset);
    if (times.iat != null && !times.iat.isAfter(times.exp)) {
      Instant byLifetime = now.plus(Duration.between(times.iat, times.exp));
      if (byLifetime.isBefore(expires)) {
        expires = byLifetime;
      }
    }
    return new Token(token, expires);
  }

  /** {@link #exchangeResponse(String, Instant, Duration)} with no known clock offset. */
  static Token exchangeResponse(String body, Instant now) {
    return exchangeResponse(body, now, Duration.ZERO);
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

  /** A JWT's {@code iat} and {@code exp} (either may be null). */
  private record Times(Instant iat, Instant exp) {}

  /** @return the token's times, or {@code null} when it is not a readable JWT */
  private static Times times(String token) {
    try {
      JWTClaimsSet c = JWTParser.parse(token).getJWTClaimsSet();
      return new Times(instant(c.getIssueTime()), instant(c.getExpirationTime()));
    } catch (ParseException | RuntimeException e) {
      return null;
    }
  }

  private static Instant instant(Date d) {
    return d == null ? null : d.toInstant();
  }

  /**
   * A token endpoint's or the exchange's error answer as a {@link MaskinportenException}: OAuth {@code error} and
   * {@code error_description} (or problem-details {@code detail}/{@code title}), the MP code and trace id when the
   * description has them; cleaned and cut. Retryable as {@link Retrier#shouldRetry(int, boolean)} says for a call
   * that is safe to repeat (a token request: each attempt has a fresh grant).
   *
   * @param endpoint what was called, e.g. "Maskinporten token endpoint"
   * @param status the HTTP status
   * @param body the (already bounded) body, or {@code null}
   */
  static MaskinportenException error(String endpoint, int status, String body) {
    String error = null;
    String description = null;
    String text = body == null ? "" : body.strip();
    if (text.startsWith("{")) {
      try {
        JsonNode n = Json.MAPPER.readTree(text);
        error = n.hasNonNull("error") ? n.get("error").asText() : null;
        description = n.hasNonNull("error_description") ? n.get("error_description").asText()
            : n.hasNonNull("detail") ? n.get("detail").asText()
            : n.hasNonNull("title") ? n.get("title").asText() : null;
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
    boolean retryable = Retrier.shouldRetry(status, true);
    return new MaskinportenException(endpoint, status, Text.clean(error, 100), Text.clean(description, 300), mp,
        Text.clean(trace, 100), retryable);
  }
}
