package no.brokerclient.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import no.brokerclient.RetryPolicy;
import no.brokerclient.testing.CapturedLogs;
import no.brokerclient.testing.GzipBomb;
import no.brokerclient.testing.TestKeys;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Maskinporten's token endpoint, its metadata and the Altinn exchange played by a hostile server: redirects to
 * another origin, bodies that expand without bound, plain http (issue 16, defects 2, 3 and 4).
 */
class MaskinportenHostileServerTest {
  static final String MP_TOKEN = "mp-token-7d1e4f";
  static final String SUBSCRIPTION_KEY = "exchange-sub-key-9a8b";

  MockWebServer server;
  /** The other origin a redirect points to; nothing may ever reach it. */
  MockWebServer elsewhere;

  @BeforeEach
  void start() throws IOException {
    CapturedLogs.clear();
    server = new MockWebServer();
    server.start(0);
    elsewhere = new MockWebServer();
    elsewhere.start(0);
    for (int i = 0; i < 3; i++) {
      elsewhere.enqueue(token("stolen-token"));
    }
  }

  @AfterEach
  void stop() {
    server.close();
    elsewhere.close();
  }

  Maskinporten.Builder builder() {
    return Maskinporten.builder().issuer(server.url("/").toString()).clientId("client-1")
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString()))
        .altinnPlatformUrl(server.url("/").toString()).subscriptionKey(SUBSCRIPTION_KEY)
        .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(2)).build());
  }

  MockResponse metadata() {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"issuer\":\"" + server.url("/") + "\",\"token_endpoint\":\"" + server.url("/token") + "\"}").build();
  }

  static MockResponse token(String value) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\",\"expires_in\":120}").build();
  }

  MockResponse redirect(int code, String path) {
    return new MockResponse.Builder().code(code).addHeader("Location", elsewhere.url(path).toString()).build();
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no request arrived");
    }
    return r;
  }

  @Test
  void redirectedTokenRequestNeverDeliversTheGrantElsewhereAndNoTokenIsAccepted() {
    server.enqueue(metadata());
    server.enqueue(redirect(307, "/token"));
    try (Maskinporten mp = builder().build()) {
      MaskinportenException e = assertThrows(MaskinportenException.class, () -> mp.accessToken(AltinnScopes.SENDER));
      assertEquals(307, e.statusCode());
      assertFalse(e.retryable());
      assertTrue(e.getMessage().contains("redirected to " + elsewhere.url("/token")), e.getMessage());
    }
    assertEquals(0, elsewhere.getRequestCount(), "the signed client assertion never reached the other host");
    assertEquals(2, server.getRequestCount(), "metadata and one token request; a redirect is not retried");
  }

  @Test
  void redirectedMetadataIsNotFollowedAndTheBuiltInTokenEndpointIsUsed() throws Exception {
    server.enqueue(redirect(302, "/.well-known/oauth-authorization-server"));
    server.enqueue(token(MP_TOKEN));
    try (Maskinporten mp = builder().build()) {
      assertEquals(MP_TOKEN, mp.accessToken(AltinnScopes.SENDER));
    }
    assertEquals(0, elsewhere.getRequestCount());
    assertTrue(take().getTarget().contains("well-known"));
    assertEquals("/token", take().getTarget());
    String logged = "redirecting to " + elsewhere.url("/.well-known/oauth-authorization-server")
        + ", which is not followed";
    assertTrue(CapturedLogs.lines().stream().anyMatch(l -> l.contains(logged)), CapturedLogs.lines().toString());
  }

  @Test
  void redirectedExchangeNeverSendsTheMaskinportenTokenOrKeyElsewhere() {
    server.enqueue(metadata());
    server.enqueue(token(MP_TOKEN));
    server.enqueue(redirect(307, "/authentication/api/v1/exchange/maskinporten"));
    try (Maskinporten mp = builder().build()) {
      MaskinportenException e = assertThrows(MaskinportenException.class,
          () -> mp.forBroker().accessToken(AltinnScopes.SENDER));
      assertEquals(307, e.statusCode());
      assertTrue(e.getMessage().startsWith("Altinn token exchange answered HTTP 307"), e.getMessage());
      assertFalse(e.getMessage().contains(MP_TOKEN) || e.getMessage().contains(SUBSCRIPTION_KEY));
    }
    assertEquals(0, elsewhere.getRequestCount());
  }

  @Test
  void aSuppliedClientThatFollowsRedirectsIsDerivedIntoOneThatDoesNot() {
    OkHttpClient follows = new OkHttpClient.Builder().followRedirects(true).followSslRedirects(true).build();
    server.enqueue(metadata());
    server.enqueue(redirect(308, "/token"));
    try (Maskinporten mp = builder().httpClient(follows).build()) {
      assertThrows(MaskinportenException.class, () -> mp.accessToken(AltinnScopes.SENDER));
    } finally {
      follows.dispatcher().executorService().shutdown();
    }
    assertEquals(0, elsewhere.getRequestCount());
  }

  @Test
  void gzipBombTokenResponseIsATypedErrorNotATruncatedToken() throws Exception {
    server.enqueue(metadata());
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .addHeader("Content-Encoding", "gzip")
        .body(GzipBomb.of("{\"expires_in\":120,\"access_token\":\"", "eyJ", "\"}", 100L * 1024 * 1024)).build());
    try (Maskinporten mp = builder().build()) {
      AccessTokenException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> assertThrows(AccessTokenException.class, () -> mp.accessToken(AltinnScopes.SENDER)));
      assertTrue(e.getMessage().contains("with a body larger than 65536 bytes"), e.getMessage());
    }
    assertEquals(2, server.getRequestCount(), "not retried");
  }

  @Test
  void oversizeExchangeAnswerIsATypedErrorAndTheLimitIsConfigurable() {
    server.enqueue(metadata());
    server.enqueue(token(MP_TOKEN));
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/plain")
        .body("eyJ" + "a".repeat(2000)).build());
    try (Maskinporten mp = builder().maxResponseSize(1024).build()) {
      AccessTokenException e = assertThrows(AccessTokenException.class,
          () -> mp.forBroker().accessToken(AltinnScopes.SENDER));
      assertTrue(e.getMessage().startsWith("Altinn token exchange answered HTTP 200 with a body larger than 1024"),
          e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> builder().maxResponseSize(100));
  }

  @Test
  void gzipBombMetadataFallsBackToTheBuiltInEndpoint() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .addHeader("Content-Encoding", "gzip")
        .body(GzipBomb.of("{\"issuer\":\"x\",\"jwks\":[", "{\"kty\":\"RSA\"},", "{}]}", 100L * 1024 * 1024))
        .build());
    server.enqueue(token(MP_TOKEN));
    try (Maskinporten mp = builder().build()) {
      assertEquals(MP_TOKEN, assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> mp.accessToken(AltinnScopes.SENDER)));
    }
    take();
    assertEquals("/token", take().getTarget());
  }

  @Test
  void metadataNamingAPlainHttpTokenEndpointElsewhereIsIgnored() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"issuer\":\"" + server.url("/") + "\",\"token_endpoint\":\"http://maskinporten.example/token\"}")
        .build());
    server.enqueue(token(MP_TOKEN));
    try (Maskinporten mp = builder().build()) {
      assertEquals(MP_TOKEN, mp.accessToken(AltinnScopes.SENDER));
    }
    take();
    assertEquals("/token", take().getTarget(), "the grant went to the issuer's own /token, not in clear text");
  }

  @Test
  void plainHttpIssuerOrPlatformUrlIsRejectedUnlessLoopback() {
    Maskinporten.Builder b = Maskinporten.builder().issuer("http://test.maskinporten.example/").clientId("c")
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString()));
    IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
    assertTrue(e.getMessage().startsWith("issuer must use https"), e.getMessage());
    IllegalStateException p = assertThrows(IllegalStateException.class,
        () -> builder().altinnPlatformUrl("http://platform.tt02.altinn.example").build());
    assertTrue(p.getMessage().startsWith("altinnPlatformUrl must use https"), p.getMessage());
    Maskinporten.builder().issuer("https://test.maskinporten.no/").clientId("c")
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString())).altinnPlatformUrl("http://[::1]:8080").build()
        .close();
  }
}
