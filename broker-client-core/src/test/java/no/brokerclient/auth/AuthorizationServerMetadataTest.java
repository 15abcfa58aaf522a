package no.brokerclient.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import no.brokerclient.auth.AuthorizationServerMetadata.Metadata;
import no.brokerclient.testing.MutableClock;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Discovery of the issuer and token endpoint: cached, refreshed, and the last good values kept on failure. */
class AuthorizationServerMetadataTest {
  static final String DISCOVERED_ISSUER = "https://issuer.example/";

  MockWebServer server;
  final MutableClock clock = new MutableClock();
  final OkHttpClient http = new OkHttpClient();
  AuthorizationServerMetadata metadata;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start(0);
    metadata = new AuthorizationServerMetadata(server.url("/").toString(), http, clock, 64 * 1024);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  MockResponse good() {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"issuer\":\"" + DISCOVERED_ISSUER + "\",\"token_endpoint\":\"" + server.url("/oauth/token") + "\"}")
        .build();
  }

  static MockResponse down() {
    return new MockResponse.Builder().code(503).body("maintenance").build();
  }

  @Test
  void discoveredMetadataIsCachedTwelveHours() {
    server.enqueue(good());
    Metadata m = metadata.get();
    assertEquals(DISCOVERED_ISSUER, m.issuer());
    assertEquals("/oauth/token", m.tokenEndpoint().encodedPath());
    clock.advance(Duration.ofHours(11));
    assertEquals(m, metadata.get());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void whenRediscoveryFailsTheLastDiscoveredMetadataIsKeptNotTheBuiltInValues() {
    server.enqueue(good());
    metadata.get();
    clock.advance(Duration.ofHours(13));
    server.enqueue(down());
    Metadata kept = metadata.get();
    assertEquals(2, server.getRequestCount());
    assertEquals(DISCOVERED_ISSUER, kept.issuer(), "the grant audience stays the discovered issuer");
    assertEquals("/oauth/token", kept.tokenEndpoint().encodedPath());
    assertTrue(kept.discovered());
    clock.advance(Duration.ofMinutes(4));
    assertEquals(kept, metadata.get(), "kept for 5 minutes before the next try");
    clock.advance(Duration.ofMinutes(2));
    server.enqueue(good());
    metadata.get();
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void withoutEverDiscoveringTheBuiltInValuesAreUsedForFiveMinutes() {
    server.enqueue(down());
    Metadata m = metadata.get();
    assertEquals(server.url("/").toString(), m.issuer());
    assertEquals("/token", m.tokenEndpoint().encodedPath());
    assertFalse(m.discovered());
    clock.advance(Duration.ofMinutes(6));
    server.enqueue(good());
    assertEquals(DISCOVERED_ISSUER, metadata.get().issuer());
  }

  @Test
  void concurrentFirstCallersCauseOneDiscovery() throws Exception {
    server.enqueue(new MockResponse.Builder(good()).headersDelay(200, TimeUnit.MILLISECONDS).build());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Metadata>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(metadata::get));
      }
      for (Future<Metadata> f : results) {
        assertEquals(DISCOVERED_ISSUER, f.get(10, TimeUnit.SECONDS).issuer());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, server.getRequestCount());
  }
}
