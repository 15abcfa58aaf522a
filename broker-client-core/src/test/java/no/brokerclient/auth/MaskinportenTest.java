package no.brokerclient.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import no.brokerclient.RetryPolicy;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testing.CapturedLogs;
import no.brokerclient.testkit.FakeMaskinporten;
import no.brokerclient.testing.MutableClock;
import no.brokerclient.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MaskinportenTest {
  static final String CLIENT = "client-1";
  static final Set<String> SENDER = AltinnScopes.SENDER;

  FakeMaskinporten fake;
  MutableClock clock = new MutableClock();
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  Maskinporten mp;

  @BeforeEach
  void start() throws Exception {
    CapturedLogs.clear();
    fake = new FakeMaskinporten(CLIENT, AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE,
        AltinnScopes.BROKER_READ, AltinnScopes.EVENTS_SUBSCRIBE);
    fake.registerKey("test-kid", TestKeys.jwk().toRSAPublicKey());
    fake.clock(clock);
    mp = builder().build();
  }

  @AfterEach
  void stop() {
    mp.close();
    fake.close();
  }

  Maskinporten.Builder builder() {
    return Maskinporten.builder()
        .issuer(fake.issuer())
        .clientId(CLIENT)
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString()))
        .altinnPlatformUrl(fake.platformUrl())
        .clock(clock)
        .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(2)).build())
        .sleeper(sleeps::add);
  }

  @Test
  void grantHasExactlyTheDocumentedClaimsAndIsAccepted() throws Exception {
    String token = mp.accessToken(SENDER);
    assertNotNull(fake.verifyIssued(token), "the fake verified the grant and issued this token");
    JWTClaimsSet g = fake.grants().get(0);
    JWSHeader h = fake.grantHeaders().get(0);
    assertEquals(JWSAlgorithm.RS256, h.getAlgorithm());
    assertEquals("test-kid", h.getKeyID());
    assertNull(h.getX509CertChain());
    assertEquals(List.of(fake.issuer()), g.getAudience());
    assertEquals(CLIENT, g.getIssuer());
    assertEquals("altinn:authorization:pdp altinn:broker.write", g.getStringClaim("scope"));
    assertEquals(120, (g.getExpirationTime().getTime() - g.getIssueTime().getTime()) / 1000);
    UUID.fromString(g.getJWTID());
    assertEquals(Set.of("aud", "iss", "scope", "iat", "exp", "jti"), g.getClaims().keySet(),
        "no claims beyond the documented ones (Maskinporten rejects unknown claims)");
  }

  @Test
  void audienceIsASingleStringOnTheWire() throws Exception {
    mp.accessToken(SENDER);
    String payload = new String(java.util.Base64.getUrlDecoder().decode(fake.assertions().get(0).split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8);
    com.fasterxml.jackson.databind.JsonNode n = no.brokerclient.internal.Json.MAPPER.readTree(payload);
    assertTrue(n.get("aud").isTextual(), payload);
    assertEquals(fake.issuer(), n.get("aud").asText());
    assertTrue(n.get("iat").isIntegralNumber() && n.get("exp").isIntegralNumber(), payload);
  }

  @Test
  void systemUserConsumerOrgAndResourceClaims() throws Exception {
    mp.withSystemUser(OrganizationNumber.of("991825827"), "ref-7").withResource("https://api.example/")
        .accessToken(SENDER);
    JWTClaimsSet g = fake.grants().get(0);
    assertEquals(List.of(Map.of("type", "urn:altinn:systemuser",
        "systemuser_org", Map.of("authority", "iso6523-actorid-upis", "ID", "0192:991825827"),
        "externalRef", "ref-7")), g.getClaim("authorization_details"));
    assertEquals("https://api.example/", g.getStringClaim("resource"));
    mp.withConsumerOrg(OrganizationNumber.of("986252932")).accessToken(SENDER);
    assertEquals("986252932", fake.grants().get(1).getStringClaim("consumer_org"));
    assertThrows(IllegalStateException.class,
        () -> mp.withConsumerOrg(OrganizationNumber.of("986252932"))
            .withSystemUser(OrganizationNumber.of("991825827")));
  }

  @Test
  void cacheKeyIsTheScopeSetAndTheParty() {
    String a = mp.accessToken(new LinkedHashSet<>(List.of(AltinnScopes.BROKER_WRITE, AltinnScopes.AUTHORIZATION_PDP)));
    String b = mp.accessToken(new LinkedHashSet<>(List.of(AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE)));
    assertEquals(a, b);
    assertEquals(1, fake.tokenRequests());
    mp.accessToken(AltinnScopes.RECIPIENT);
    mp.withSystemUser(OrganizationNumber.of("991825827")).accessToken(SENDER);
    mp.withSystemUser(OrganizationNumber.of("986252932")).accessToken(SENDER);
    mp.withSystemUser(OrganizationNumber.of("986252932"), "other-ref").accessToken(SENDER);
    mp.withSystemUser(OrganizationNumber.of("986252932")).accessToken(SENDER);
    assertEquals(5, fake.tokenRequests());
  }

  @Test
  void freshJtiForEveryAttemptIncludingRetries() throws Exception {
    fake.failNextToken(503, "{\"error\":\"server_error\"}");
    fake.failNextToken(502, "");
    mp.accessToken(SENDER);
    assertEquals(3, fake.tokenRequests());
    List<String> jtis = fake.grants().stream().map(JWTClaimsSet::getJWTID).toList();
    assertEquals(3, Set.copyOf(jtis).size(), "jti reused: " + jtis);
    assertEquals(2, sleeps.size());
  }

  @Test
  void a500FailsAtOnceAsTheSharedClassifierSays() {
    fake.failNextToken(500, "{\"error\":\"server_error\"}");
    MaskinportenException e = assertThrows(MaskinportenException.class, () -> mp.accessToken(SENDER));
    assertEquals(500, e.statusCode());
    assertFalse(e.retryable());
    assertEquals(1, fake.tokenRequests());
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void invalidGrantFailsFastWithTypedError() {
    fake.failNextToken(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid assertion. Client"
        + " authentication failed. MP-124 Invalid signature (trace_id: 493f1c2a77)\"}");
    MaskinportenException e = assertThrows(MaskinportenException.class, () -> mp.accessToken(SENDER));
    assertEquals(400, e.statusCode());
    assertEquals("invalid_grant", e.error());
    assertEquals("MP-124", e.mpCode());
    assertEquals("493f1c2a77", e.traceId());
    assertFalse(e.retryable());
    assertEquals(1, fake.tokenRequests());
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void unregisteredScopeIsInvalidScope() {
    MaskinportenException e = assertThrows(MaskinportenException.class,
        () -> mp.accessToken(AltinnScopes.SERVICE_OWNER));
    assertEquals("invalid_scope", e.error());
    assertEquals("MP-200", e.mpCode());
    assertTrue(e.getMessage().contains("Register the scope"), e.getMessage());
  }

  @Test
  void forbiddenIsNotRetried() {
    fake.failNextToken(403, "{\"error\":\"access_denied\",\"error_description\":\"MP-251 no delegation\"}");
    MaskinportenException e = assertThrows(MaskinportenException.class, () -> mp.accessToken(SENDER));
    assertEquals("MP-251", e.mpCode());
    assertEquals(1, fake.tokenRequests());
  }

  @Test
  void persistent503IsRetryableAndGivesUp() {
    for (int i = 0; i < 3; i++) {
      fake.failNextToken(503, "");
    }
    MaskinportenException e = assertThrows(MaskinportenException.class, () -> mp.accessToken(SENDER));
    assertTrue(e.retryable());
    assertEquals(3, fake.tokenRequests());
  }

  @Test
  void metadataIsReadOnceAndFallsBackWhenMissing() {
    mp.accessToken(SENDER);
    mp.accessToken(AltinnScopes.RECIPIENT);
    assertEquals(1, fake.metadataRequests());
    try (Maskinporten other = builder().build()) {
      fake.metadataAvailable(false);
      other.accessToken(SENDER);
      assertEquals(2, fake.metadataRequests());
      assertEquals(3, fake.tokenRequests(), "built-in token endpoint used after failed discovery");
    }
  }

  @Test
  void refreshAheadServesCurrentTokenWhileOneBackgroundRefreshRuns() throws Exception {
    String first = mp.accessToken(SENDER); // lifetime 120 s: fresh until 90 s, usable until 110 s
    clock.advance(Duration.ofSeconds(60));
    assertEquals(first, mp.accessToken(SENDER));
    assertEquals(1, fake.tokenRequests());
    clock.advance(Duration.ofSeconds(35)); // 95 s: stale
    assertEquals(first, mp.accessToken(SENDER), "stale token served without waiting");
    assertEquals(first, mp.accessToken(SENDER));
    awaitTokenRequests(2);
    String second = waitForNewToken(first);
    assertNotEquals(first, second);
    assertEquals(2, fake.tokenRequests(), "exactly one background refresh");
  }

  @Test
  void expiredTokenIsNeverServed() {
    String first = mp.accessToken(SENDER);
    clock.advance(Duration.ofSeconds(111)); // past exp - 10 s
    String second = mp.accessToken(SENDER);
    assertNotEquals(first, second);
    assertEquals(2, fake.tokenRequests());
  }

  @Test
  void invalidateDropsOnlyTheRejectedToken() {
    String first = mp.accessToken(SENDER);
    mp.invalidate(SENDER, "some-other-token");
    assertEquals(first, mp.accessToken(SENDER));
    mp.invalidate(SENDER, first);
    assertNotEquals(first, mp.accessToken(SENDER));
    assertEquals(2, fake.tokenRequests());
  }

  @Test
  void sixtyFourThreadsOneKeyMakeOneRequest() throws Exception {
    fake.latency(300); // keeps the single fetch in flight while the other 63 threads arrive
    List<String> tokens = runConcurrently(64, i -> mp.accessToken(SENDER));
    assertEquals(1, fake.tokenRequests());
    assertEquals(1, Set.copyOf(tokens).size());
  }

  @Test
  void twoHundredKeysFetchInParallel() throws Exception {
    List<String> orgs = new ArrayList<>();
    for (int i = 10_000_000; orgs.size() < 200; i++) {
      String o = TestKeys.orgNumber(Integer.toString(i));
      if (o != null) {
        orgs.add(o);
      }
    }
    mp.accessToken(AltinnScopes.RECIPIENT); // discovery out of the way
    // Every token request is held until all 200 are in flight at once: with a global lock (one fetch at a time)
    // that never happens and each request would wait out the 60 s hold instead.
    fake.holdUntilInFlight(200, Duration.ofSeconds(60));
    List<String> tokens = runConcurrently(200, i -> mp.withSystemUser(OrganizationNumber.of(orgs.get(i)))
        .accessToken(SENDER));
    assertEquals(200, Set.copyOf(tokens).size());
    assertEquals(201, fake.tokenRequests());
    assertEquals(200, fake.peakInFlight(), "all 200 keys were being fetched at the same moment");
  }

  @Test
  void cacheIsBounded() {
    try (Maskinporten small = builder().cacheSize(10).build()) {
      for (int i = 10_000_000; i < 10_000_100; i++) {
        String o = TestKeys.orgNumber(Integer.toString(i));
        if (o != null) {
          small.withSystemUser(OrganizationNumber.of(o)).accessToken(SENDER);
        }
      }
      assertTrue(small.cachedKeys() <= 10, "size " + small.cachedKeys());
    }
  }

  @Test
  void exchangeGivesAltinnTokenCachedByItsOwnExpiry() {
    AccessTokenProvider altinn = mp.forBroker();
    String t1 = altinn.accessToken(SENDER);
    JWTClaimsSet claims = fake.verifyIssued(t1);
    assertNotNull(claims);
    assertTrue(claims.getIssuer().endsWith("/authentication/api/v1/openid/"), claims.getIssuer());
    assertEquals(t1, altinn.accessToken(SENDER));
    assertEquals(1, fake.exchanges());
    clock.advance(Duration.ofSeconds(200)); // Maskinporten token long expired; Altinn token (30 min) still fresh
    assertEquals(t1, altinn.accessToken(SENDER));
    assertEquals(1, fake.exchanges());
    assertEquals("text/plain", fake.exchangeRequests().get(0).get("accept"));
    assertEquals("null", fake.exchangeRequests().get(0).get("query"));
  }

  @Test
  void exchangeAcceptsQuotedAndJsonBodies() {
    fake.exchangeForm(FakeMaskinporten.ExchangeForm.QUOTED);
    assertNotNull(fake.verifyIssued(mp.forEvents().accessToken(AltinnScopes.EVENTS)));
    fake.exchangeForm(FakeMaskinporten.ExchangeForm.JSON);
    assertNotNull(fake.verifyIssued(mp.forBroker().accessToken(SENDER)));
  }

  @Test
  void exchangeSendsSubscriptionKeyAndTestFlag() {
    try (Maskinporten m = builder().subscriptionKey("sub-key-1").exchangeTestOrg(true).build()) {
      m.forBroker().accessToken(SENDER);
      Map<String, String> r = fake.exchangeRequests().get(0);
      assertEquals("sub-key-1", r.get("subscriptionKey"));
      assertEquals("test=true", r.get("query"));
      assertTrue(r.get("authorization").startsWith("Bearer ey"));
    }
  }

  @Test
  void exchange401RefreshesTheMaskinportenTokenOnce() {
    fake.failNextExchange(401);
    assertNotNull(fake.verifyIssued(mp.forBroker().accessToken(SENDER)));
    assertEquals(2, fake.exchanges());
    assertEquals(2, fake.tokenRequests());
  }

  @Test
  void rawMaskinportenTokensForBrokerWhenChosen() {
    try (Maskinporten m = builder().brokerTokens(Maskinporten.BrokerTokens.MASKINPORTEN).build()) {
      String t = m.forBroker().accessToken(SENDER);
      assertEquals(fake.issuer(), fake.verifyIssued(t).getIssuer());
      assertEquals(0, fake.exchanges());
    }
  }

  @Test
  void exchangeNeedsAnAltinnEnvironment() {
    try (Maskinporten m = Maskinporten.builder().issuer(fake.issuer()).clientId(CLIENT)
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString())).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, m::forBroker);
      assertTrue(e.getMessage().contains("altinnEnvironment"));
    }
  }

  @Test
  void builderRejectsMissingSettings() {
    assertThrows(IllegalStateException.class, () -> Maskinporten.builder().clientId("c")
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString())).build());
    assertThrows(IllegalStateException.class, () -> Maskinporten.builder().environment(MaskinportenEnvironment.TEST)
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString())).build());
    assertThrows(IllegalStateException.class, () -> Maskinporten.builder().environment(MaskinportenEnvironment.TEST)
        .clientId("c").build());
    assertThrows(IllegalStateException.class, () -> Maskinporten.builder().environment(MaskinportenEnvironment.TEST)
        .issuer("http://127.0.0.1/"));
  }

  @Test
  void onlyTheBuiltInstanceOwnsResourcesAndIsCloseable() {
    assertFalse(AutoCloseable.class.isAssignableFrom(MaskinportenView.class), "a view owns nothing");
    Object view = mp.withSystemUser(OrganizationNumber.of("991825827")).withResource("https://api.example/");
    assertFalse(view instanceof AutoCloseable);
    assertFalse((Object) mp.forBroker() instanceof AutoCloseable);
    assertFalse((Object) mp.forEvents() instanceof AutoCloseable);
    try (Maskinporten raw = builder().brokerTokens(Maskinporten.BrokerTokens.MASKINPORTEN).build()) {
      AccessTokenProvider broker = raw.forBroker();
      assertFalse((Object) broker instanceof AutoCloseable,
          "raw tokens for Broker come from a view, so a client closing its provider cannot close the owner");
      assertEquals(raw.accessToken(SENDER), broker.accessToken(SENDER), "the view shares the owner's cache");
    }
    assertThrows(IllegalArgumentException.class, () -> builder().waitTimeout(Duration.ZERO));
  }

  @Test
  void noGrantTokenOrKeyMaterialInLogsMessagesOrToString() throws Exception {
    List<String> secrets = new ArrayList<>();
    secrets.add(TestKeys.jwk().getPrivateExponent().toString());
    secrets.add(TestKeys.jwk().getFirstPrimeFactor().toString());
    secrets.add(mp.accessToken(SENDER));
    secrets.add(mp.forBroker().accessToken(SENDER));
    fake.failNextToken(400, "{\"error\":\"invalid_grant\",\"error_description\":\"MP-012 Grant is used before\"}");
    List<String> texts = new ArrayList<>();
    try {
      mp.accessToken(AltinnScopes.RECIPIENT);
    } catch (MaskinportenException e) {
      texts.add(e.getMessage());
      texts.add(e.toString());
    }
    fake.failNextToken(503, "");
    mp.withSystemUser(OrganizationNumber.of("991825827")).accessToken(SENDER);
    texts.add(mp.toString());
    texts.add(mp.forBroker().toString());
    texts.add(mp.withSystemUser(OrganizationNumber.of("991825827")).toString());
    texts.add(GrantSigners.jwk(TestKeys.jwk().toJSONString()).toString());
    texts.addAll(CapturedLogs.lines());
    assertTrue(CapturedLogs.lines().stream().anyMatch(l -> l.contains("Maskinporten token endpoint for scopes=")));
    // Grants: every jti is fine to log, the signed assertion is not. Check the signature parts.
    List<String> grantSignatures = new ArrayList<>();
    for (JWTClaimsSet g : fake.grants()) {
      grantSignatures.add(g.getJWTID());
    }
    assertFalse(grantSignatures.isEmpty());
    for (String text : texts) {
      for (String s : secrets) {
        assertFalse(text.contains(s), "secret leaked into: " + text);
        assertFalse(text.contains(s.substring(s.length() - 20)), "token tail leaked into: " + text);
      }
      assertFalse(text.contains("eyJ"), "something JWT-like leaked into: " + text);
    }
  }

  // ------------------------------------------------------------------------------------------- helpers

  interface IndexedCall {
    String call(int i) throws Exception;
  }

  static List<String> runConcurrently(int threads, IndexedCall call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int idx = i;
        Callable<String> c = () -> {
          ready.countDown();
          go.await();
          return call.call(idx);
        };
        futures.add(pool.submit(c));
      }
      assertTrue(ready.await(30, TimeUnit.SECONDS));
      go.countDown();
      List<String> out = new ArrayList<>();
      for (Future<String> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  void awaitTokenRequests(int n) throws InterruptedException {
    for (int i = 0; i < 500 && fake.tokenRequests() < n; i++) {
      Thread.sleep(10);
    }
    assertEquals(n, fake.tokenRequests());
  }

  String waitForNewToken(String old) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      String t = mp.accessToken(SENDER);
      if (!t.equals(old)) {
        return t;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("background refresh never replaced the token");
  }
}
