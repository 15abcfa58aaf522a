package no.brokerclient.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import no.brokerclient.BrokerClient;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.events.BrokerEvent;
import no.brokerclient.events.EventRole;
import no.brokerclient.events.EventType;
import no.brokerclient.model.FileTransferInitialize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The outbox against FakeAltinn on real databases: sending, idempotent submits, failures, events. */
class OutboxTest extends WithFakeAltinn {
  Outbox outbox(DurableStore store) {
    BrokerClient client = closeLater(altinn.sender());
    return closeLater(Outbox.builder().client(client).store(store).concurrency(2).pollInterval(Duration.ofMillis(100))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).shutdownTimeout(Duration.ofMillis(300)).build());
  }

  long initializeCalls() {
    return altinn.fake.calls().stream()
        .filter(c -> c.method().equals("POST") && c.path().equals("/broker/api/v1/filetransfer")).count();
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void submissionsArePublishedOnceEach(Databases.Engine engine) throws Exception {
    JdbcDurableStore store = closeLater(engine.store(dir));
    Outbox outbox = outbox(store).start();
    List<OutboxEntry> submitted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      submitted.add(outbox.submit(TestAltinn.request("s" + i + ".bin"), TestAltinn.file(dir, "s" + i + ".bin",
          10_000 + i)));
    }
    for (OutboxEntry s : submitted) {
      OutboxEntry done = outbox.await(s.submissionId(), Duration.ofSeconds(30));
      assertEquals(OutboxState.PUBLISHED, done.state());
      assertEquals("Published", done.brokerStatus());
      assertEquals(0, done.attempts());
      assertEquals("Published", altinn.fake.status(done.fileTransferId()));
      assertNull(done.claim());
    }
    assertEquals(5, initializeCalls());
  }

  @Test
  void twoInstancesShareSubmissionsAndInitializeEachOnce() throws Exception {
    JdbcDurableStore store = Databases.postgresStore();
    Outbox a = outbox(store).start();
    Outbox b = outbox(store).start();
    List<OutboxEntry> submitted = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Outbox via = i % 2 == 0 ? a : b;
      submitted.add(via.submit(TestAltinn.request("m" + i + ".bin"), TestAltinn.file(dir, "m" + i + ".bin", 2_000)));
    }
    Set<UUID> transfers = new HashSet<>();
    for (OutboxEntry s : submitted) {
      OutboxEntry done = a.await(s.submissionId(), Duration.ofSeconds(60));
      assertEquals(OutboxState.PUBLISHED, done.state());
      transfers.add(done.fileTransferId());
    }
    assertEquals(20, transfers.size());
    assertEquals(20, initializeCalls(), "one initialize per submission across both instances");
  }

  @Test
  void submittingTheSameRequestAgainReturnsTheFirstSubmission() throws Exception {
    JdbcDurableStore store = Databases.postgresStore();
    Outbox outbox = outbox(store).start();
    FileTransferInitialize request = TestAltinn.request("same.bin");
    Path file = TestAltinn.file(dir, "same.bin", 5_000);
    OutboxEntry first = outbox.submit(request, file);
    OutboxEntry again = outbox.submit(request, file);
    assertEquals(first.submissionId(), again.submissionId());
    assertEquals(OutboxState.PUBLISHED, outbox.await(first.submissionId(), Duration.ofSeconds(30)).state());
    assertEquals(OutboxState.PUBLISHED, outbox.submit(request, file).state(), "a resubmit after the fact");
    assertEquals(1, initializeCalls());
  }

  @Test
  void malwareFailsTheSubmissionForGood() throws Exception {
    JdbcDurableStore store = closeLater(Databases.h2Store(dir));
    Outbox outbox = outbox(store).start();
    altinn.fake.markNextUploadMalicious();
    OutboxEntry s = outbox.submit(TestAltinn.request("bad.bin"), TestAltinn.file(dir, "bad.bin", 1_000));
    OutboxEntry done = outbox.await(s.submissionId(), Duration.ofSeconds(30));
    assertEquals(OutboxState.FAILED, done.state());
    assertEquals("Failed", done.brokerStatus());
    assertTrue(done.lastError().contains("Malware"), done.lastError());
    assertEquals(1, initializeCalls(), "a failed scan is not retried with a new transfer");
  }

  @Test
  void aChecksumThatDoesNotMatchIsRejectedBeforeAnythingIsRecordedOrSent() throws Exception {
    JdbcDurableStore store = Databases.postgresStore();
    Outbox outbox = outbox(store).start();
    FileTransferInitialize wrong = TestAltinn.request("x.bin").toBuilder()
        .checksum("00000000000000000000000000000000").build();
    assertThrows(BrokerValidationException.class, () -> outbox.submit(wrong, TestAltinn.file(dir, "x.bin", 100)));
    assertThrows(BrokerValidationException.class, () -> outbox.submit(TestAltinn.request("y.bin"), dir.resolve("no")));
    assertTrue(store.outboxEntries(OutboxState.RECORDED, 10).isEmpty());
    assertEquals(0, altinn.fake.calls().stream().filter(c -> c.path().startsWith("/broker")).count());
  }

  @Test
  void senderEventsMoveUploadedSubmissions() throws Exception {
    JdbcDurableStore store = Databases.postgresStore();
    altinn.fake.virusScanDelay(Duration.ofSeconds(3));
    Outbox outbox = outbox(store).start();
    OutboxEntry s = outbox.submit(TestAltinn.request("e.bin"), TestAltinn.file(dir, "e.bin", 1_000));
    await("uploaded", Duration.ofSeconds(30),
        () -> outbox.status(s.submissionId()).orElseThrow().state() == OutboxState.UPLOADED);
    OutboxEntry uploaded = outbox.status(s.submissionId()).orElseThrow();
    assertNotNull(uploaded.claim(), "a worker waits for the scan");
    outbox.listener().onEvent(event(EventType.PUBLISHED, uploaded, EventRole.RECIPIENT)); // not the sender's: ignored
    assertEquals(OutboxState.UPLOADED, outbox.status(s.submissionId()).orElseThrow().state());
    outbox.listener().onEvent(event(EventType.PUBLISHED, uploaded, EventRole.SENDER));
    OutboxEntry published = outbox.status(s.submissionId()).orElseThrow();
    assertEquals(OutboxState.PUBLISHED, published.state());
    assertNull(published.claim(), "the event ends the worker's claim");
    outbox.listener().onEvent(event(EventType.ALL_CONFIRMED_DOWNLOADED, uploaded, EventRole.SENDER));
    assertNotNull(outbox.status(s.submissionId()).orElseThrow().allConfirmedAt());
  }

  private static BrokerEvent event(EventType type, OutboxEntry e, EventRole role) {
    return new BrokerEvent("id-" + type.value(), "test", type, null, null, null, TestAltinn.RESOURCE,
        e.fileTransferId(), role, BrokerEvent.Origin.WEBHOOK);
  }
}
