package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.testing.GzipBomb;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that redirects elsewhere, answers with bodies that expand without bound, or with 2xx bodies holding
 * values the SDK cannot accept (issue 16, defects 2, 4 and 9).
 */
class HostileServerTest extends MockServerTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");
  static final String QUOTED_ID = "\"" + ID + "\",";
  static final Duration QUICKLY = Duration.ofSeconds(60);

  /** The other origin a redirect points to; nothing may ever reach it. */
  MockWebServer elsewhere;

  @TempDir Path tmp;

  @BeforeEach
  void startElsewhere() throws IOException {
    elsewhere = new MockWebServer();
    elsewhere.start(0);
    for (int i = 0; i < 3; i++) {
      elsewhere.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    }
  }

  @AfterEach
  void stopElsewhere() {
    elsewhere.close();
  }

  MockResponse redirect(int code, String path) {
    return new MockResponse.Builder().code(code).addHeader("Location", elsewhere.url(path).toString()).build();
  }

  FileTransferInitialize meta() {
    return FileTransferInitialize.builder().resourceId("my-resource").fileName("a.txt").sender("991825827")
        .recipient("986252932").build();
  }

  // ------------------------------------------------------------------------------------------------ redirects

  @Test
  void redirectOfAJsonCallIsATypedErrorNamingTheLocationAndNothingReachesTheOtherOrigin() throws Exception {
    server.enqueue(new MockResponse.Builder().code(307)
        .addHeader("Location", elsewhere.url("/steal?key=" + SUBSCRIPTION_KEY + "#frag").toString()).build());
    BrokerRedirectException e = assertThrows(BrokerRedirectException.class, () -> client.getOverview(ID));
    String where = "http://" + elsewhere.getHostName() + ":" + elsewhere.getPort() + "/steal?…";
    assertEquals(where, e.location());
    assertEquals(307, e.statusCode());
    assertInstanceOf(BrokerApiException.class, e);
    assertTrue(e.getMessage().contains("Redirected to " + where), e.getMessage());
    assertFalse(e.getMessage().contains(SUBSCRIPTION_KEY), "a credential echoed into Location is never shown");
    assertEquals(0, elsewhere.getRequestCount(), "the subscription key and token never left for the other host");
    assertEquals(1, server.getRequestCount(), "a redirect is not retried");
  }

  @Test
  void redirectedUploadIsNotReportedAsSuccessAndItsBytesNeverReachTheOtherOrigin() throws Exception {
    Path file = Files.writeString(tmp.resolve("a.txt"), "the file's bytes");
    server.enqueue(redirect(307, "/broker/api/v1/filetransfer/" + ID + "/upload"));
    BrokerRedirectException e = assertThrows(BrokerRedirectException.class, () -> client.upload(ID, file));
    assertTrue(e.location().endsWith("/broker/api/v1/filetransfer/" + ID + "/upload"), e.location());
    assertEquals(0, elsewhere.getRequestCount(), "the file was not re-sent to the other host");
  }

  @Test
  void redirectedInitializeIsATypedError() {
    server.enqueue(redirect(308, "/broker/api/v1/filetransfer"));
    assertThrows(BrokerRedirectException.class, () -> client.initialize(meta()));
    assertEquals(0, elsewhere.getRequestCount());
  }

  @Test
  void redirectedDownloadIsNotAcceptedFromTheOtherOrigin() throws Exception {
    server.enqueue(json(200, overviewJson(ID, "Published", null, 5)));
    server.enqueue(redirect(302, "/files/evil.bin"));
    elsewhere.close();
    elsewhere = new MockWebServer();
    elsewhere.start(0);
    elsewhere.enqueue(new MockResponse.Builder().code(200).body("evil!").build());
    BrokerRedirectException e = assertThrows(BrokerRedirectException.class,
        () -> client.download(ID, tmp.resolve("out.bin")));
    assertTrue(e.getMessage().contains("GET /broker/api/v1/filetransfer/" + ID + "/download failed: HTTP 302"),
        e.getMessage());
    assertEquals(0, elsewhere.getRequestCount());
    assertFalse(Files.exists(tmp.resolve("out.bin")));
  }

  @Test
  void aSuppliedClientThatFollowsRedirectsIsDerivedIntoOneThatDoesNot() {
    OkHttpClient follows = new OkHttpClient.Builder().followRedirects(true).followSslRedirects(true).build();
    try (BrokerClient c = builder().httpClient(follows).build()) {
      server.enqueue(redirect(301, "/moved"));
      assertThrows(BrokerRedirectException.class, () -> c.getOverview(ID));
      assertEquals(0, elsewhere.getRequestCount());
    } finally {
      follows.dispatcher().executorService().shutdown();
    }
  }

  @Test
  void relativeAndMissingLocationsAreNamedSafely() {
    server.enqueue(new MockResponse.Builder().code(303).addHeader("Location", "/other/place?token=x").build());
    BrokerRedirectException e = assertThrows(BrokerRedirectException.class, () -> client.getOverview(ID));
    assertEquals(server.url("/other/place").toString() + "?…", e.location());
    server.enqueue(empty(302));
    assertEquals("(none)", assertThrows(BrokerRedirectException.class, () -> client.getOverview(ID)).location());
  }

  // ------------------------------------------------------------------------------------------------ size limits

  @Test
  void gzipBombIsRejectedWithATypedErrorBeforeItIsBuffered() throws Exception {
    okio.Buffer bomb = GzipBomb.of("{\"fileTransferId\":\"" + ID + "\",\"recipients\":[",
        "{\"recipient\":\"0192:986252932\"},", "{}]}", 300L * 1024 * 1024);
    assertTrue(bomb.size() < 1024 * 1024, "the compressed body is small: " + bomb.size());
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .addHeader("Content-Encoding", "gzip").body(bomb).build());
    BrokerInvalidResponseException e = assertTimeoutPreemptively(QUICKLY,
        () -> assertThrows(BrokerInvalidResponseException.class, () -> client.getOverview(ID)));
    assertTrue(e.getMessage().contains("larger than the limit of 1048576 bytes"), e.getMessage());
    assertTrue(e.getMessage().startsWith("GET /broker/api/v1/filetransfer/" + ID), e.getMessage());
    assertInstanceOf(BrokerIOException.class, e, "existing catch blocks for malformed answers still match");
    assertTrue(e.requestMayHaveBeenSent());
  }

  @Test
  void oversizeSearchArrayStreamedWithoutLengthIsRejectedQuickly() throws Exception {
    long[] sent = new long[1];
    HttpServer endless = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endless.createContext("/", ex -> {
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, 0); // chunked, no length to check up front
      byte[] chunk = QUOTED_ID.repeat(1000).getBytes(StandardCharsets.UTF_8);
      try (OutputStream out = ex.getResponseBody()) {
        out.write('[');
        while (sent[0] < 78L * 1024 * 1024) {
          out.write(chunk);
          sent[0] += chunk.length;
        }
        out.write(("\"" + ID + "\"]").getBytes(StandardCharsets.UTF_8));
      } catch (IOException clientHungUp) {
        // expected: the client stops reading at the limit
      }
    });
    endless.start();
    try (BrokerClient c = builder().baseUrl("http://127.0.0.1:" + endless.getAddress().getPort()).build()) {
      BrokerInvalidResponseException e = assertTimeoutPreemptively(QUICKLY,
          () -> assertThrows(BrokerInvalidResponseException.class,
              () -> c.search(FileTransferSearch.builder("my-resource").build())));
      assertTrue(e.getMessage().contains("larger than the limit"), e.getMessage());
    } finally {
      endless.stop(0);
    }
    assertTrue(sent[0] < 78L * 1024 * 1024, "the client stopped reading long before the end: " + sent[0]);
  }

  @Test
  void declaredLengthOverTheLimitFailsWithoutReadingAndTheLimitIsConfigurable() {
    String big = "{\"fileTransferId\":\"" + ID + "\",\"fileName\":\"" + "x".repeat(5000) + "\"}";
    try (BrokerClient small = builder().maxResponseSize(4096).build()) {
      server.enqueue(json(200, big));
      BrokerInvalidResponseException e = assertThrows(BrokerInvalidResponseException.class,
          () -> small.getOverview(ID));
      assertTrue(e.getMessage().contains("larger than the limit of 4096 bytes"), e.getMessage());
      assertTrue(e.getCause().getMessage().contains("Content-Length"), e.getCause().getMessage());
    }
    server.enqueue(json(200, big));
    assertEquals(5000, client.getOverview(ID).fileName().length(), "the default limit (1 MiB) admits it");
    assertThrows(IllegalArgumentException.class, () -> builder().maxResponseSize(10));
  }

  @Test
  void gzipBombInAnErrorBodyIsReadOnlyAsFarAsItIsQuoted() throws Exception {
    okio.Buffer bomb = GzipBomb.of("", "error text ", "", 64L * 1024 * 1024);
    server.enqueue(new MockResponse.Builder().code(500).addHeader("Content-Type", "text/plain")
        .addHeader("Content-Encoding", "gzip").body(bomb).build());
    BrokerServerException e = assertTimeoutPreemptively(QUICKLY,
        () -> assertThrows(BrokerServerException.class, () -> client.getOverview(ID)));
    assertTrue(e.error().rawBody().length() <= 16 * 1024, "kept: " + e.error().rawBody().length());
    assertTrue(e.getMessage().length() < 5000);
  }

  // ------------------------------------------------------------------------------------------------ invalid data

  @Test
  void searchItemsThatAreNotUuidsAreATypedError() {
    server.enqueue(json(200, "[\"" + ID + "\",\"../../etc/passwd\"]"));
    BrokerInvalidResponseException e = assertThrows(BrokerInvalidResponseException.class,
        () -> client.search(FileTransferSearch.builder("my-resource").build()));
    assertTrue(e.getMessage().contains("not a UUID: \"../../etc/passwd\""), e.getMessage());
    server.enqueue(json(200, "[12345]"));
    assertThrows(BrokerInvalidResponseException.class,
        () -> client.search(FileTransferSearch.builder("my-resource").build()));
    server.enqueue(json(200, "{\"ids\":[]}"));
    assertThrows(BrokerInvalidResponseException.class,
        () -> client.search(FileTransferSearch.builder("my-resource").build()));
  }

  @Test
  void nullOrEmptyOverviewIsATypedErrorNotNull() {
    server.enqueue(json(200, "null"));
    BrokerInvalidResponseException e = assertThrows(BrokerInvalidResponseException.class,
        () -> client.getOverview(ID));
    assertTrue(e.getMessage().contains("is empty or null where FileTransferOverview was expected"), e.getMessage());
    server.enqueue(json(200, ""));
    assertThrows(BrokerInvalidResponseException.class, () -> client.getOverview(ID));
    server.enqueue(json(200, "null"));
    assertThrows(BrokerInvalidResponseException.class, () -> client.serviceOwner().getResource("my-resource"));
  }

  @Test
  void initializeAnswersWithoutAUsableIdAreTypedErrors() {
    server.enqueue(json(200, "\"not-a-uuid\""));
    assertThrows(BrokerInvalidResponseException.class, () -> client.initialize(meta()));
    server.enqueue(json(200, "{\"fileTransferId\":42}"));
    assertThrows(BrokerInvalidResponseException.class, () -> client.initialize(meta()));
    server.enqueue(json(200, "{}"));
    BrokerInvalidResponseException e = assertThrows(BrokerInvalidResponseException.class,
        () -> client.initialize(meta()));
    assertTrue(e.getMessage().contains("has no fileTransferId"), e.getMessage());
    assertTrue(e.requestMayHaveBeenSent(), "the initialize reached the server: reconcile before repeating");
  }

  @Test
  void trailingContentAfterTheAnswerIsAnInvalidResponse() {
    server.enqueue(json(200, overviewJson(ID, "Published", null, 5) + overviewJson(ID, "Failed", null, 5)));
    assertThrows(BrokerInvalidResponseException.class, () -> client.getOverview(ID));
    server.enqueue(json(200, "[\"" + ID + "\"] garbage"));
    assertThrows(BrokerInvalidResponseException.class,
        () -> client.search(FileTransferSearch.builder("my-resource").build()));
  }

  @Test
  void malformedJsonIsAnInvalidResponseAndAConnectionCutStaysAPlainIoError() {
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\",\"fileTransferSize\":\"many\"}"));
    BrokerInvalidResponseException e = assertThrows(BrokerInvalidResponseException.class,
        () -> client.getOverview(ID));
    assertTrue(e.getMessage().contains("is not valid JSON for FileTransferOverview"), e.getMessage());
    server.enqueue(new MockResponse.Builder().code(200).body(overviewJson(ID, "Published", null, 5))
        .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build());
    BrokerIOException cut = assertThrows(BrokerIOException.class, () -> client.getOverview(ID));
    assertFalse(cut instanceof BrokerInvalidResponseException, cut.toString());
  }
}
