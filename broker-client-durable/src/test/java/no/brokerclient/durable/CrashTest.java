package no.brokerclient.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import no.brokerclient.BrokerClient;
import no.brokerclient.internal.Hex;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash tests: a child JVM runs the inbox or outbox on embedded PostgreSQL and is killed with {@code
 * destroyForcibly} at a chosen point; then a fresh instance in this JVM, on the same database, finishes the work.
 * Nothing may be lost, no transfer confirmed twice, no transfer initialized twice.
 */
@Tag("slow")
class CrashTest {
  @TempDir Path dir;
  TestAltinn altinn;
  JdbcDurableStore store;
  String jdbcUrl;
  String prefix;

  @BeforeEach
  void start() throws Exception {
    altinn = TestAltinn.start();
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    altinn.close();
  }

  /** PostgreSQL is shared with the child; the H2 file is opened here only once the child is dead. */
  private void database(Databases.Engine engine) {
    if (engine == Databases.Engine.POSTGRESQL) {
      store = Databases.postgresStore();
      store.initialize();
      jdbcUrl = Databases.postgresUrl();
      prefix = store.tablePrefix();
    } else {
      jdbcUrl = JdbcDurableStore.h2Url(dir.resolve("crash-h2"));
      prefix = JdbcDurableStore.DEFAULT_PREFIX;
    }
  }

  private JdbcDurableStore storeAfterKill() {
    if (store == null) {
      store = JdbcDurableStore.h2(dir.resolve("crash-h2"));
    }
    return store;
  }

  private Child child(String mode, String point, String clientId, String jwk, String extra) throws Exception {
    Path key = Files.writeString(dir.resolve(clientId + ".jwk"), jwk);
    return new Child(dir.resolve("child-" + point + ".log"), mode, point, altinn.fake.platformUrl(),
        altinn.fake.maskinportenIssuer(), clientId, key.toString(), jdbcUrl, prefix,
        dir.resolve("child-inbox").toString(), extra);
  }

  @ParameterizedTest(name = "inbox on {0} killed {1}")
  @CsvSource({
      // engine,  point,            state left behind, handler runs in the fresh instance
      "POSTGRESQL, downloading,      DISCOVERED,        1",
      "POSTGRESQL, after-downloaded, DOWNLOADED,        1",
      "POSTGRESQL, in-handler,       DOWNLOADED,        1",
      "POSTGRESQL, after-handled,    HANDLED,           0",
      "POSTGRESQL, after-confirmed,  HANDLED,           0",
      "H2,         in-handler,       DOWNLOADED,        1",
      "H2,         after-confirmed,  HANDLED,           0"})
  void inboxKilledThenAFreshInstanceFinishes(Databases.Engine engine, String point, InboxState left, int handlerRuns)
      throws Exception {
    database(engine);
    UUID id = altinn.publish(dir, 1, 1_000_000).get(0);
    try (Child child = child("inbox", point, "recipient-system", altinn.recipientJwk, id.toString())) {
      child.await("STARTED", 60);
      assertEquals(id.toString(), child.await("CRASHPOINT", 60));
      child.kill();
    }
    JdbcDurableStore store = storeAfterKill();
    InboxEntry crashed = store.inboxEntry(id).orElseThrow();
    assertEquals(left, crashed.state());
    assertNotNull(crashed.claim(), "the dead instance's claim is left until its lease runs out");
    assertEquals("child", crashed.claim().owner());
    long kept = point.equals("downloading") ? keptPartial(id, 1_000_000) : -1;

    AtomicInteger runs = new AtomicInteger();
    AtomicReference<String> md5 = new AtomicReference<>();
    AtomicReference<String> handedMd5 = new AtomicReference<>();
    try (BrokerClient client = altinn.recipient();
        Inbox fresh = Inbox.builder().client(client).store(store).organization(TestAltinn.RECIPIENT_ORG)
            .directory(dir.resolve("child-inbox")).instanceId("fresh").lease(CrashChild.LEASE)
            .pollInterval(Duration.ofMillis(100)).backoff(Duration.ofMillis(50), Duration.ofMillis(200))
            .handler(f -> {
              runs.incrementAndGet();
              md5.set(f.md5());
              handedMd5.set(Hex.md5(f.path()));
            }).build().start()) {
      WithFakeAltinn.await("confirmed", Duration.ofSeconds(60),
          () -> fresh.entry(id).orElseThrow().state() == InboxState.CONFIRMED);
    }
    InboxEntry done = store.inboxEntry(id).orElseThrow();
    assertEquals(2, done.claims(), "claimed by the child, then by the fresh instance");
    assertEquals(0, done.attempts(), "a crash is not a failed attempt");
    assertEquals(handlerRuns, runs.get());
    assertEquals(1, altinn.confirmCalls(id), "confirmed exactly once");
    assertEquals("AllConfirmedDownloaded", altinn.fake.status(id));
    if (handlerRuns == 1) {
      try (BrokerClient c = altinn.recipient()) {
        assertEquals(c.getOverview(id).checksum(), md5.get(), "the fresh instance handed over the whole file");
      }
      assertEquals(Hex.md5(dir.resolve("f0.bin")), handedMd5.get(), "the file the handler got is the one sent");
    }
    if (kept >= 0) {
      List<FakeAltinn.Call> downloads = altinn.fake.calls().stream()
          .filter(c -> c.method().equals("GET") && c.path().equals("/broker/api/v1/filetransfer/" + id + "/download"))
          .toList();
      assertEquals(2, downloads.size(), "the child's download and one resumed download: " + downloads);
      assertNull(downloads.get(0).range(), "the child started from byte 0");
      assertEquals("bytes=" + kept + "-", downloads.get(1).range(), "the fresh instance resumed the partial file");
      assertEquals(206, downloads.get(1).status());
      try (Stream<Path> files = Files.list(dir.resolve("child-inbox"))) {
        assertEquals(List.of(), files.toList(), "no partial or downloaded file left after the confirm");
      }
    }
  }

