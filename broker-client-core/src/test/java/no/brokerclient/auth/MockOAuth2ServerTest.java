package no.brokerclient.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testing.MutableClock;
import no.brokerclient.testing.TestKeys;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWT-bearer grant end to end against an independent OAuth2 server (navikt's mock-oauth2-server). */
class MockOAuth2ServerTest {
  MockOAuth2Server server;
  MutableClock clock = new MutableClock();

  @BeforeEach
  void start() {
    server = new MockOAuth2Server();
    server.start(0);
  }

  @AfterEach
  void stop() {
    server.shutdown();
  }

  Maskinporten maskinporten() {
    return Maskinporten.builder()
        .issuer(server.issuerUrl("maskinporten").toString())
        .clientId("client-1")
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString()))
        .clock(clock)
        .build();
  }

  static String assertion(RecordedRequest r) {
    for (String pair : r.getBody().readUtf8().split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv[0].equals("assertion")) {
        return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no assertion in " + r);
  }

  RecordedRequest takeTokenRequest() {
    for (int i = 0; i < 5; i++) {
      RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
      if (r == null) {
        break;
      }
      if ("POST".equals(r.getMethod()) && r.getPath().endsWith("/token")) {
        return r;
      }
    }
    throw new AssertionError("no token request reached the server");
  }

  @Test
  void jwtBearerGrantEndToEnd() throws Exception {
    server.enqueueCallback(new DefaultOAuth2TokenCallback("maskinporten", "client-1", "JWT", List.of("altinn"),
        Map.of(), 3600L));
    try (Maskinporten mp = maskinporten()) {
      String token = mp.withSystemUser(OrganizationNumber.of("991825827")).accessToken(AltinnScopes.SENDER);
      JWTClaimsSet issued = SignedJWT.parse(token).getJWTClaimsSet();
      assertEquals("altinn:authorization:pdp altinn:broker.write", issued.getStringClaim("scope"),
          "the server copied the scope from our assertion");
      assertNotNull(issued.getClaim("authorization_details"));

      RecordedRequest r = takeTokenRequest();
      assertEquals("application/x-www-form-urlencoded", r.getHeader("Content-Type").split(";")[0]);
      SignedJWT grant = SignedJWT.parse(assertion(r));
      assertTrue(grant.verify(new RSASSAVerifier(TestKeys.jwk().toRSAPublicKey())), "grant signed with our key");
      assertEquals(List.of(server.issuerUrl("maskinporten").toString()), grant.getJWTClaimsSet().getAudience());
      assertEquals("client-1", grant.getJWTClaimsSet().getIssuer());
    }
  }

  @Test
  void shortLivedTokensAreRefreshedAhead() {
    // 60 s tokens: margin max(30 s, 15 s) = 30 s, so fresh for 30 s and usable until 50 s.
    for (int i = 0; i < 3; i++) {
      server.enqueueCallback(new DefaultOAuth2TokenCallback("maskinporten", "client-1", "JWT", List.of("altinn"),
          Map.of(), 60L));
    }
    try (Maskinporten mp = maskinporten()) {
      String first = mp.accessToken(AltinnScopes.RECIPIENT);
      clock.advance(Duration.ofSeconds(20));
      assertEquals(first, mp.accessToken(AltinnScopes.RECIPIENT), "still fresh");
      clock.advance(Duration.ofSeconds(15)); // 35 s: stale, refreshed in the background
      assertEquals(first, mp.accessToken(AltinnScopes.RECIPIENT), "stale token served while refreshing");
      String next = first;
      for (int i = 0; i < 500 && next.equals(first); i++) {
        next = mp.accessToken(AltinnScopes.RECIPIENT);
        sleep();
      }
      assertNotEquals(first, next, "refreshed ahead of expiry");
      assertEquals(2, mp.tokenRequests());
    }
  }

  static void sleep() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
