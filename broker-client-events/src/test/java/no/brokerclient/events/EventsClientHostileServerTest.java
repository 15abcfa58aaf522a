package no.brokerclient.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import no.brokerclient.BrokerInvalidResponseException;
import no.brokerclient.BrokerRedirectException;
import no.brokerclient.RetryPolicy;
import no.brokerclient.auth.AccessTokenProvider;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Events API played by a hostile server: redirects, oversize or invalid answers, plain http (issue 16). */
class EventsClientHostileServerTest {
  static final String TOKEN = "altinn-token-abc";
  static final String KEY = "events-sub-key-4c2d";

  MockWebServer server;
  MockWebServer elsewhere;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(0);
    elsewhere = new MockWebServer();
    elsewhere.start(0);
    elsewhere.enqueue(new MockResponse.Builder().code(200).body("{\"subscriptions\":[]}").build());
  }

  @AfterEach
  void stop() {
    server.close();
    elsewhere.close();
  }

  EventsClient.Builder builder() {
    return EventsClient.builder().platformUrl(server.url("/").toString())
        .accessTokenProvider(AccessTokenProvider.fixed(TOKEN)).subscriptionKey(KEY)
        .retryPolicy(RetryPolicy.builder().maxRetries(1).initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).build());
  }

  @Test
  void redirectIsATypedErrorAndNothingReachesTheOtherOrigin() {
    server.enqueue(new MockResponse.Builder().code(307)
        .addHeader("Location", elsewhere.url("/events/api/v1/subscriptions?key=" + KEY).toString()).build());
    try (EventsClient c = builder().build()) {
      BrokerRedirectException e = assertThrows(BrokerRedirectException.class, c::list);
      assertEquals(elsewhere.url("/events/api/v1/subscriptions") + "?…", e.location());
      assertFalse(e.getMessage().contains(KEY));
    }
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
}