  /** @return the length of the one partial file the killed child left for {@code id}, checked to be a real part */
  private long keptPartial(UUID id, long size) throws Exception {
    List<Path> partials;
    try (Stream<Path> files = Files.list(dir.resolve("child-inbox"))) {
      partials = files.filter(f -> f.getFileName().toString().startsWith("." + id + ".bin.")
          && f.getFileName().toString().endsWith(".part")).toList();
    }
    assertEquals(1, partials.size(), "the killed child left one partial file: " + partials);
    long kept = Files.size(partials.get(0));
    assertTrue(kept > 0 && kept < size, "a partial file of " + kept + " of " + size + " bytes");
    return kept;
  }

  @ParameterizedTest(name = "outbox on {0} killed {1}")
  @CsvSource({
      // engine,   point,             state left behind, initialize calls in all
      "POSTGRESQL, after-initialized, INITIALIZING,      1",
      "POSTGRESQL, uploading,         INITIALIZED,       2",
      "POSTGRESQL, after-uploaded,    UPLOADED,          1",
      "H2,         after-initialized, INITIALIZING,      1"})
  void outboxKilledThenAFreshInstanceFinishes(Databases.Engine engine, String point, OutboxState left,
      int initializeCalls) throws Exception {
    database(engine);
    Path file = TestAltinn.file(dir, "crash.bin", 2_000_000);
    UUID submission;
    try (Child child = child("outbox", point, "sender-system", altinn.senderJwk, file.toString())) {
      submission = UUID.fromString(child.await("SUBMITTED", 60));
      assertEquals(submission.toString(), child.await("CRASHPOINT", 60));
      child.kill();
    }
    JdbcDurableStore store = storeAfterKill();
    OutboxEntry crashed = store.outboxEntry(submission).orElseThrow();
    assertEquals(left, crashed.state());
    assertEquals("child", crashed.claim().owner());

    OutboxEntry done;
    try (BrokerClient client = altinn.sender();
        Outbox fresh = Outbox.builder().client(client).store(store).instanceId("fresh").lease(CrashChild.LEASE)
            .pollInterval(Duration.ofMillis(100)).backoff(Duration.ofMillis(100), Duration.ofMillis(500))
            .build().start()) {
      done = fresh.await(submission, Duration.ofSeconds(60));
    }
    assertEquals(OutboxState.PUBLISHED, done.state(), String.valueOf(done.lastError()));
    long initializes = altinn.fake.calls().stream()
        .filter(c -> c.method().equals("POST") && c.path().equals("/broker/api/v1/filetransfer")).count();
    assertEquals(initializeCalls, initializes);
    assertEquals("Published", altinn.fake.status(done.fileTransferId()));
    try (BrokerClient c = altinn.sender()) {
      FileTransferOverview o = c.getOverview(done.fileTransferId());
      assertEquals(crashed.request().sendersFileTransferReference(), o.sendersFileTransferReference());
      assertEquals(crashed.request().checksum(), o.checksum(), "the whole file arrived");
      List<FileTransferOverview> all = c.findInitialized(crashed.request(), crashed.created().minusSeconds(60));
      assertEquals(initializeCalls, all.size(), "transfers with the submission's reference: " + all);
      assertTrue(all.stream().noneMatch(t -> t.fileTransferStatus().value().equals("Initialized")),
          "no orphan left in Initialized: " + all);
    }
  }

