package no.brokerclient.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import no.brokerclient.internal.TokenCache.Token;
import org.junit.jupiter.api.Test;

/** Token expiry is read on the local clock, whichever way it is off from the issuer's. */
class TokenResponsesTest {
  /** The issuer's time when it issued the token. */
  static final Instant ISSUED = Instant.parse("2026-12-01T12:00:00Z");

  static String jwt(Instant iat, Instant exp) {
    JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().subject("991825827").expirationTime(Date.from(exp));
    if (iat != null) {
      c.issueTime(Date.from(iat));
    }
    return new PlainJWT(c.build()).serialize();
  }

  @Test
  void anExchangedTokenLivesExpMinusIatFromItsArrivalWhenTheLocalClockIsBehind() {
    String token = jwt(ISSUED, ISSUED.plus(Duration.ofMinutes(30)));
    Instant localNow = ISSUED.minus(Duration.ofMinutes(5)); // the local clock is 5 minutes behind Altinn's
    Token t = TokenResponses.exchangeResponse(token, localNow, Duration.ZERO);
    assertEquals(localNow.plus(Duration.ofMinutes(30)), t.expiresAt(),
        "by its own exp the cache would serve it for 5 minutes after Altinn stops accepting it");
  }

  @Test
  void anExchangedTokenIsNeverKeptPastItsExpOnTheLocalClock() {
    // Issued 10 minutes before it reached us (an iat in the past): exp, shifted to local time, is the bound.
    String token = jwt(ISSUED.minus(Duration.ofMinutes(10)), ISSUED.plus(Duration.ofMinutes(20)));
    Duration offset = Duration.ofMinutes(2); // learned from Maskinporten: local clock 2 minutes behind
    Instant localNow = ISSUED.minus(offset);
    Token t = TokenResponses.exchangeResponse(token, localNow, offset);
    assertEquals(ISSUED.plus(Duration.ofMinutes(20)).minus(offset), t.expiresAt());
  }

  @Test
  void withoutIatTheExpIsReadOnTheLocalClockAndWithoutExpFiveMinutes() {
    Duration offset = Duration.ofMinutes(3);
    Token t = TokenResponses.exchangeResponse(jwt(null, ISSUED.plus(Duration.ofMinutes(30))), ISSUED, offset);
    assertEquals(ISSUED.plus(Duration.ofMinutes(27)), t.expiresAt());
    assertEquals(ISSUED.plus(Duration.ofMinutes(5)),
        TokenResponses.exchangeResponse("opaque-token-value", ISSUED, offset).expiresAt());
  }

  @Test
  void aMaskinportenTokensExpCapsExpiresInOnTheLocalClock() {
    Duration offset = Duration.ofSeconds(60); // local clock a minute behind Maskinporten's
    Instant localNow = ISSUED.minus(offset);
    String token = jwt(ISSUED, ISSUED.plusSeconds(100));
    Token t = TokenResponses.tokenResponse("{\"access_token\":\"" + token + "\",\"expires_in\":120}", localNow,
        offset);
    assertEquals(localNow.plusSeconds(100), t.expiresAt(), "exp 100 s after issue beats expires_in 120");
  }
}
