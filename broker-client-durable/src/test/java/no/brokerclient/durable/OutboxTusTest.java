package no.brokerclient.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import no.brokerclient.BrokerClient;
import no.brokerclient.UploadMode;
import no.brokerclient.internal.Hex;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.testkit.FakeAltinn;
import no.brokerclient.testkit.FakeBrokerTus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The outbox with TUS on real databases: an upload that one instance leaves half done is finished by another from
 * the checkpoint in the database (same transfer, only the missing bytes); an upload Broker expired is abandoned for
 * one new transfer; the configured upload mode is kept. Files of 3 MiB in chunks of 256 KiB.
 */
class OutboxTusTest extends WithFakeAltinn {
  static final int SIZE = 3 << 20;
  static final int PARTS = 2;

  private Outbox outbox(BrokerClient client, DurableStore store, String instance, StepHook hook) {
    return Outbox.builder().client(client).store(store).instanceId(instance).concurrency(1)
        .pollInterval(Duration.ofMillis(100)).backoff(Duration.ofSeconds(2), Duration.ofSeconds(2))
        .shutdownTimeout(Duration.ofMillis(300)).hook(hook).build();
  }

  /** Replica A: its upload stops halfway (the hook throws; the SDK closes the PATCH connection mid-body). */
  private OutboxEntry halfSentByReplicaA(JdbcDurableStore store, Path file) throws Exception {
    OutboxEntry s;
    try (BrokerClient a = altinn.tusSender(PARTS, store.uploadCheckpoints());
        Outbox outbox = outbox(a, store, "replica-a", (step, id) -> {
          if (step == Outbox.Step.UPLOADING) {
            throw new IllegalStateException("replica A stops here");
          }
        }).start()) {
      s = outbox.submit(TestAltinn.request("big.bin"), file);
      await("replica A's attempt recorded", Duration.ofSeconds(30), () -> {
        OutboxEntry e = outbox.status(s.submissionId()).orElseThrow();
        return e.attempts() == 1 && e.claim() == null;
      });
    } // replica A and its client are gone before B starts
    OutboxEntry left = store.outboxEntry(s.submissionId()).orElseThrow();
    assertEquals(OutboxState.INITIALIZED, left.state());
    assertEquals("UploadStarted", altinn.fake.status(left.fileTransferId()));
    assertEquals(1, checkpointRows(store), "replica A's checkpoint is in the database");
    return left;
  }