  @ParameterizedTest(name = "outbox on {0} killed mid-TUS upload")
  @EnumSource(Databases.Engine.class)
  void outboxKilledMidTusUploadIsResumedByAFreshInstance(Databases.Engine engine) throws Exception {
    database(engine);
    int size = OutboxTusTest.SIZE;
    Path file = TestAltinn.file(dir, "crash.bin", size);
    UUID submission;
    try (Child child = child("outbox-tus", "uploading", "sender-system", altinn.senderJwk, file.toString())) {
      submission = UUID.fromString(child.await("SUBMITTED", 60));
      assertEquals(submission.toString(), child.await("CRASHPOINT", 60));
      child.kill(); // halfway through the file, a PATCH in flight
    }
    JdbcDurableStore store = storeAfterKill();
    OutboxEntry crashed = store.outboxEntry(submission).orElseThrow();
    assertEquals(OutboxState.INITIALIZED, crashed.state());
    UUID id = crashed.fileTransferId();
    assertEquals("UploadStarted", altinn.fake.status(id));
    assertEquals(1, OutboxTusTest.checkpointRows(store), "the child's checkpoint is in the database");
    long sentByChild = altinn.fake.tus().bytesReceived(id);

    OutboxEntry done;
    try (BrokerClient client = altinn.tusSender(CrashChild.TUS_PARTS, store.uploadCheckpoints());
        Outbox fresh = Outbox.builder().client(client).store(store).instanceId("fresh").lease(CrashChild.LEASE)
            .pollInterval(Duration.ofMillis(100)).backoff(Duration.ofMillis(100), Duration.ofMillis(500))
            .build().start()) {
      done = fresh.await(submission, Duration.ofSeconds(60));
    }
    assertEquals(OutboxState.PUBLISHED, done.state(), String.valueOf(done.lastError()));
    assertEquals(id, done.fileTransferId(), "the child's transfer, resumed");
    assertEquals(0, done.attempts(), "a crash is not a failed attempt");
    long initializes = altinn.fake.calls().stream()
        .filter(c -> c.method().equals("POST") && c.path().equals("/broker/api/v1/filetransfer")).count();
    assertEquals(1, initializes, "exactly one initialize");
    long received = altinn.fake.tus().bytesReceived(id);
    assertTrue(received <= size + CrashChild.TUS_PARTS * TestAltinn.TUS_CHUNK, "re-sent at most one chunk per"
        + " part: " + received + " bytes received for " + size);
    assertTrue(received - sentByChild < size, "the fresh instance sent only what Broker lacked");
    try (BrokerClient c = altinn.sender()) {
      assertEquals(Hex.md5(file), c.getOverview(id).checksum(), "the whole file arrived");
    }
    assertEquals(0, OutboxTusTest.checkpointRows(store), "the checkpoint row is gone after the upload");
  }
}
