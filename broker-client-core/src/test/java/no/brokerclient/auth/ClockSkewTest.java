package no.brokerclient.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import no.brokerclient.RetryPolicy;
import no.brokerclient.testing.CapturedLogs;
import no.brokerclient.testing.MutableClock;
import no.brokerclient.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Correcting grant times from Maskinporten's {@code Date} header when it rejects a grant's time. */
class ClockSkewTest {
  static final String ISSUE_TIME = "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid assertion. Issue"
      + " time is in the future (trace_id: t1)\"}";
  static final String EXPIRED = "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid assertion. MP-130 JWT"
      + " has expired\"}";

  MockWebServer server;
  MutableClock clock = new MutableClock();
  Instant serverNow;

  @BeforeEach
  void start() throws Exception {
    CapturedLogs.clear();
    server = new MockWebServer();
    server.start(0);
    serverNow = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"issuer\":\"" + server.url("/") + "\",\"token_endpoint\":\"" + server.url("/token") + "\"}").build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Maskinporten.Builder builder() {
    return Maskinporten.builder().issuer(server.url("/").toString()).clientId("client-1")
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString())).clock(clock)
        .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(2)).build());
  }

  MockResponse rejected(String body, Instant date) {
    MockResponse.Builder b = new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
        .body(body);
    if (date != null) {
      b.addHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atOffset(ZoneOffset.UTC)));
    }
    return b.build();
  }

  static MockResponse token(String value) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\",\"expires_in\":120}").build();
  }

  /** The grant sent in a token request, skipping the metadata request first. */
  JWTClaimsSet nextGrant() throws Exception {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    if (r.getTarget().contains("well-known")) {
      r = server.takeRequest(5, TimeUnit.SECONDS);
    }
    String form = r.getBody().utf8();
    for (String pair : form.split("&")) {
      if (pair.startsWith("assertion=")) {
        return SignedJWT.parse(URLDecoder.decode(pair.substring(10), StandardCharsets.UTF_8)).getJWTClaimsSet();
      }
    }
    throw new AssertionError("no assertion in " + form);
  }

  static long secondsBetween(java.util.Date a, Instant b) {
    return Math.abs(Duration.between(a.toInstant(), b).getSeconds());
  }

  @Test
  void clockAheadIsCorrectedOnceAndRemembered() throws Exception {
    clock.advance(Duration.ofSeconds(15).plus(Duration.between(Instant.now(), serverNow)));
    server.enqueue(rejected(ISSUE_TIME, serverNow));
    server.enqueue(token("tok-1"));
    server.enqueue(token("tok-2"));
    try (Maskinporten mp = builder().build()) {
      assertEquals("tok-1", mp.accessToken(AltinnScopes.SENDER));
      JWTClaimsSet first = nextGrant();
      JWTClaimsSet second = nextGrant();
      assertTrue(secondsBetween(first.getIssueTime(), serverNow) >= 14, "first grant used the local clock");
      assertTrue(secondsBetween(second.getIssueTime(), serverNow) <= 1, "second grant used Maskinporten's clock");
      assertTrue(mp.clockOffset().plusSeconds(15).abs().toMillis() <= 1_000, "offset " + mp.clockOffset());
      assertEquals(1, mp.tokenRequests());
      // Later grants keep the correction: the next scope set succeeds at the first attempt.
      assertEquals("tok-2", mp.accessToken(AltinnScopes.RECIPIENT));
      assertTrue(secondsBetween(nextGrant().getIssueTime(), serverNow) <= 1);
    }
    assertTrue(CapturedLogs.lines().stream().anyMatch(l -> l.startsWith("WARN") && l.contains("15 s ahead")
        && l.contains("NTP")), "a warning names the skew: " + CapturedLogs.lines());
  }

  @Test
  void clockBehindIsCorrectedWhenTheGrantHasExpired() throws Exception {
    clock.advance(Duration.ofMinutes(-3).plus(Duration.between(Instant.now(), serverNow)));
    server.enqueue(rejected(EXPIRED, serverNow));
    server.enqueue(token("tok-1"));
    try (Maskinporten mp = builder().build()) {
      assertEquals("tok-1", mp.accessToken(AltinnScopes.SENDER));
      assertTrue(mp.clockOffset().minusMinutes(3).abs().toMillis() <= 1_000, "offset " + mp.clockOffset());
    }
  }

  /** Asks for a token that Maskinporten rejects; asserts one attempt, no correction, and returns the failure. */
  MaskinportenException rejectedWithoutCorrection(Maskinporten.Builder b) {
    MaskinportenException e;
    try (Maskinporten mp = b.build()) {
      e = assertThrows(MaskinportenException.class, () -> mp.accessToken(AltinnScopes.SENDER));
      assertEquals(Duration.ZERO, mp.clockOffset());
    }
    assertEquals(2, server.getRequestCount(), "metadata and one token request");
    return e;
  }

  @Test
  void noCorrectionWithoutEvidence() {
    clock.advance(Duration.ofSeconds(15));
    server.enqueue(rejected(ISSUE_TIME, null)); // no Date header
    MaskinportenException e = rejectedWithoutCorrection(builder());
    assertEquals("invalid_grant", e.error());
    assertTrue(e.getMessage().contains("Check the local clock"), e.getMessage());
  }

  @Test
  void noCorrectionWhenTheClocksAgree() {
    server.enqueue(rejected(ISSUE_TIME, Instant.now()));
    rejectedWithoutCorrection(builder());
  }

  @Test
  void otherGrantErrorsAreNotTreatedAsClockErrors() {
    clock.advance(Duration.ofSeconds(15));
    server.enqueue(rejected("{\"error\":\"invalid_grant\",\"error_description\":\"MP-124 Invalid signature\"}",
        Instant.now()));
    assertEquals("MP-124", rejectedWithoutCorrection(builder()).mpCode());
  }

  @Test
  void switchedOffItFailsAtOnce() {
    clock.advance(Duration.ofSeconds(15));
    server.enqueue(rejected(ISSUE_TIME, Instant.now()));
    rejectedWithoutCorrection(builder().correctClockSkew(false));
  }

  @Test
  void correctsOnlyOncePerRequest() throws Exception {
    clock.advance(Duration.ofSeconds(15));
    server.enqueue(rejected(ISSUE_TIME, Instant.now()));
    server.enqueue(rejected(ISSUE_TIME, Instant.now().plusSeconds(60))); // a server clock that keeps moving
    server.enqueue(token("never"));
    try (Maskinporten mp = builder().build()) {
      assertThrows(MaskinportenException.class, () -> mp.accessToken(Set.of(AltinnScopes.BROKER_WRITE)));
    }
    assertEquals(3, server.getRequestCount(), "metadata, the rejected grant and one corrected grant; no loop");
  }
}
