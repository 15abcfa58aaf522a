package no.brokerclient.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.BrokerAccessDeniedException;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerInvalidResponseException;
import no.brokerclient.BrokerNotFoundException;
import no.brokerclient.BrokerRedirectException;
import no.brokerclient.RetryPolicy;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.internal.Json;
import no.brokerclient.model.OrganizationNumber;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventsClientTest {
  static final String TOKEN = "altinn-token-abc";
  static final String ENDPOINT = "https://receiver.example.no/altinn/events?code=secret-secret-secret";

  static final String KEY = "sub-key";

  MockWebServer server;
  /** The other origin a redirect points to; nothing may ever reach it. */
  MockWebServer elsewhere;
  EventsClient client;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(0);
    elsewhere = new MockWebServer();
    elsewhere.start(0);
    elsewhere.enqueue(new MockResponse.Builder().code(200).body("{\"subscriptions\":[]}").build());
    client = builder().build();
  }

  EventsClient.Builder builder() {
    return EventsClient.builder().platformUrl(server.url("/").toString())
        .accessTokenProvider(AccessTokenProvider.fixed(TOKEN)).subscriptionKey(KEY)
        .retryPolicy(
            RetryPolicy.builder().maxRetries(1).initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).build());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    elsewhere.close();
  }

  static SubscriptionRequest request(String type) {
    return new SubscriptionRequest(ENDPOINT, "urn:altinn:resource:my-broker-resource",
        "urn:altinn:organization:identifier-no:991825827", type, null, null);
  }

  static String subscription(int id, String type, boolean validated) {
    return "{\"id\":" + id + ",\"endPoint\":\"" + ENDPOINT + "\","
        + "\"resourceFilter\":\"urn:altinn:resource:my-broker-resource\","
        + "\"subjectFilter\":\"urn:altinn:organization:identifier-no:991825827\""
        + (type == null ? "" : ",\"typeFilter\":\"" + type + "\"")
        + ",\"consumer\":\"/organisation/991825827\",\"createdBy\":\"/organisation/991825827\","
        + "\"created\":\"2026-08-20T10:00:00.123456Z\",\"validated\":" + validated + ",\"includeSubunits\":false}";
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  RecordedRequest take() throws InterruptedException {
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void createPostsExactJsonWithTokenAndKey() throws Exception {
    server.enqueue(json(201, subscription(1619, "no.altinn.broker.published", false)));
    Subscription s = client.create(request("no.altinn.broker.published"));
    assertEquals(1619, s.id());
    assertFalse(s.validated());
    assertEquals(Instant.parse("2026-08-20T10:00:00.123456Z"), s.created());
    assertEquals("/organisation/991825827", s.consumer());
    RecordedRequest r = take();
    assertEquals("POST", r.getMethod());
    assertEquals("/events/api/v1/subscriptions", r.getTarget());
    assertEquals("Bearer " + TOKEN, r.getHeaders().get("Authorization"));
    assertEquals(KEY, r.getHeaders().get("Ocp-Apim-Subscription-Key"));
    assertTrue(r.getHeaders().get("Content-Type").startsWith("application/json"));
    assertEquals(Json.MAPPER.readTree("{\"endPoint\":\"" + ENDPOINT + "\",\"resourceFilter\":"
        + "\"urn:altinn:resource:my-broker-resource\",\"subjectFilter\":"
        + "\"urn:altinn:organization:identifier-no:991825827\",\"typeFilter\":\"no.altinn.broker.published\"}"),
        Json.MAPPER.readTree(r.getBody().utf8()));
    assertFalse(s.toString().contains("secret-secret"), s.toString());
  }

  @Test
  void getListDelete() throws Exception {
    server.enqueue(json(200, subscription(7, null, true)));
    assertEquals(7, client.get(7).id());
    assertEquals("/events/api/v1/subscriptions/7", take().getTarget());
    server.enqueue(json(200, "{\"count\":2,\"subscriptions\":[" + subscription(1, "a", true) + ","
        + subscription(2, "b", false) + "]}"));
    List<Subscription> all = client.list();
    assertEquals(List.of(1, 2), all.stream().map(Subscription::id).toList());
    assertEquals("GET", take().getMethod());
    server.enqueue(new MockResponse.Builder().code(200).build());
    client.delete(2);
    RecordedRequest d = take();
    assertEquals("DELETE", d.getMethod());
    assertEquals("/events/api/v1/subscriptions/2", d.getTarget());
  }

  @Test
  void jsonStringErrorBecomesDetail() {
    server.enqueue(json(400, "\"Source filter is not supported for subscriptions on this resource.\""));
    BrokerApiException e = assertThrows(BrokerApiException.class, () -> client.create(request(null)));
    assertEquals(400, e.statusCode());
    assertEquals("Source filter is not supported for subscriptions on this resource.", e.detail());
    assertTrue(e.getMessage().contains("sendSourceFilter"), e.getMessage());
  }

  @Test
  void validationProblemDetails() {
    server.enqueue(json(400, "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\",\"title\":\"One or more"
        + " validation errors occurred.\",\"status\":400,\"errors\":{\"typeFilter\":[\"The JSON value could not be"
        + " converted\"]},\"traceId\":\"00-abc\"}"));
    BrokerApiException e = assertThrows(BrokerApiException.class, () -> client.create(request(null)));
    assertEquals(List.of("The JSON value could not be converted"), e.validationErrors().get("typeFilter"));
  }

  @Test
  void emptyForbiddenExplainsSubscribeRight() {
    server.enqueue(new MockResponse.Builder().code(403).build());
    BrokerAccessDeniedException e = assertThrows(BrokerAccessDeniedException.class, () -> client.create(request(null)));
    assertTrue(e.getMessage().contains("altinn:events.subscribe") && e.getMessage().contains("subscribe"),
        e.getMessage());
    server.enqueue(new MockResponse.Builder().code(404).build());
    assertThrows(BrokerNotFoundException.class, () -> client.get(99));
  }

  @Test
  void ensureReusesRevalidatesCreatesAndDeletesStale() throws Exception {
    List<SubscriptionRequest> wanted = EventSubscriptions.builder().environment(AltinnEnvironment.TT02)
        .resourceId("my-broker-resource").subject(OrganizationNumber.of("991825827"))
        .endpoint("https://receiver.example.no/altinn/events").webhookSecret("secret-secret-secret")
        .types("no.altinn.broker.published", "no.altinn.broker.uploadfailed", "no.altinn.broker.filepurged")
        .build();
    server.enqueue(json(200, "{\"count\":4,\"subscriptions\":["
        + subscription(1, "no.altinn.broker.published", true) + ","
        + subscription(2, "no.altinn.broker.uploadfailed", false) + ","
        + subscription(3, "no.altinn.broker.downloadconfirmed", true) + ","
        + subscription(4, "no.altinn.broker.published", true).replace(ENDPOINT, "https://other.example/x") + "]}"));
    server.enqueue(json(201, subscription(2, "no.altinn.broker.uploadfailed", false)));
    server.enqueue(json(201, subscription(5, "no.altinn.broker.filepurged", false)));
    server.enqueue(new MockResponse.Builder().code(200).build());
    EnsureResult r = client.ensure(wanted, true);
    assertEquals(List.of(EnsureResult.Outcome.EXISTING, EnsureResult.Outcome.REVALIDATION_REQUESTED,
        EnsureResult.Outcome.CREATED), r.entries().stream().map(EnsureResult.Entry::outcome).toList());
    assertEquals(List.of(3), r.deleted().stream().map(Subscription::id).toList(),
        "only our endpoint's unrequested subscription is deleted, not another endpoint's");
    assertFalse(r.allValidated());
    assertEquals(2, r.notValidated().size());
    assertEquals("GET", take().getMethod());
    assertEquals("POST", take().getMethod());
    assertEquals("POST", take().getMethod());
    RecordedRequest del = take();
    assertEquals("DELETE", del.getMethod());
    assertEquals("/events/api/v1/subscriptions/3", del.getTarget());
  }

  @Test
  void builderNeedsTokens() {
    assertThrows(IllegalStateException.class, () -> EventsClient.builder().environment(AltinnEnvironment.TT02).build());
  }

  // ------------------------------------------------------------------------------------------------ hostile server

  @Test
  void redirectIsATypedErrorAndNothingReachesTheOtherOrigin() {
    server.enqueue(new MockResponse.Builder().code(307)
        .addHeader("Location", elsewhere.url("/events/api/v1/subscriptions?key=" + KEY).toString()).build());
    BrokerRedirectException e = assertThrows(BrokerRedirectException.class, client::list);
    assertEquals(elsewhere.url("/events/api/v1/subscriptions") + "?…", e.location());
    assertFalse(e.getMessage().contains(KEY));
    assertEquals(0, elsewhere.getRequestCount(), "neither the token nor the subscription key left for the other host");
  }

  @Test
  void aSuppliedClientThatFollowsRedirectsIsDerivedIntoOneThatDoesNot() {
    OkHttpClient follows = new OkHttpClient.Builder().followRedirects(true).build();
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", elsewhere.url("/x").toString()).build());
    try (EventsClient c = builder().httpClient(follows).build()) {
      assertThrows(BrokerRedirectException.class, () -> c.get(7));
    } finally {
      follows.dispatcher().executorService().shutdown();
    }
    assertEquals(0, elsewhere.getRequestCount());
  }

  @Test
  void oversizeOrInvalidAnswersAreTypedErrors() {
    try (EventsClient c = builder().maxResponseSize(2048).build()) {
      server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
          .body("{\"subscriptions\":[" + "{\"id\":1},".repeat(400) + "{\"id\":2}]}").build());
      BrokerInvalidResponseException big = assertThrows(BrokerInvalidResponseException.class, c::list);
      assertTrue(big.getMessage().contains("larger than the limit of 2048 bytes"), big.getMessage());
      server.enqueue(new MockResponse.Builder().code(200).body("null").build());
      assertThrows(BrokerInvalidResponseException.class, () -> c.get(1));
      server.enqueue(new MockResponse.Builder().code(200).body("[]").build());
      assertThrows(BrokerInvalidResponseException.class, c::list);
      server.enqueue(new MockResponse.Builder().code(200).body("{\"subscriptions\":[{\"id\":\"one\"}]}").build());
      assertThrows(BrokerInvalidResponseException.class, c::list);
    }
  }

  @Test
  void plainHttpPlatformUrlIsRejectedUnlessLoopback() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> builder().platformUrl("http://platform.tt02.altinn.example").build());
    assertTrue(e.getMessage().startsWith("platformUrl must use https"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> builder().platformUrl("ftp://x").build());
    builder().platformUrl("http://localhost:1").build().close();
    builder().platformUrl("https://platform.tt02.altinn.no").build().close();
  }

  @Test
  void theSharedBuilderRulesHoldHereToo() {
    IllegalStateException both = assertThrows(IllegalStateException.class,
        () -> builder().environment(AltinnEnvironment.TT02).build());
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    assertThrows(IllegalStateException.class, () -> builder().platformUrl(server.url("/?a=b").toString()).build());
    assertThrows(IllegalStateException.class, () -> builder().subscriptionKey(" ").build());
    assertThrows(IllegalArgumentException.class, () -> builder().timeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> builder().userAgent("bad\nagent"));
  }

  @Test
  void newBuilderSharesTheConnectionAndClosingTheDerivedClientKeepsThisOneWorking() throws Exception {
    server.enqueue(json(200, subscription(1, null, true)));
    client.get(1);
    RecordedRequest first = take();
    try (EventsClient derived = client.newBuilder().userAgent("my-system/1.0").build()) {
      server.enqueue(json(200, subscription(1, null, true)));
      derived.get(1);
      RecordedRequest second = take();
      assertEquals(first.getConnectionIndex(), second.getConnectionIndex(), "the pooled connection was reused");
      assertEquals(KEY, second.getHeaders().get("Ocp-Apim-Subscription-Key"), "the settings came along");
      assertTrue(second.getHeaders().get("User-Agent").endsWith(" my-system/1.0"));
    }
    server.enqueue(json(200, subscription(1, null, true)));
    assertEquals(1, client.get(1).id(), "closing the derived client left this one working");
    RecordedRequest third = take();
    assertEquals(first.getConnectionIndex(), third.getConnectionIndex(), "and its pool open");
  }
}
