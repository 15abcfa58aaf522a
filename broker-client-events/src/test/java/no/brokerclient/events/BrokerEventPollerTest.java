package no.brokerclient.events;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.model.OrganizationNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BrokerEventPollerTest {
  static final OrganizationNumber ORG = OrganizationNumber.of("991825827");
  static final String SECRET = "webhook-secret-0123456789";

  MockWebServer broker;
  BrokerClient client;
  final List<BrokerEvent> received = Collections.synchronizedList(new ArrayList<>());
  EventDeduplicator dedupe = new EventDeduplicator();

  @BeforeEach
  void start() throws Exception {
    broker = new MockWebServer();
    broker.start(0);
    client = BrokerClient.builder().baseUrl(broker.url("/").toString())
        .accessTokenProvider(AccessTokenProvider.fixed("t")).roles(Role.SENDER, Role.RECIPIENT).build();
  }

  @AfterEach
  void stop() {
    client.close();
    broker.close();
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
  }

  static String ids(UUID... ids) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < ids.length; i++) {
      b.append(i == 0 ? "" : ",").append('"').append(ids[i]).append('"');
    }
    return b.append(']').toString();
  }

  static String overview(UUID id, String status) {
    return "{\"fileTransferId\":\"" + id + "\",\"fileTransferStatus\":\"" + status + "\",\"created\":"
        + "\"2026-08-01T10:00:00Z\"}";
  }

  BrokerEventPoller poller(EventRole role) {
    return BrokerEventPoller.builder().client(client).resourceId("my-broker-resource").organization(ORG).role(role)
        .listener(received::add).deduplicator(dedupe).since(Instant.parse("2026-08-01T00:00:00Z")).build();
  }

  WebhookHandler webhook() {
    return WebhookHandler.builder().secret(SECRET).listener(received::add).deduplicator(dedupe).build();
  }

  static String delivery(UUID ft, String type, String role) {
    return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"https://platform.tt02.altinn.no/"
        + "broker/api/v1/filetransfer\",\"type\":\"" + type + "\",\"subject\":\"" + ORG.urn() + "\","
        + "\"resource\":\"urn:altinn:resource:my-broker-resource\",\"resourceinstance\":\"" + ft + "\","
        + "\"data\":{\"Role\":\"" + role + "\"}}";
  }

  int deliver(WebhookHandler h, String body) {
    return h.handle("POST", URI.create("/e?code=" + SECRET), Map.of(),
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))).status();
  }

  @Test
  void recipientPollFindsPublishedNotDownloadedAndDedupesWithWebhook() throws Exception {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    WebhookHandler h = webhook();
    assertEquals(200, deliver(h, delivery(a, "no.altinn.broker.published", "Recipient")));
    broker.enqueue(json(ids(a, b)));
    assertEquals(1, poller(EventRole.RECIPIENT).pollOnce(), "a came by webhook already; only b is new");
    RecordedRequest r = broker.takeRequest(5, TimeUnit.SECONDS);
    assertEquals("/broker/api/v1/filetransfer?resourceId=my-broker-resource&status=Published"
        + "&recipientStatus=Initialized&orderAscending=true", r.getTarget());
    assertEquals(2, received.size());
    BrokerEvent polled = received.get(1);
    assertEquals(b, polled.fileTransferId());
    assertEquals(EventType.PUBLISHED, polled.type());
    assertEquals(EventRole.RECIPIENT, polled.role());
    assertEquals(BrokerEvent.Origin.POLL, polled.origin());
    // ...and the webhook for b arriving late is acknowledged without a second listener call.
    assertEquals(200, deliver(h, delivery(b, "no.altinn.broker.published", "Recipient")));
    assertEquals(2, received.size());
    broker.enqueue(json(ids(a, b)));
    assertEquals(0, poller(EventRole.RECIPIENT).pollOnce());
  }

  @Test
  void failedListenerIsOfferedAgainNextPoll() {
    UUID a = UUID.randomUUID();
    int[] calls = {0};
    BrokerEventPoller p = BrokerEventPoller.builder().client(client).resourceId("my-broker-resource").organization(ORG)
        .role(EventRole.RECIPIENT).deduplicator(dedupe).listener(e -> {
          if (++calls[0] == 1) {
            throw new IllegalStateException("busy");
          }
        }).build();
    broker.enqueue(json(ids(a)));
    assertEquals(0, p.pollOnce());
    broker.enqueue(json(ids(a)));
    assertEquals(1, p.pollOnce());
    assertEquals(2, calls[0]);
  }

  @Test
  void senderPollTurnsStatusChangesIntoEvents() {
    UUID a = UUID.randomUUID();
    BrokerEventPoller p = poller(EventRole.SENDER);
    broker.enqueue(json(ids(a)));
    broker.enqueue(json(overview(a, "UploadProcessing")));
    assertEquals(1, p.pollOnce());
    broker.enqueue(json(ids(a)));
    broker.enqueue(json(overview(a, "UploadProcessing")));
    assertEquals(0, p.pollOnce(), "no change, no event");
    broker.enqueue(json(ids(a)));
    broker.enqueue(json(overview(a, "Failed")));
    assertEquals(1, p.pollOnce());
    assertEquals(List.of(EventType.UPLOAD_PROCESSING, EventType.UPLOAD_FAILED),
        received.stream().map(BrokerEvent::type).toList());
    broker.enqueue(json(ids(a)));
    assertEquals(0, p.pollOnce(), "final status: the overview is not read again");
    assertEquals(7, broker.getRequestCount());
  }

  @Test
  void intervalRespectsSearchRateLimit() {
    var exec = Executors.newSingleThreadScheduledExecutor();
    try {
      assertThrows(IllegalArgumentException.class,
          () -> poller(EventRole.RECIPIENT).start(exec, Duration.ofSeconds(1)));
    } finally {
      exec.shutdownNow();
    }
    assertTrue(BrokerEventPoller.MIN_INTERVAL.getSeconds() >= 6);
  }

  @Test
  void oneTransferWhoseOverviewFailsDoesNotHideTheOthers() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    BrokerEventPoller p = poller(EventRole.SENDER);
    broker.enqueue(json(ids(a, b)));
    broker.enqueue(new MockResponse.Builder().code(500).body("boom").build());
    broker.enqueue(json(overview(b, "Published")));
    assertEquals(1, p.pollOnce(), "a failed; b still reached the listener");
    assertEquals(List.of(b), received.stream().map(BrokerEvent::fileTransferId).toList());
    broker.enqueue(json(ids(a, b)));
    broker.enqueue(json(overview(a, "Published")));
    broker.enqueue(json(overview(b, "Published")));
    assertEquals(1, p.pollOnce(), "a is looked at again next poll");
    assertEquals(List.of(b, a), received.stream().map(BrokerEvent::fileTransferId).toList());
  }

  @Test
  void listenerThrowingAnErrorSkipsOnlyThatTransfer() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    AtomicInteger calls = new AtomicInteger();
    BrokerEventPoller p = BrokerEventPoller.builder().client(client).resourceId("my-broker-resource").organization(ORG)
        .role(EventRole.RECIPIENT).deduplicator(dedupe).listener(e -> {
          if (calls.incrementAndGet() == 1) {
            throw new AssertionError("a bug in the listener");
          }
          received.add(e);
        }).build();
    broker.enqueue(json(ids(a, b)));
    assertEquals(1, p.pollOnce());
    assertEquals(List.of(b), received.stream().map(BrokerEvent::fileTransferId).toList());
    broker.enqueue(json(ids(a, b)));
    assertEquals(1, p.pollOnce(), "a is offered again; b is a duplicate");
    assertEquals(List.of(b, a), received.stream().map(BrokerEvent::fileTransferId).toList());
  }

  /** Keeps the task {@code scheduleWithFixedDelay} was given instead of running it. */
  static final class CapturingScheduler extends ScheduledThreadPoolExecutor {
    Runnable task;

    CapturingScheduler() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
      task = command;
      return super.schedule(() -> { }, 1, TimeUnit.DAYS);
    }
  }

  @Test
  void scheduledPollNeverThrowsSoItIsNeverCancelled() {
    CapturingScheduler scheduler = new CapturingScheduler();
    try {
      BrokerEventPoller.builder().client(client).resourceId("my-broker-resource").organization(ORG)
          .role(EventRole.RECIPIENT).deduplicator(dedupe).listener(e -> {
            throw new StackOverflowError("the listener's recursion");
          }).build().start(scheduler, Duration.ofMinutes(1));
      broker.enqueue(json(ids(UUID.randomUUID())));
      assertDoesNotThrow(scheduler.task::run, "a throwing task is never scheduled again");
      broker.enqueue(new MockResponse.Builder().code(500).body("search down").build());
      assertDoesNotThrow(scheduler.task::run);
      assertEquals(2, broker.getRequestCount());
    } finally {
      scheduler.shutdownNow();
    }
  }
}
