package no.brokerclient.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import no.brokerclient.BrokerAccessDeniedException;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerClient;
import no.brokerclient.BrokerIOException;
import no.brokerclient.FileTransferFailedException;
import no.brokerclient.ProgressListener;
import no.brokerclient.RetryPolicy;
import no.brokerclient.Role;
import no.brokerclient.SendOptions;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.events.BrokerEvent;
import no.brokerclient.events.EventSubscriptions;
import no.brokerclient.events.EventsClient;
import no.brokerclient.events.Subscription;
import no.brokerclient.events.SubscriptionRequest;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.events.WebhookServer;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.MonthlyStatisticsRequest;
import no.brokerclient.model.RecipientFileTransferStatus;
import no.brokerclient.model.SearchRole;
import no.brokerclient.testing.FakeSetup;
import no.brokerclient.testkit.FakeAltinn;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK against the embedded FakeAltinn: Broker's rules as the fake enforces them, and the failure knobs. */
class FakeAltinnSdkTest extends FakeExampleTest {
  @TempDir Path dir;
  BrokerClient sender;
  BrokerClient recipient;

  @BeforeEach
  void start() {
    fake.virusScanDelay(Duration.ofMillis(50));
    RetryPolicy fast = FakeSetup.fastRetries(Duration.ofMillis(50), Duration.ofSeconds(2));
    sender = env.broker(env.sender(), Role.SENDER).retryPolicy(fast).build();
    recipient = env.broker(env.recipient(), Role.RECIPIENT).retryPolicy(fast).build();
  }

  @AfterEach
  void stop() {
    sender.close();
    recipient.close();
  }

  FileTransferInitialize.Builder meta(String name) {
    return FileTransferInitialize.builder().resourceId(env.resourceId()).fileName(name).sender(env.senderOrg())
        .recipient(env.recipientOrg());
  }

  Path file(String name, int size) throws Exception {
    byte[] b = new byte[size];
    new java.util.Random(size).nextBytes(b);
    return Files.write(dir.resolve(name), b);
  }

