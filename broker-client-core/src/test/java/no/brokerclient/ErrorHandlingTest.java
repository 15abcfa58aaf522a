package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import no.brokerclient.model.FileTransferInitialize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorHandlingTest extends MockServerTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");

  @TempDir Path tmp;

  FileTransferInitialize meta() {
    return FileTransferInitialize.builder().resourceId("my-resource").fileName("a.txt").sender("991825827")
        .recipient("986252932").build();
  }

  @Test
  void problemDetailsAreMappedWithCodeDetailAndTraceId() {
    server.enqueue(problem(404, "Not Found", "BRO-00001", "The requested file transfer was not found"));
    BrokerNotFoundException e = assertThrows(BrokerNotFoundException.class, () -> client.getOverview(ID));
    assertEquals(404, e.statusCode());
    assertEquals("BRO-00001", e.errorCode());
    assertEquals("The requested file transfer was not found", e.detail());
    assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", e.traceId());
    assertEquals("Not Found", e.error().title());
    assertTrue(e.getMessage().contains("GET /broker/api/v1/filetransfer/" + ID)
        && e.getMessage().contains("HTTP 404") && e.getMessage().contains("BRO-00001")
        && e.getMessage().contains("traceId"), e.getMessage());
  }

  @Test
  void validationProblemDetailsKeepFieldErrors() {
    server.enqueue(json(400, "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\","
        + "\"title\":\"One or more validation errors occurred.\",\"status\":400,"
        + "\"errors\":{\"FileName\":[\"The FileName field is required.\"],\"Recipients\":[\"a\",\"b\"]},"
        + "\"traceId\":\"t-1\"}"));
    BrokerApiException e = assertThrows(BrokerApiException.class, () -> client.initialize(meta()));
    assertEquals(List.of("The FileName field is required."), e.validationErrors().get("FileName"));
    assertEquals(List.of("a", "b"), e.validationErrors().get("Recipients"));
    assertNull(e.errorCode());
    assertTrue(e.getMessage().contains("FileName"), e.getMessage());
  }

  @Test
  void plainTextBodyBecomesDetail() {
    server.enqueue(new MockResponse.Builder().code(406).addHeader("Content-Type", "text/plain")
        .body("This endpoint does not support the requested Accept header").build());
    BrokerApiException e = assertThrows(BrokerApiException.class, () -> client.getOverview(ID));
    assertEquals(406, e.statusCode());
    assertEquals("This endpoint does not support the requested Accept header", e.detail());
  }

  @Test
  void jsonStringBodyBecomesDetail() {
    server.enqueue(json(400, "\"Subscription endpoint is invalid\""));
    BrokerApiException e = assertThrows(BrokerApiException.class, () -> client.getOverview(ID));
    assertEquals("Subscription endpoint is invalid", e.detail());
  }

  @Test
  void malformedJsonErrorNeverHidesStatus() {
    server.enqueue(json(500, "{\"title\": \"Internal"));
    server.enqueue(json(500, "{\"title\": \"Internal"));
    server.enqueue(json(500, "{\"title\": \"Internal"));
    BrokerServerException e = assertThrows(BrokerServerException.class, () -> client.getOverview(ID));
    assertEquals(500, e.statusCode());
    assertEquals("{\"title\": \"Internal", e.error().rawBody());
  }

  @Test
  void forbiddenOnInitializeExplainsStepThree() {
    server.enqueue(empty(403));
    BrokerAccessDeniedException e = assertThrows(BrokerAccessDeniedException.class, () -> client.initialize(meta()));
    String m = e.getMessage();
    assertTrue(m.contains("service owner") && m.contains("'my-resource'") && m.contains("991825827")
        && m.contains("system user") && m.contains("step 3"), m);
  }

  @Test
  void forbiddenOnDownloadNamesTheTransfer() {
    server.enqueue(problem(403, "Forbidden", "BRO-00005", "The resource needs to be registered"));
    BrokerAccessDeniedException e = assertThrows(BrokerAccessDeniedException.class, () -> client.getOverview(ID));
    assertTrue(e.getMessage().contains(ID.toString()) && e.getMessage().contains("service owner"), e.getMessage());
    assertEquals("BRO-00005", e.errorCode());
  }

  @Test
  void bodiless401RefreshesTokenOnceAndRetries() throws Exception {
    server.enqueue(new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
        .build());
    server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
    client.getOverview(ID);
    assertEquals("Bearer " + TOKEN_PREFIX + "1", take().getHeaders().get("Authorization"));
    assertEquals("Bearer " + TOKEN_PREFIX + "2", take().getHeaders().get("Authorization"));
    assertEquals(List.of(TOKEN_PREFIX + "1"), tokens.invalidated);
    assertEquals(List.of(), sleeps, "a token refresh is not a backoff");
  }

  @Test
  void second401IsReportedNotLooped() {
    server.enqueue(empty(401));
    server.enqueue(empty(401));
    BrokerUnauthorizedException e = assertThrows(BrokerUnauthorizedException.class, () -> client.initialize(meta()));
    assertEquals(2, server.getRequestCount());
    assertTrue(e.getMessage().contains("token was rejected"), e.getMessage());
  }

  @Test
  void unauthorizedWithBro00006IsNotRetriedAndMentionsSystemUser() {
    server.enqueue(
        problem(401, "Unauthorized", "BRO-00006", "You must use a bearer token that represents a system user"));
    BrokerUnauthorizedException e = assertThrows(BrokerUnauthorizedException.class, () -> client.getOverview(ID));
    assertEquals(1, server.getRequestCount());
    assertTrue(tokens.invalidated.isEmpty());
    assertTrue(e.getMessage().contains("system user"), e.getMessage());
  }

  @Test
  void streamUploadIsNotRepeatedOn401() {
    server.enqueue(empty(401));
    assertThrows(BrokerUnauthorizedException.class,
        () -> client.upload(ID, new ByteArrayInputStream(new byte[10]), 10, ProgressListener.NONE));
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void retryAfterSecondsIsHonouredOn429() {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7").build());
    server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
    client.getOverview(ID);
    assertEquals(List.of(Duration.ofSeconds(7)), sleeps);
  }

  @Test
  void retryAfterIsCapped() {
    server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "3600").build());
    server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
    client.getOverview(ID);
    assertEquals(List.of(Duration.ofSeconds(30)), sleeps);
  }

  @Test
  void retryAfterHttpDateIsHonoured() {
    String when = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(20));
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", when).build());
    server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
    client.getOverview(ID);
    assertEquals(1, sleeps.size());
    assertTrue(sleeps.get(0).compareTo(Duration.ofSeconds(15)) > 0
        && sleeps.get(0).compareTo(Duration.ofSeconds(21)) < 0,
        sleeps.toString());
  }

  @Test
  void retryAfterHttpDateIsMeasuredOnTheServersClock() {
    // The server's clock is an hour behind ours: Retry-After is 20 s after the response's own Date header.
    ZonedDateTime serverNow = ZonedDateTime.now(ZoneOffset.UTC).minusHours(1);
    server.enqueue(new MockResponse.Builder().code(503)
        .addHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow))
        .addHeader("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow.plusSeconds(20))).build());
    server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
    client.getOverview(ID);
    assertEquals(List.of(Duration.ofSeconds(20)), sleeps, "not zero, as the local clock would say");
  }

  @Test
  void exponentialBackoffWithJitterThenGivesUp() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(empty(502));
    }
    BrokerServerException e = assertThrows(BrokerServerException.class, () -> client.getOverview(ID));
    assertEquals(502, e.statusCode());
    assertEquals(3, server.getRequestCount(), "first attempt plus maxRetries=2");
    assertEquals(2, sleeps.size());
    assertTrue(between(sleeps.get(0), 50, 100), sleeps.toString());
    assertTrue(between(sleeps.get(1), 100, 200), sleeps.toString());
  }

  static boolean between(Duration d, long minMs, long maxMs) {
    return d.toMillis() >= minMs && d.toMillis() <= maxMs;
  }

  @Test
  void initializeIsRetriedOn503And429ButNotOn500Or502() {
    server.enqueue(problem(503, "Service Unavailable", "BRO-00021", "Storage provider is not ready yet."));
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    assertEquals(ID, client.initialize(meta()));
    assertEquals(2, server.getRequestCount());

    server.enqueue(empty(502));
    assertThrows(BrokerServerException.class, () -> client.initialize(meta()));
    server.enqueue(problem(500, "Internal Server Error", "BRO-00008", "Error"));
    assertThrows(BrokerServerException.class, () -> client.initialize(meta()));
    assertEquals(4, server.getRequestCount(), "neither 502 nor 500 is retried for initialize");
  }

  @Test
  void initializeIsNotRetriedAfterResponseLostAndSaysItMayHaveBeenSent() {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    BrokerIOException e = assertThrows(BrokerIOException.class, () -> client.initialize(meta()));
    assertTrue(e.requestMayHaveBeenSent());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void idempotentCallIsRetriedAfterResponseLost() {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
    assertEquals(ID, client.getOverview(ID).fileTransferId());
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void connectionRefusedIsRetriedEvenForInitializeAndReportedAsNotSent() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (BrokerClient c = builder().baseUrl("http://127.0.0.1:" + port).build()) {
      BrokerIOException e = assertThrows(BrokerIOException.class, () -> c.initialize(meta()));
      assertFalse(e.requestMayHaveBeenSent());
      assertEquals(2, sleeps.size(), "a refused connection certainly did not reach the server: retried");
    }
  }

  @Test
  void readTimeoutOnInitializeIsAmbiguous() throws Exception {
    try (BrokerClient c = builder().readTimeout(Duration.ofMillis(200)).build()) {
      server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
      BrokerIOException e = assertThrows(BrokerIOException.class, () -> c.initialize(meta()));
      assertTrue(e.requestMayHaveBeenSent());
      assertEquals(1, server.getRequestCount());
    }
  }

  @Test
  void uploadFromPathIsRetriedOn503ButStreamUploadIsNot() throws Exception {
    Path file = Files.write(tmp.resolve("f"), new byte[] {1, 2, 3});
    server.enqueue(empty(503));
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    client.upload(ID, file);
    assertEquals(2, server.getRequestCount());
    take();
    assertEquals(3, take().getBodySize(), "the file is sent again in full");

    server.enqueue(empty(503));
    BrokerServerException e = assertThrows(BrokerServerException.class,
        () -> client.upload(ID, new ByteArrayInputStream(new byte[3]), 3, ProgressListener.NONE));
    assertEquals(503, e.statusCode());
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void missingRoleFailsBeforeIo() {
    try (BrokerClient sender = builder().roles(Role.SENDER).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> sender.confirmDownload(ID));
      assertTrue(e.getMessage().contains("altinn:broker.read") && e.getMessage().contains("RECIPIENT"), e.getMessage());
      e = assertThrows(IllegalStateException.class, () -> sender.serviceOwner().getServiceOwner());
      assertTrue(e.getMessage().contains("altinn:serviceowner"), e.getMessage());
    }
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void closedClientRefusesCalls() {
    client.close();
    assertThrows(IllegalStateException.class, () -> client.getOverview(ID));
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void exceptionTreeIsUnchecked() {
    assertInstanceOf(RuntimeException.class, new BrokerException("x"));
  }
}
