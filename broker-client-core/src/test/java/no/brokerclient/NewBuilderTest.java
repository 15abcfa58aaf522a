package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import mockwebserver3.RecordedRequest;
import no.brokerclient.internal.HttpClients;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** {@link BrokerClient#newBuilder()}: settings preloaded, the connection pool shared, ownership counted. */
class NewBuilderTest extends MockServerTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");

  static OkHttpClient http(BrokerClient c) {
    return ((DefaultBrokerClient) c).options().http();
  }

  static HttpClients.Shared pool(BrokerClient c) {
    return ((DefaultBrokerClient) c).options().pool();
  }

  RecordedRequest overview(BrokerClient c) throws InterruptedException {
    server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
    c.getOverview(ID);
    return take();
  }

  @Test
  void aDerivedClientKeepsTheSettingsAndSharesThePoolAndItsConnections() throws Exception {
    try (BrokerClient derived = client.newBuilder().roles(Role.RECIPIENT).readTimeout(Duration.ofSeconds(7)).build()) {
      assertEquals(Set.of(Role.RECIPIENT), derived.roles());
      assertEquals(Set.of(Role.SENDER, Role.RECIPIENT, Role.SERVICE_OWNER), client.roles(), "the parent is unchanged");
      assertEquals(client.baseUrl(), derived.baseUrl());
      assertSame(http(client).connectionPool(), http(derived).connectionPool());
      assertSame(http(client).dispatcher(), http(derived).dispatcher());
      assertEquals(7_000, http(derived).readTimeoutMillis());
      assertEquals(5_000, http(client).readTimeoutMillis());
      assertFalse(http(derived).followRedirects() || http(derived).retryOnConnectionFailure(), "the SDK's rules hold");

      RecordedRequest first = overview(client);
      RecordedRequest second = overview(derived);
      assertEquals(first.getConnectionIndex(), second.getConnectionIndex(), "the parent's connection was reused");
      assertEquals(SUBSCRIPTION_KEY, second.getHeaders().get("Ocp-Apim-Subscription-Key"), "the key came along");
      assertEquals(Role.RECIPIENT.scopes(), tokens.requested.get(1), "the derived roles decide the scopes");
      assertEquals(2, pool(client).uses());
    }
    assertEquals(1, pool(client).uses());
  }

  @Test
  void closingTheDerivedClientKeepsTheParentUsableAndTheOtherWayRound() throws Exception {
    BrokerClient derived = client.newBuilder().build();
    overview(derived);
    derived.close();
    derived.close(); // idempotent: gives up its one use only once
    assertThrows(IllegalStateException.class, () -> derived.getOverview(ID));
    assertFalse(http(client).dispatcher().executorService().isShutdown());
    overview(client);

    BrokerClient second = client.newBuilder().build();
    client.close();
    assertFalse(http(second).dispatcher().executorService().isShutdown(), "the derived client still holds a use");
    overview(second);
    assertThrows(IllegalStateException.class, () -> client.newBuilder(), "a closed client derives nothing");
    second.close();
    assertTrue(http(second).dispatcher().executorService().isShutdown(), "the last use released the SDK's pool");
  }

  @Test
  void aBuilderFromAClientWhosePoolIsReleasedFailsToBuild() {
    BrokerClient.Builder b = client.newBuilder();
    client.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void aCallerOwnedClientIsNeverClosedByParentOrDerived() throws Exception {
    OkHttpClient mine = new OkHttpClient();
    try {
      BrokerClient parent = builder().httpClient(mine).build();
      BrokerClient derived = parent.newBuilder().roles(Role.SENDER).build();
      assertSame(mine.connectionPool(), http(derived).connectionPool());
      overview(derived);
      derived.close();
      parent.close();
      assertFalse(mine.dispatcher().executorService().isShutdown());
    } finally {
      mine.dispatcher().executorService().shutdown();
    }
  }

  @Test
  void anotherHttpClientOnTheDerivedBuilderReplacesTheInheritedPool() {
    OkHttpClient other = new OkHttpClient();
    try (BrokerClient derived = client.newBuilder().httpClient(other).build()) {
      assertSame(other.connectionPool(), http(derived).connectionPool());
      assertNotSame(http(client).connectionPool(), http(derived).connectionPool());
      assertEquals(1, pool(client).uses(), "the parent's pool gained no use");
    } finally {
      other.dispatcher().executorService().shutdown();
    }
  }

  @Test
  void derivedBuildersAreIndependentCopies() {
    BrokerClient.Builder a = client.newBuilder().roles(Role.SENDER).tusFinalizeTimeout(Duration.ofMinutes(3));
    try (BrokerClient fromA = a.build(); BrokerClient fromClient = client.newBuilder().build()) {
      assertEquals(Set.of(Role.SENDER), fromA.roles());
      assertEquals(client.roles(), fromClient.roles(), "changing one builder changed no other");
      assertEquals(Duration.ofMinutes(3), ((DefaultBrokerClient) fromA).settings().tusFinalizeTimeout);
      assertEquals(BrokerClient.DEFAULT_TUS_FINALIZE_TIMEOUT,
          ((DefaultBrokerClient) fromClient).settings().tusFinalizeTimeout);
    }
  }
}
