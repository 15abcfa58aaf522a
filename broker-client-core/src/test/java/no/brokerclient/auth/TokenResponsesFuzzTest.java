package no.brokerclient.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.BiFunction;
import no.brokerclient.internal.Retrier;
import no.brokerclient.internal.TokenCache.Token;

/**
 * Fuzzes the token-response parsers: Maskinporten's 200 body, the Altinn exchange's 200 body, and Maskinporten's
 * error body. Each either gives a usable token or throws {@link AccessTokenException}, never anything else, and no
 * message quotes a token. The normal build replays {@code TokenResponsesFuzzTestInputs/}.
 */
class TokenResponsesFuzzTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @FuzzTest
  void maskinportenTokenResponse(byte[] input) {
    Token t = parse(input, TokenResponses::tokenResponse);
    if (t != null) {
      assertFalse(t.expiresAt().isAfter(NOW.plusSeconds(TokenResponses.MAX_EXPIRES_IN_SECONDS)),
          "expiry is capped: " + t.expiresAt());
    }
  }

  @FuzzTest
  void altinnExchangeResponse(byte[] input) {
    parse(input, TokenResponses::exchangeResponse);
  }

  /** Parses; a token must be usable, a failure must be an {@link AccessTokenException} that quotes nothing. */
  private static Token parse(byte[] input, BiFunction<String, Instant, Token> parser) {
    String body = new String(input, StandardCharsets.UTF_8);
    Token t;
    try {
      t = parser.apply(body, NOW);
    } catch (AccessTokenException e) {
      assertQuiet(e, body);
      return null;
    }
    assertUsable(t);
    return t;
  }

  @FuzzTest
  void maskinportenErrorResponse(byte[] input) {
    String body = new String(input, StandardCharsets.UTF_8);
    for (int status : new int[] {400, 401, 403, 429, 500, 503}) {
      MaskinportenException e = TokenResponses.error("Maskinporten token endpoint", status, body);
      assertEquals(status, e.statusCode());
      assertEquals(Retrier.shouldRetry(status, true), e.retryable(), "the shared classifier decides");
      String m = e.getMessage();
      assertTrue(m.startsWith("Maskinporten token endpoint answered HTTP " + status), m);
      assertTrue(m.length() <= 1_000, "message is bounded: " + m.length());
      assertFalse(m.chars().anyMatch(Character::isISOControl), "no control characters: " + m);
      if (e.mpCode() != null) {
        assertTrue(e.mpCode().matches("MP-\\d{3}"), e.mpCode());
      }
      if (e.traceId() != null) {
        assertTrue(e.traceId().length() <= 100);
      }
    }
  }

  private static void assertUsable(Token t) {
    assertNotNull(t.value());
    assertFalse(t.value().isBlank());
    assertFalse(t.value().chars().anyMatch(Character::isWhitespace), "a token never has whitespace");
    assertNotNull(t.expiresAt());
    if (t.value().length() >= 8) { // shorter values can occur in the fixed text ("e" in "expiresAt")
      assertFalse(t.toString().contains(t.value()), "toString hides the token");
    }
  }

  private static void assertQuiet(AccessTokenException e, String body) {
    String m = e.getMessage();
    assertTrue(m.length() <= 300, m);
    if (body.strip().length() >= 8) {
      assertFalse(m.contains(body.strip()), "the body is never quoted: " + m);
    }
  }
}
