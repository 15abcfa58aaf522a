package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.testing.CapturedLogs;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuilderAndSecretsTest extends MockServerTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");

  @TempDir Path dir;

  static String buildError(BrokerClient.Builder b) {
    return assertThrows(IllegalStateException.class, b::build).getMessage();
  }

  @Test
  void buildRejectsMissingAndConflictingSettings() {
    AccessTokenProvider t = AccessTokenProvider.fixed("x");
    assertTrue(buildError(BrokerClient.builder().accessTokenProvider(t).roles(Role.SENDER))
        .contains("environment"));
    assertTrue(buildError(BrokerClient.builder().environment(AltinnEnvironment.TT02).baseUrl("https://x.example")
        .accessTokenProvider(t).roles(Role.SENDER)).contains("not both"));
    assertTrue(buildError(BrokerClient.builder().environment(AltinnEnvironment.TT02).roles(Role.SENDER))
        .contains("accessTokenProvider"));
    assertTrue(buildError(BrokerClient.builder().environment(AltinnEnvironment.TT02).accessTokenProvider(t))
        .contains("roles"));
    assertTrue(buildError(BrokerClient.builder().baseUrl("http://broker.example.com").accessTokenProvider(t)
        .roles(Role.SENDER)).contains("https"));
    assertTrue(buildError(BrokerClient.builder().environment(AltinnEnvironment.TT02).subscriptionKey(" ")
        .accessTokenProvider(t).roles(Role.SENDER)).contains("blank"));
    assertThrows(IllegalArgumentException.class, () -> BrokerClient.builder().readTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().maxRetries(-1));
  }

  @Test
  void environmentsMapToPlatformUrls() {
    try (BrokerClient tt02 = BrokerClient.builder().environment(AltinnEnvironment.TT02)
        .accessTokenProvider(AccessTokenProvider.fixed("x")).roles(Role.SENDER).build();
        BrokerClient prod = BrokerClient.builder().environment(AltinnEnvironment.PRODUCTION)
            .accessTokenProvider(AccessTokenProvider.fixed("x")).roles(Role.SENDER).build()) {
      assertEquals("https://platform.tt02.altinn.no", tt02.baseUrl());
      assertEquals("https://platform.altinn.no", prod.baseUrl());
    }
  }

  @Test
  void callerOwnedHttpClientIsNotClosed() {
    OkHttpClient mine = new OkHttpClient();
    try (BrokerClient c = builder().httpClient(mine).build()) {
      server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
      c.getOverview(ID);
    }
    assertFalse(mine.dispatcher().executorService().isShutdown());
    mine.dispatcher().executorService().shutdown();
  }

  @Test
  void ownHttpClientIsReleasedOnClose() {
    BrokerClient c = builder().build();
    server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
    c.getOverview(ID);
    c.close();
    c.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> c.getOverview(ID));
  }

  @Test
  void userAgentSuffix() throws Exception {
    try (BrokerClient c = builder().userAgent("my-system/2.1").build()) {
      server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
      c.getOverview(ID);
      String ua = take().getHeaders().get("User-Agent");
      assertTrue(ua.matches("broker-client-java/\\S+ Java/\\S+ my-system/2\\.1"), ua);
      assertFalse(ua.contains("${"), "version resource must be filtered: " + ua);
    }
  }

  @Test
  void noSubscriptionKeyHeaderWhenNotConfigured() throws Exception {
    try (BrokerClient c = BrokerClient.builder().baseUrl(server.url("/").toString()).accessTokenProvider(tokens)
        .roles(Role.RECIPIENT).build()) {
      server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
      c.getOverview(ID);
      assertEquals(null, take().getHeaders().get("Ocp-Apim-Subscription-Key"));
    }
  }

  /**
   * Runs a happy path and many failures with every logger at TRACE, then checks every log line, every exception
   * message (with causes) and every toString() for the token and the subscription key.
   */
  @Test
  void secretsNeverAppearInLogsMessagesOrToString() throws Exception {
    List<String> texts = new ArrayList<>();
    Path file = Files.write(dir.resolve("f"), new byte[] {1, 2, 3});
    FileTransferInitialize meta = FileTransferInitialize.builder().resourceId("r").fileName("f").sender("991825827")
        .recipient("986252932").build();

    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    server.enqueue(json(200, overviewJson(ID, "Published", null, 3)));
    texts.add(client.send(meta, file).toString());
    server.enqueue(json(200, "[]"));
    client.search(FileTransferSearch.builder("r").build());

    List<MockResponse> failures = List.of(empty(401), empty(401), empty(403),
        problem(404, "Not Found", "BRO-00001", "not found"), json(400, "\"bad\""),
        new MockResponse.Builder().code(429).addHeader("Retry-After", "1").build(), empty(503), empty(503),
        new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build(),
        new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build(),
        new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    failures.forEach(server::enqueue);
    for (int i = 0; i < 6; i++) {
      try {
        client.getOverview(ID);
      } catch (BrokerException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
          texts.add(String.valueOf(t.getMessage()));
          texts.add(t.toString());
        }
      }
    }
    server.enqueue(problem(500, "Internal Server Error", "BRO-00008", "upload failed"));
    try {
      client.upload(ID, new ByteArrayInputStream(new byte[5]), 5, ProgressListener.NONE);
    } catch (BrokerException e) {
      texts.add(e.getMessage());
    }
    texts.add(client.toString());
    texts.add(AccessTokenProvider.fixed(TOKEN_PREFIX + "fixed").toString());
    texts.add(meta.toString());
    texts.add(RetryPolicy.DEFAULT.toString());
    texts.addAll(CapturedLogs.lines());

    assertTrue(CapturedLogs.lines().stream().anyMatch(l -> l.startsWith("DEBUG") && l.contains("/broker/api/v1/")),
        "DEBUG lines per call are captured, so the check below is meaningful");
    assertTrue(server.getRequestCount() >= 10);
    for (String s : texts) {
      assertNotNull(s);
      assertFalse(s.contains("secret-token"), "token leaked: " + s);
      assertFalse(s.contains(SUBSCRIPTION_KEY), "subscription key leaked: " + s);
    }
  }

  @Test
  void debugLinePerCallHasMethodPathStatusAndDuration() {
    server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
    client.getOverview(ID);
    assertTrue(CapturedLogs.lines().stream().anyMatch(l -> l.matches(
        "DEBUG no\\.brokerclient\\.http GET /broker/api/v1/filetransfer/" + ID + " -> 200 in \\d+ ms \\(attempt 1\\)")),
        CapturedLogs.lines().toString());
  }

  @Test
  void tokenProviderFailurePropagatesWithoutIo() {
    try (BrokerClient c = builder().accessTokenProvider(new AccessTokenProvider() {
      @Override
      public String accessToken(Set<String> scopes) {
        throw new no.brokerclient.auth.AccessTokenException("Maskinporten said invalid_scope");
      }
    }).build()) {
      assertThrows(no.brokerclient.auth.AccessTokenException.class, () -> c.getOverview(ID));
    }
    assertEquals(0, server.getRequestCount());
  }
}