  @Test
  void sendReceiveConfirmLifecycle() throws Exception {
    Path f = file("a.bin", 300_000);
    FileTransferOverview sent = sender.send(meta("a.bin").build(), f,
        SendOptions.builder().awaitPublished(Duration.ofSeconds(30)).build());
    assertEquals(FileTransferStatus.PUBLISHED, sent.fileTransferStatus());
    List<UUID> waiting = recipient.search(FileTransferSearch.builder(env.resourceId())
        .status(FileTransferStatus.PUBLISHED).recipientStatus(RecipientFileTransferStatus.INITIALIZED).build());
    assertEquals(List.of(sent.fileTransferId()), waiting);
    DownloadResult r = recipient.download(sent.fileTransferId(), dir.resolve("out.bin"));
    assertTrue(r.checksumVerified());
    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(dir.resolve("out.bin")));
    recipient.confirmDownload(sent.fileTransferId());
    recipient.confirmDownload(sent.fileTransferId()); // repeat after all confirmed: treated as done
    assertEquals("AllConfirmedDownloaded", fake.status(sent.fileTransferId()));
    List<String> types = fake.raisedEvents().stream().map(e -> (String) e.get("type")).toList();
    assertEquals(List.of("no.altinn.broker.filetransferinitialized", "no.altinn.broker.uploadprocessing",
        "no.altinn.broker.published", "no.altinn.broker.published", "no.altinn.broker.downloadconfirmed",
        "no.altinn.broker.downloadconfirmed", "no.altinn.broker.allconfirmeddownloaded"), types);
    var details = sender.getDetails(sent.fileTransferId());
    assertEquals(List.of("Initialized", "UploadStarted", "UploadProcessing", "Published", "AllConfirmedDownloaded"),
        details.fileTransferStatusHistory().stream().map(h -> h.fileTransferStatus().value()).toList());
  }

  @Test
  void confirmBeforeDownloadIsBro00019() throws Exception {
    FileTransferOverview sent = sender.send(meta("b.bin").build(), file("b.bin", 10),
        SendOptions.builder().awaitPublished(Duration.ofSeconds(30)).build());
    BrokerApiException e =
        assertThrows(BrokerApiException.class, () -> recipient.confirmDownload(sent.fileTransferId()));
    assertEquals("BRO-00019", e.errorCode());
  }

  @Test
  void checksumMismatchFailsTheTransfer() throws Exception {
    UUID id = sender.initialize(meta("c.bin").checksum("00000000000000000000000000000000").build());
    BrokerApiException e = assertThrows(BrokerApiException.class, () -> sender.upload(id, file("c.bin", 1000)));
    assertEquals("BRO-00009", e.errorCode());
    assertEquals("Failed", fake.status(id));
    assertEquals("Checksum mismatch", sender.getOverview(id).fileTransferStatusText());
    assertTrue(fake.raisedEvents().stream().anyMatch(ev -> ev.get("type").equals("no.altinn.broker.uploadfailed")));
  }

  @Test
  void secondUploadOfTheSameFileIsRecognisedViaTheOverview() throws Exception {
    Path f = file("d.bin", 5000);
    UUID id = sender.initialize(meta("d.bin").build());
    sender.upload(id, f);
    var again = sender.upload(id, f); // Broker answers 409 BRO-00004; the SDK checks the overview
    assertEquals(id, again.fileTransferId());
    assertTrue(fake.calls().stream().anyMatch(c -> c.path().endsWith("/upload") && c.status() == 409));
  }

  @Test
  void organisationWithoutAccessGetsStepThreeError() throws Exception {
    fake.revokeAccess(env.resourceId(), env.senderOrg().digits());
    BrokerAccessDeniedException e = assertThrows(BrokerAccessDeniedException.class,
        () -> sender.initialize(meta("e.bin").build()));
    assertTrue(e.getMessage().contains("service owner") && e.getMessage().contains(env.resourceId()), e.getMessage());
  }

  @Test
  void malwareFailsTheTransferWhileAwaitingPublished() throws Exception {
    fake.markNextUploadMalicious();
    FileTransferFailedException e = assertThrows(FileTransferFailedException.class, () -> sender.send(meta("f.bin")
        .build(), file("f.bin", 100), SendOptions.builder().awaitPublished(Duration.ofSeconds(30)).build()));
    assertTrue(e.getMessage().contains("Malware"), e.getMessage());
  }

  @Test
  void searchCapsAtHundredAndSearchAllWalksPastIt() {
    Set<UUID> created = new java.util.HashSet<>();
    for (int i = 0; i < 130; i++) {
      created.add(sender.initialize(meta("s" + i + ".bin").build()));
    }
    assertEquals(100, sender.search(FileTransferSearch.builder(env.resourceId()).build()).size());
    Set<UUID> all;
    try (var s = sender.searchAll(FileTransferSearch.builder(env.resourceId()).role(SearchRole.SENDER).build())) {
      all = s.collect(Collectors.toSet());
    }
    assertEquals(created, all);
    assertEquals(List.of(), recipient.search(FileTransferSearch.builder(env.resourceId())
        .status(FileTransferStatus.PUBLISHED).build()), "nothing published yet");
  }

  @Test
  void multipartInitializeAndUpload() throws Exception {
    Path f = file("m.bin", 200_000);
    UUID id = sender.initializeAndUpload(meta("m.bin").property("k", "v").build(), f, ProgressListener.NONE);
    FileTransferOverview o = sender.awaitStatus(id, FileTransferStatus.PUBLISHED, Duration.ofSeconds(30));
    assertEquals(200_000, o.fileTransferSize());
    assertEquals("v", o.propertyList().get("k"));
    assertEquals(no.brokerclient.internal.Hex.md5(f), o.checksum());
  }

  @Test
  void truncatedDownloadIsResumedWithRange() throws Exception {
    FileTransferOverview sent = sender.send(meta("r.bin").build(), file("r.bin", 500_000),
        SendOptions.builder().awaitPublished(Duration.ofSeconds(30)).build());
    String path = "/broker/api/v1/filetransfer/" + sent.fileTransferId() + "/download";
    fake.failNext("GET", path, FakeAltinn.Failure.truncateDownloadAfter(123_456));
    DownloadResult r = recipient.download(sent.fileTransferId(), dir.resolve("r.out"));
    assertTrue(r.checksumVerified());
    for (int i = 0; i < 200 && fake.calls().stream().filter(c -> c.path().equals(path)).count() < 2; i++) {
      Thread.sleep(5);
    }
    assertEquals(List.of(200, 206),
        fake.calls().stream().filter(c -> c.path().equals(path)).map(FakeAltinn.Call::status).toList());
  }

  @Test
  void rateLimitAndServerErrorsAreRetried() throws Exception {
    fake.failNext("POST", "/broker/api/v1/filetransfer", FakeAltinn.Failure.tooManyRequests("1"));
    fake.failNext("POST", "/broker/api/v1/filetransfer", FakeAltinn.Failure.status(503));
    UUID id = sender.initialize(meta("t.bin").build());
    assertEquals("Initialized", fake.status(id));
    fake.failNext("GET", "/broker/api/v1/filetransfer/" + id, FakeAltinn.Failure.status(502));
    assertEquals(id, sender.getOverview(id).fileTransferId());
  }

  @Test
  void droppedInitializeIsAmbiguousAndReconciled() throws Exception {
    Instant before = Instant.now().minusSeconds(5);
    FileTransferInitialize m = meta("u.bin").build();
    fake.failNext("POST", "/broker/api/v1/filetransfer", FakeAltinn.Failure.dropConnection());
    BrokerIOException e = assertThrows(BrokerIOException.class, () -> sender.initialize(m));
    assertTrue(e.requestMayHaveBeenSent());
    assertEquals(List.of(), sender.findInitialized(m, before), "the fake dropped it before creating anything");
    UUID id = sender.initialize(m);
    assertEquals(List.of(id), sender.findInitialized(m, before).stream().map(FileTransferOverview::fileTransferId)
        .toList());
  }

  @Test
  void stalledResponseHitsReadTimeoutAndIsRetried() throws Exception {
    UUID id = sender.initialize(meta("v.bin").build());
    try (BrokerClient impatient = env.broker(env.sender(), Role.SENDER).readTimeout(Duration.ofMillis(300))
        .retryPolicy(RetryPolicy.builder().maxRetries(1).initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO)
            .build()).build()) {
      fake.failNext("GET", "/broker/api/v1/filetransfer/" + id, FakeAltinn.Failure.delay(Duration.ofSeconds(1)));
      assertEquals(id, impatient.getOverview(id).fileTransferId());
    }
  }

  @Test
  void purgeRaisesNeverConfirmedEvents() throws Exception {
    FileTransferOverview sent = sender.send(meta("p.bin").build(), file("p.bin", 10),
        SendOptions.builder().awaitPublished(Duration.ofSeconds(30)).build());
    fake.purge(sent.fileTransferId());
    assertEquals(FileTransferStatus.PURGED, sender.getOverview(sent.fileTransferId()).fileTransferStatus());
    List<String> tail = fake.raisedEvents().stream()
        .map(e -> e.get("type") + "/" + ((Map<?, ?>) e.get("data")).get("Role"))
        .toList();
    assertTrue(tail.containsAll(List.of("no.altinn.broker.filepurged/Sender",
        "no.altinn.broker.fileneverconfirmeddownloaded/Recipient",
        "no.altinn.broker.fileneverconfirmeddownloaded/Sender")), tail.toString());
  }

  @Test
  void statisticsCountTransfers() throws Exception {
    sender.send(meta("x.bin").build(), file("x.bin", 10));
    try (BrokerClient owner = env.broker(env.serviceOwner(), Role.SERVICE_OWNER).build();
        InputStream csv = owner.serviceOwner()
            .openMonthlyStatistics(MonthlyStatisticsRequest.builder(YearMonth.now()).build())) {
      List<String> lines = new String(csv.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertEquals(2, lines.size(), lines.toString());
      assertTrue(lines.get(1).contains(env.senderOrg().digits() + "," + env.recipientOrg().digits() + ",1,1,0,0"),
          lines.get(1));
    }
  }

  @Test
  void eventsRejectSourceFilterUnlessLegacyDocs() {
    // As the older docs said: the Broker source of the environment (https on a real platform).
    List<SubscriptionRequest> withSource = EventSubscriptions.builder().environment(AltinnEnvironment.TT02)
        .resourceId(env.resourceId()).subject(env.recipientOrg()).endpoint("https://receiver.example/events")
        .types("no.altinn.broker.published").sendSourceFilter().build();
    assertEquals("https://platform.tt02.altinn.no/broker/api/v1/filetransfer", withSource.get(0).sourceFilter());
    try (EventsClient events = env.events(env.recipient())) {
      BrokerApiException e = assertThrows(BrokerApiException.class, () -> events.create(withSource.get(0)));
      assertEquals(400, e.statusCode());
      assertEquals("Source filter is not supported for subscriptions on this resource.", e.detail());
      fake.legacyEventsDocs(true);
      Subscription s = events.create(withSource.get(0));
      assertEquals(withSource.get(0).sourceFilter(), s.sourceFilter());
    }
  }

  @Test
  void subscribingWithoutSubjectIsDeniedUnlessServiceOwner() {
    SubscriptionRequest noSubject = EventSubscriptions.builder().platformUrl(fake.platformUrl())
        .resourceId(env.resourceId()).asServiceOwner().endpoint("https://receiver.example/events").allTypes().build()
        .get(0);
    try (EventsClient asRecipient = env.events(env.recipient());
        EventsClient asOwner = env.events(env.serviceOwner())) {
      assertEquals(403, assertThrows(BrokerApiException.class, () -> asRecipient.create(noSubject)).statusCode());
      assertEquals(noSubject.resourceFilter(), asOwner.create(noSubject).resourceFilter());
    }
  }

  @Test
  void rawMaskinportenTokenIsRejectedByEvents() {
    try (EventsClient raw = EventsClient.builder().platformUrl(fake.platformUrl())
        .accessTokenProvider(env.recipient()).build()) {
      assertEquals(401, assertThrows(BrokerApiException.class, raw::list).statusCode());
    }
  }

  @Test
  void webhookIsValidatedAndFailedDeliveriesAreRedelivered() throws Exception {
    fake.webhookRetryDelays(Duration.ofMillis(50), Duration.ofMillis(50));
    AtomicInteger calls = new AtomicInteger();
    List<BrokerEvent> got = Collections.synchronizedList(new ArrayList<>());
    WebhookHandler handler = WebhookHandler.builder().secret("webhook-secret-0123456789").listener(e -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("first delivery fails");
      }
      got.add(e);
    }).build();
    var server = WebhookServer.start(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
        "/hook", handler);
    try (EventsClient events = env.events(env.recipient())) {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
      var result = events.ensure(EventSubscriptions.builder().platformUrl(fake.platformUrl())
          .resourceId(env.resourceId()).subject(env.recipientOrg()).endpoint(url)
          .webhookSecret("webhook-secret-0123456789").recipientEvents().build(), false);
      int id = result.entries().get(0).subscription().id();
      for (int i = 0; i < 100 && !events.get(id).validated(); i++) {
        Thread.sleep(20);
      }
      assertTrue(events.get(id).validated());
      FileTransferOverview sent = sender.send(meta("w.bin").build(), file("w.bin", 10),
          SendOptions.builder().awaitPublished(Duration.ofSeconds(30)).build());
      for (int i = 0; i < 200 && got.isEmpty(); i++) {
        Thread.sleep(20);
      }
      assertEquals(1, got.size());
      assertEquals(sent.fileTransferId(), got.get(0).fileTransferId());
      List<Integer> statuses = fake.deliveries().stream().filter(d -> "no.altinn.broker.published".equals(d.type()))
          .map(FakeAltinn.Delivery::status).toList();
      assertEquals(List.of(500, 200), statuses);
      assertTrue(fake.deliveries().get(fake.deliveries().size() - 1).body().startsWith(
          "{\"specversion\":\"1.0\",\"id\":\""), "Altinn's attribute order");
    } finally {
      server.close();
    }
  }

  @Test
  void brokerAnswersRawProtocolRulesFaithfully() throws Exception {
    OkHttpClient http = new OkHttpClient();
    String base = fake.platformUrl() + "/broker/api/v1/filetransfer";
    String token = env.sender().forBroker().accessToken(AltinnScopes.SENDER);
    try (Response r = http.newCall(new Request.Builder().url(base + "/" + UUID.randomUUID()).build()).execute()) {
      assertEquals(401, r.code());
      assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"));
    }
    try (Response r = http.newCall(new Request.Builder().url(base + "/" + UUID.randomUUID())
        .header("Authorization", "Bearer " + token).header("Accept", "text/html").build()).execute()) {
      assertEquals(406, r.code());
      assertTrue(r.header("Content-Type").startsWith("text/plain"));
    }
    try (Maskinporten reader = FakeSetup.maskinporten(fake, "reader", env.recipientOrg().digits(),
        AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_READ);
        Response r = http.newCall(new Request.Builder().url(base)
            .header("Authorization", "Bearer " + reader.forBroker().accessToken(AltinnScopes.RECIPIENT))
            .post(RequestBody.create("{}", MediaType.get("application/json"))).build()).execute()) {
      assertEquals(403, r.code(), "a token without altinn:broker.write");
      assertEquals(0, r.body().bytes().length);
    }
    try (Response r = http.newCall(new Request.Builder().url(base + "/not-a-guid")
        .header("Authorization", "Bearer " + token).build()).execute()) {
      assertEquals(400, r.code());
    }
    http.dispatcher().executorService().shutdown();
  }

  @Test
  void rangeRequestsAnswer206And416() throws Exception {
    FileTransferOverview sent = sender.send(meta("g.bin").build(), file("g.bin", 1000),
        SendOptions.builder().awaitPublished(Duration.ofSeconds(30)).build());
    OkHttpClient http = new OkHttpClient();
    String url = fake.platformUrl() + "/broker/api/v1/filetransfer/" + sent.fileTransferId() + "/download";
    String token = env.recipient().forBroker().accessToken(AltinnScopes.RECIPIENT);
    try (Response r = http.newCall(new Request.Builder().url(url).header("Authorization", "Bearer " + token)
        .header("Range", "bytes=990-").build()).execute()) {
      assertEquals(206, r.code());
      assertEquals("bytes 990-999/1000", r.header("Content-Range"));
      assertEquals(10, r.body().bytes().length);
    }
    try (Response r = http.newCall(new Request.Builder().url(url).header("Authorization", "Bearer " + token)
        .header("Range", "bytes=1000-").build()).execute()) {
      assertEquals(416, r.code());
      assertTrue(r.body().string().contains("BRO-00029"));
    }
    http.dispatcher().executorService().shutdown();
  }
}