  /** Replica B: its own store object, client and outbox on A's database; runs until the submission is final. */
  private OutboxEntry replicaBFinishes(JdbcDurableStore a, OutboxEntry left, StepHook hook) throws Exception {
    JdbcDurableStore storeB = JdbcDurableStore.builder(a.dataSource()).tablePrefix(a.tablePrefix()).build();
    try (BrokerClient b = altinn.tusSender(PARTS, storeB.uploadCheckpoints());
        Outbox outbox = outbox(b, storeB, "replica-b", hook).start()) {
      return outbox.await(left.submissionId(), Duration.ofSeconds(60));
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void anotherReplicaResumesAHalfSentTusUploadWithoutInitializingAgain(Databases.Engine engine) throws Exception {
    JdbcDurableStore store = closeLater(engine.store(dir));
    Path file = TestAltinn.file(dir, "big.bin", SIZE);
    OutboxEntry left = halfSentByReplicaA(store, file);
    UUID id = left.fileTransferId();
    long sentByA = altinn.fake.tus().bytesReceived(id);

    OutboxEntry done = replicaBFinishes(store, left, StepHook.NONE);
    assertEquals(OutboxState.PUBLISHED, done.state(), String.valueOf(done.lastError()));
    assertEquals(id, done.fileTransferId(), "the same transfer, resumed");
    assertEquals(2, done.claims(), "claimed by A, then by B");
    assertEquals(1, initializeCalls(), "exactly one initialize");
    assertEquals(PARTS + 1, tusPosts(id), "the parts were created once (then one final POST), never again");
    long received = altinn.fake.tus().bytesReceived(id);
    assertTrue(received <= SIZE + PARTS * TestAltinn.TUS_CHUNK, "re-sent at most one chunk per part: " + received
        + " bytes received for " + SIZE);
    assertTrue(received - sentByA < SIZE, "B sent only what Broker lacked: " + (received - sentByA));
    try (BrokerClient c = altinn.sender()) {
      assertEquals(Hex.md5(file), c.getOverview(id).checksum(), "the whole file arrived");
    }
    assertEquals(0, checkpointRows(store), "the checkpoint row is gone after the upload");
    assertEquals(List.of(), tusFilesBeside(), "no checkpoint file beside the source");
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void anExpiredTusUploadIsAbandonedForOneNewTransfer(Databases.Engine engine) throws Exception {
    JdbcDurableStore store = closeLater(engine.store(dir));
    Path file = TestAltinn.file(dir, "big.bin", SIZE);
    OutboxEntry left = halfSentByReplicaA(store, file);
    FakeBrokerTus tus = altinn.fake.tus();
    tus.expiry(Duration.ZERO); // Broker's 24 h without PATCH or HEAD have passed: HEAD answers 404

    OutboxEntry done = replicaBFinishes(store, left, (step, id) -> {
      if (step == Outbox.Step.INITIALIZED) {
        tus.expiry(Duration.ofHours(24)); // the new transfer's upload does not expire
      }
    });
    assertEquals(OutboxState.PUBLISHED, done.state(), String.valueOf(done.lastError()));
    assertNotEquals(left.fileTransferId(), done.fileTransferId(), "a new transfer");
    assertEquals(2, initializeCalls(), "one new initialize after the expiry, no more");
    assertEquals("UploadStarted", altinn.fake.status(left.fileTransferId()),
        "the abandoned transfer is never published (Broker fails it after 24 h idle)");
    assertEquals(2, done.attempts(), "A's failed attempt and the abandoned transfer");
    try (BrokerClient c = altinn.sender()) {
      FileTransferOverview o = c.getOverview(done.fileTransferId());
      assertEquals(Hex.md5(file), o.checksum());
      List<FileTransferOverview> all = c.findInitialized(left.request(), left.created().minusSeconds(60));
      assertTrue(all.stream().noneMatch(t -> t.fileTransferStatus().value().equals("Initialized")),
          "no orphan left in Initialized: " + all);
    }
    assertEquals(0, checkpointRows(store), "the abandoned transfer's checkpoint and the new one's are gone");
  }

  @Test
  void theUploadModeIsKeptForLargeFiles() throws Exception {
    JdbcDurableStore store = Databases.postgresStore();
    Path file = TestAltinn.file(dir, "big.bin", SIZE);
    OutboxEntry done;
    try (BrokerClient client = altinn.tusSender(PARTS, store.uploadCheckpoints());
        Outbox outbox = Outbox.builder().client(client).store(store).uploadMode(UploadMode.STREAM)
            .pollInterval(Duration.ofMillis(100)).build().start()) {
      done = outbox.await(outbox.submit(TestAltinn.request("big.bin"), file).submissionId(), Duration.ofSeconds(30));
    }
    assertEquals(OutboxState.PUBLISHED, done.state(), String.valueOf(done.lastError()));
    assertEquals(0, altinn.fake.calls().stream().filter(c -> c.path().startsWith(FakeBrokerTus.PATH)).count(),
        "STREAM: no TUS request although the file is above the threshold");
    assertEquals(1, altinn.fake.calls().stream().filter(c -> c.method().equals("POST")
        && c.path().equals("/broker/api/v1/filetransfer/" + done.fileTransferId() + "/upload")).count());
  }

  private long initializeCalls() {
    return altinn.fake.calls().stream()
        .filter(c -> c.method().equals("POST") && c.path().equals("/broker/api/v1/filetransfer")).count();
  }

  private long tusPosts(UUID id) {
    List<FakeAltinn.Call> calls = altinn.fake.calls();
    return calls.stream().filter(c -> c.method().equals("POST") && c.path().equals(FakeBrokerTus.PATH + id)).count();
  }

  static int checkpointRows(JdbcDurableStore store) throws Exception {
    return Integer.parseInt(StoreContractTest.column(store, "SELECT COUNT(*) FROM " + store.tablePrefix()
        + "upload_checkpoint").get(0));
  }

  private List<Path> tusFilesBeside() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tus.json")).toList();
    }
  }
}
