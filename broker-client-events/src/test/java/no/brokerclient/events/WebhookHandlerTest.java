package no.brokerclient.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testing.CapturedLogs;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookHandlerTest {
  static final String SECRET = "webhook-secret-0123456789";
  static final URI GOOD = URI.create("/altinn/events?code=" + SECRET);
  static final UUID FT = UUID.fromString("da4ceacc-ad44-4e54-99b6-b58e3c13c785");

  final List<BrokerEvent> received = Collections.synchronizedList(new ArrayList<>());
  WebhookHandler handler;

  @BeforeEach
  void setUp() {
    CapturedLogs.clear();
    handler = WebhookHandler.builder().secret(SECRET).listener(received::add).build();
  }

  /** The exact shape Altinn Events delivers for a Broker event (altinn-events.md §4.2). */
  static String delivery(String id, String type, String role) {
    return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"https://platform.tt02.altinn.no/broker/api/v1/"
        + "filetransfer\",\"type\":\"" + type + "\",\"subject\":\"urn:altinn:organization:identifier-no:991825827\","
        + "\"time\":\"2026-08-18T11:40:51.1234567Z\",\"resource\":\"urn:altinn:resource:my-broker-resource\","
        + "\"resourceinstance\":\"" + FT + "\",\"data\":{\"Role\":\"" + role + "\"}}";
  }

  WebhookHandler.Response post(WebhookHandler h, URI uri, String body) {
    return post(h, uri, body.getBytes(StandardCharsets.UTF_8));
  }

  WebhookHandler.Response post(WebhookHandler h, URI uri, byte[] body) {
    return h.handle("POST", uri, Map.of("Content-Type", List.of("application/json; charset=utf-8")),
        new ByteArrayInputStream(body));
  }

  @Test
  void validationEventIsAnswered200WithoutListener() {
    String v = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":"
        + "\"https://platform.tt02.altinn.no/events/api/v1/subscriptions/1619\",\"type\":"
        + "\"platform.events.validatesubscription\"}";
    assertEquals(200, post(handler, GOOD, v).status());
    assertTrue(received.isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"no.altinn.broker.filetransferinitialized", "no.altinn.broker.uploadprocessing",
      "no.altinn.broker.published", "no.altinn.broker.uploadfailed", "no.altinn.broker.downloadconfirmed",
      "no.altinn.broker.allconfirmeddownloaded", "no.altinn.broker.filepurged",
      "no.altinn.broker.fileneverconfirmeddownloaded"})
  void everyBrokerEventTypeIsParsed(String type) {
    assertEquals(200, post(handler, GOOD, delivery("3b0c0000-0000-0000-0000-000000000001", type, "Sender")).status());
    BrokerEvent e = received.get(0);
    assertEquals(EventType.of(type), e.type());
    assertTrue(e.type().isKnown());
    assertEquals("3b0c0000-0000-0000-0000-000000000001", e.id());
    assertEquals("https://platform.tt02.altinn.no/broker/api/v1/filetransfer", e.source());
    assertEquals(Instant.parse("2026-08-18T11:40:51.1234567Z"), e.time());
    assertEquals(OrganizationNumber.of("991825827"), e.organization());
    assertEquals("my-broker-resource", e.resourceId());
    assertEquals(FT, e.fileTransferId());
    assertEquals(EventRole.SENDER, e.role());
    assertEquals(BrokerEvent.Origin.WEBHOOK, e.origin());
  }

  @Test
  void unknownTypeReachesListenerAsUnknown() {
    assertEquals(200, post(handler, GOOD, delivery("x1", "no.altinn.broker.somethingnew", "Recipient")).status());
    assertFalse(received.get(0).type().isKnown());
    assertEquals(EventRole.RECIPIENT, received.get(0).role());
  }

  @Test
  void redeliveryReachesListenerOnce() {
    String d = delivery("id-1", "no.altinn.broker.published", "Recipient");
    assertEquals(200, post(handler, GOOD, d).status());
    assertEquals(200, post(handler, GOOD, d).status());
    assertEquals(1, received.size());
  }

  @Test
  void wrongOrMissingSecretIs401() {
    String d = delivery("id-1", "no.altinn.broker.published", "Recipient");
    assertEquals(401, post(handler, URI.create("/altinn/events?code=guess"), d).status());
    assertEquals(401, post(handler, URI.create("/altinn/events"), d).status());
    assertEquals(401, post(handler, URI.create("/altinn/events?code=" + SECRET + "x"), d).status());
    assertTrue(received.isEmpty());
    assertFalse(CapturedLogs.lines().stream().anyMatch(l -> l.contains(SECRET)), "secret never logged");
  }

  @Test
  void onlyPost() {
    assertEquals(405, handler.handle("GET", GOOD, Map.of(), new ByteArrayInputStream(new byte[0])).status());
  }

  @Test
  void listenerFailureIs500AndRedeliveryIsHandled() {
    AtomicInteger calls = new AtomicInteger();
    WebhookHandler h = WebhookHandler.builder().secret(SECRET).listener(e -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("database down");
      }
    }).build();
    String d = delivery("id-9", "no.altinn.broker.published", "Recipient");
    assertEquals(500, post(h, GOOD, d).status());
    assertEquals(200, post(h, GOOD, d).status());
    assertEquals(2, calls.get());
    assertEquals(200, post(h, GOOD, d).status());
    assertEquals(2, calls.get());
  }

  @Test
  void concurrentDuplicateWhileFirstIsHandledGets503() throws Exception {
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WebhookHandler h = WebhookHandler.builder().secret(SECRET).listener(e -> {
      inListener.countDown();
      release.await(10, TimeUnit.SECONDS);
    }).build();
    String d = delivery("id-c", "no.altinn.broker.published", "Recipient");
    Thread first = new Thread(() -> post(h, GOOD, d));
    first.start();
    assertTrue(inListener.await(10, TimeUnit.SECONDS));
    assertEquals(503, post(h, GOOD, d).status());
    release.countDown();
    first.join(10_000);
    assertEquals(200, post(h, GOOD, d).status());
  }

  @Test
  void roleFilterSkipsSenderEventsForRecipients() {
    WebhookHandler h =
        WebhookHandler.builder().secret(SECRET).listener(received::add).roles(EventRole.RECIPIENT).build();
    assertEquals(200, post(h, GOOD, delivery("a", "no.altinn.broker.published", "Sender")).status());
    assertTrue(received.isEmpty());
    assertEquals(200, post(h, GOOD, delivery("b", "no.altinn.broker.published", "Recipient")).status());
    assertEquals(1, received.size());
  }

  @Test
  void hostileBodiesAre4xx() {
    assertEquals(400, post(handler, GOOD, "not json").status());
    assertEquals(400, post(handler, GOOD, "[1,2,3]").status());
    assertEquals(400,
        post(handler, GOOD, "{\"specversion\":\"0.3\",\"id\":\"a\",\"source\":\"s\",\"type\":\"t\"}").status());
    assertEquals(400, post(handler, GOOD, "{\"specversion\":\"1.0\",\"source\":\"s\",\"type\":\"t\"}").status());
    assertEquals(400,
        post(handler, GOOD, "{\"specversion\":\"1.0\",\"id\":7,\"source\":\"s\",\"type\":\"t\"}").status());
    assertEquals(400, post(handler, GOOD, "{\"specversion\":\"1.0\",\"id\":\"a\",\"id\":\"b\",\"source\":\"s\","
        + "\"type\":\"t\"}").status(), "duplicate keys");
    assertEquals(400, post(handler, GOOD, delivery("a", "no.altinn.broker.published", "Sender")
        .replace("2026-08-18T11:40:51.1234567Z", "yesterday")).status());
    assertEquals(400, post(handler, GOOD, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}).status(), "invalid UTF-8");
    String deep = "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\",\"type\":\"t\",\"data\":" + "[".repeat(5000)
        + "]".repeat(5000) + "}";
    assertEquals(400, post(handler, GOOD, deep).status(), "nesting");
    String huge = "{\"specversion\":\"1.0\",\"id\":\"" + "a".repeat(70_000) + "\",\"source\":\"s\",\"type\":\"t\"}";
    assertEquals(413, post(handler, GOOD, huge).status());
    assertEquals(413, handler.handle("POST", GOOD, Map.of("Content-Length", List.of("99999999")),
        new ByteArrayInputStream(new byte[0])).status(), "declared size checked before reading");
    assertTrue(received.isEmpty());
  }

  @Test
  void anythingButWhitespaceAfterTheEventIs400() {
    String d = delivery("t1", "no.altinn.broker.published", "Recipient");
    assertEquals(400, post(handler, GOOD, d + " garbage").status(), "trailing garbage");
    assertEquals(400, post(handler, GOOD, d + d.replace("t1", "t2")).status(), "two concatenated events");
    assertEquals(400, post(handler, GOOD, d + "]").status());
    assertTrue(received.isEmpty());
    assertEquals(200, post(handler, GOOD, d + " \r\n\t ").status(), "trailing whitespace is fine");
    assertEquals(1, received.size());
  }

  /** One byte every 20 ms, forever: a peer trickling a body that never ends. */
  static InputStream trickle() {
    return new InputStream() {
      @Override
      public int read() {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return ' ';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        b[off] = (byte) read();
        return 1;
      }
    };
  }

  @Test
  void tricklingBodyIsCutOffAtTheBodyDeadlineWith408() {
    WebhookHandler h = WebhookHandler.builder().secret(SECRET).listener(received::add)
        .bodyTimeout(Duration.ofMillis(300)).build();
    WebhookHandler.Response r = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> h.handle("POST", GOOD, Map.of(), trickle()), "a trickling body must not hold the handler");
    assertEquals(408, r.status());
    assertTrue(received.isEmpty());
  }

  @Test
  void missingOptionalFieldsAreTolerated() {
    String minimal =
        "{\"specversion\":\"1.0\",\"id\":\"m1\",\"source\":\"https://x\",\"type\":\"no.altinn.broker.published\"}";
    assertEquals(200, post(handler, GOOD, minimal).status());
    BrokerEvent e = received.get(0);
    assertNull(e.fileTransferId());
    assertNull(e.time());
    assertEquals(EventRole.UNKNOWN, e.role());
  }

  @Test
  void webhookServerEndToEnd() throws Exception {
    try (WebhookServer server = WebhookServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        "/altinn/events", handler)) {
      OkHttpClient http = new OkHttpClient();
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/altinn/events";
      try (Response r = http.newCall(new Request.Builder().url(base + "?code=" + SECRET)
          .post(RequestBody.create(delivery("e2e", "no.altinn.broker.published", "Recipient"),
              MediaType.get("application/json; charset=utf-8"))).build()).execute()) {
        assertEquals(200, r.code());
      }
      try (Response r = http.newCall(new Request.Builder().url(base + "?code=nope")
          .post(RequestBody.create("{}", MediaType.get("application/json"))).build()).execute()) {
        assertEquals(401, r.code());
      }
      assertEquals(1, received.size());
      assertEquals(FT, received.get(0).fileTransferId());
      http.dispatcher().executorService().shutdown();
    }
  }
}
