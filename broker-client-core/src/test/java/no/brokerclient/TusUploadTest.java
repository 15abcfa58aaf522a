package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import no.brokerclient.internal.Hex;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.UploadResult;
import no.brokerclient.testing.CapturedLogs;
import no.brokerclient.testing.FakeParties;
import no.brokerclient.testing.FakeSetup;
import no.brokerclient.testing.MutableClock;
import no.brokerclient.testing.Threads;
import no.brokerclient.testkit.FakeAltinn;
import no.brokerclient.testkit.FakeAltinn.Failure;
import no.brokerclient.testkit.FakeBrokerTus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's TUS upload against FakeAltinn's Broker TUS, with its quirks and failure knobs. */
class TusUploadTest {
  static final String SENDER = FakeParties.SENDER;
  static final String RECIPIENT = FakeParties.RECIPIENT;
  static final int CHUNK = 64 * 1024;
  static final int SIZE = 16 * CHUNK + 1234;

  @TempDir Path dir;
  FakeAltinn fake;
  FakeParties parties;
  BrokerClient sender;
  BrokerClient recipient;
  Path file;
  String md5;

  @BeforeEach
  void start() throws Exception {
    fake = FakeAltinn.start();
    fake.virusScanDelay(Duration.ofMillis(20));
    fake.tus().finalizeDelay(Duration.ofMillis(20));
    parties = new FakeParties(fake, "tus");
    RetryPolicy fast = FakeSetup.fastRetries(Duration.ofMillis(100), Duration.ofSeconds(1));
    sender = parties.sender().retryPolicy(fast).tusChunkSize(CHUNK).tusThreshold(CHUNK).build();
    recipient = parties.recipient().build();
    byte[] b = new byte[SIZE];
    new Random(7).nextBytes(b);
    file = Files.write(dir.resolve("big.bin"), b);
    md5 = Hex.md5(file);
  }

  @AfterEach
  void stop() {
    sender.close();
    recipient.close();
    parties.close();
    fake.close();
  }

  FileTransferInitialize.Builder meta() {
    return FileTransferInitialize.builder().resourceId("tus-resource").fileName("big.bin")
        .sender(OrganizationNumber.of(SENDER)).recipient(OrganizationNumber.of(RECIPIENT));
  }

  long patches() {
    return fake.calls().stream().filter(c -> c.method().equals("PATCH")).count();
  }

  boolean streamed() {
    return fake.calls().stream().anyMatch(c -> c.method().equals("POST") && c.path().endsWith("/upload"));
  }

  void assertDownloadMatches(UUID id) {
    Path target = dir.resolve("down-" + id);
    DownloadResult d = recipient.download(id, target);
    assertTrue(d.checksumVerified());
    assertEquals(md5, d.md5());
    assertEquals(SIZE, d.size());
  }

  @Test
  void sequentialTusGoesInChunksAndPublishes() {
    List<Long> seen = new CopyOnWriteArrayList<>();
    FileTransferOverview o = sender.send(meta().build(), file, SendOptions.builder()
        .awaitPublished(Duration.ofSeconds(30)).progressListener((done, total) -> seen.add(done))
        .uploadMode(UploadMode.TUS).build());
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus());
    assertEquals(17, patches(), "16 full chunks and the rest");
    assertTrue(!streamed(), "no streamed POST");
    assertEquals(SIZE, fake.tus().bytesReceived(o.fileTransferId()), "each byte sent once");
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i) > seen.get(i - 1), "progress only moves forward");
    }
    assertEquals((long) SIZE, seen.get(seen.size() - 1));
    assertDownloadMatches(o.fileTransferId());
    assertTrue(fake.calls().stream().noneMatch(c -> c.status() == 460), "never an Upload-Checksum");
  }

  @Test
  void aConnectionCutAtHalfResendsAtMostOneChunk() {
    AtomicBoolean armed = new AtomicBoolean();
    ProgressListener cutAtHalf = (done, total) -> {
      if (done >= total / 2 && armed.compareAndSet(false, true)) {
        fake.tus().cutNextPatchAfter(CHUNK / 2);
      }
    };
    FileTransferOverview o = sender.send(meta().build(), file, SendOptions.builder()
        .awaitPublished(Duration.ofSeconds(30)).progressListener(cutAtHalf).uploadMode(UploadMode.TUS).build());
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus());
    long received = fake.tus().bytesReceived(o.fileTransferId());
    assertTrue(received > SIZE, "the cut chunk was partly received: " + received);
    assertTrue(received - SIZE <= CHUNK, "re-sent " + (received - SIZE) + " bytes, more than one chunk");
    assertTrue(fake.calls().stream().anyMatch(c -> c.method().equals("HEAD")), "asked the server's offset");
    assertEquals(1, fake.calls().stream().filter(c -> c.method().equals("POST") && c.path().startsWith(
        FakeBrokerTus.PATH)).count(), "created once, never again to resume");
    assertDownloadMatches(o.fileTransferId());
  }

  @Test
  void aLostAnswerToTheLastPatchAfterWhichBrokerPublishedIsSettledByTheStatus() {
    // Broker answers HEAD with 409 once the transfer is past UploadStarted. The retry waits here until the fake has
    // published the transfer, so the HEAD always meets that 409 (under load it sometimes did, and the upload then
    // ended in UploadStalledException although the file was complete).
    fake.tus().dropNextCompletingPatchResponse();
    UUID[] id = new UUID[1];
    no.brokerclient.internal.Sleeper untilPublished = d -> {
      for (int i = 0; i < 500 && id[0] != null && !"Published".equals(fake.status(id[0])); i++) {
        Thread.sleep(10);
      }
    };
    try (BrokerClient c = parties.sender().tusChunkSize(CHUNK).tusThreshold(CHUNK).sleeper(untilPublished)
        .build()) {
      id[0] = c.initialize(meta().build());
      c.upload(id[0], file, (done, total) -> { }, UploadMode.TUS);
      assertEquals("Published", fake.status(id[0]));
      assertTrue(fake.calls().stream().anyMatch(call -> call.method().equals("HEAD") && call.status() == 409),
          "the HEAD met Broker's 409 for a finished upload");
      assertEquals(SIZE, fake.tus().bytesReceived(id[0]), "nothing re-sent");
    }
  }

  @Test
  void aLostAnswerToTheLastPatchIsSettledByHead() {
    fake.tus().dropNextCompletingPatchResponse();
    fake.tus().storeDelay(Duration.ofMillis(50));
    FileTransferOverview o = sender.send(meta().build(), file, SendOptions.builder()
        .awaitPublished(Duration.ofSeconds(30)).uploadMode(UploadMode.TUS).build());
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus());
    assertEquals(SIZE, fake.tus().bytesReceived(o.fileTransferId()), "nothing re-sent: HEAD said complete");
    assertDownloadMatches(o.fileTransferId());
  }

  @Test
  void serverErrorsAndLockedAnswersAreResumed() {
    fake.failNext("PATCH", FakeBrokerTus.PATH, Failure.status(503));
    fake.failNext("PATCH", FakeBrokerTus.PATH, Failure.status(423));
    fake.failNext("PATCH", FakeBrokerTus.PATH, Failure.status(502));
    fake.failNext("HEAD", FakeBrokerTus.PATH, Failure.status(423));
    FileTransferOverview o = sender.send(meta().build(), file, SendOptions.builder()
        .awaitPublished(Duration.ofSeconds(30)).uploadMode(UploadMode.TUS).build());
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus());
    assertDownloadMatches(o.fileTransferId());
  }

  @Test
  void aChecksumBrokerRejectsAfterTheLastChunkIsAChecksumMismatch() {
    UUID id = sender.initialize(meta().checksum("0123456789abcdef0123456789abcdef").build());
    ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
        () -> sender.upload(id, file, ProgressListener.NONE, UploadMode.TUS));
    assertEquals(id, e.fileTransferId());
    assertEquals("0123456789abcdef0123456789abcdef", e.expected());
    assertEquals(FileTransferStatus.FAILED, sender.getOverview(id).fileTransferStatus());
  }

  @Test
  void tusFinalizeTimeoutBoundsTheWaitForBrokersFinalize() {
    fake.tus().finalizeDelay(Duration.ofMinutes(30)); // Broker stays UploadStarted for the whole test
    MutableClock clock = new MutableClock();
    Instant start = clock.instant();
    try (BrokerClient impatient = sender.newBuilder().tusFinalizeTimeout(Duration.ofMinutes(5)).clock(clock)
        .sleeper(clock::advance).build()) {
      UUID id = impatient.initialize(meta().build());
      BrokerTimeoutException e = assertThrows(BrokerTimeoutException.class,
          () -> impatient.upload(id, file, ProgressListener.NONE, UploadMode.TUS));
      assertTrue(e.getMessage().contains("UploadProcessing within PT5M"), e.getMessage());
      Duration waited = Duration.between(start, clock.instant());
      assertTrue(waited.compareTo(Duration.ofMinutes(5)) >= 0 && waited.compareTo(Duration.ofMinutes(6)) < 0,
          "waited the configured 5 minutes (of the clock), not the default hour: " + waited);
      assertEquals(FileTransferStatus.UPLOAD_STARTED, impatient.getOverview(id).fileTransferStatus());
    }
    assertThrows(IllegalArgumentException.class, () -> BrokerClient.builder().tusFinalizeTimeout(Duration.ZERO));
    assertEquals(Duration.ofHours(1), BrokerClient.DEFAULT_TUS_FINALIZE_TIMEOUT);
  }

  @Test
  void aDeploymentWithoutTusGetsTheStreamedUpload() {
    fake.tus().enabled(false);
    CapturedLogs.clear();
    FileTransferOverview o = sender.send(meta().build(), file, SendOptions.builder()
        .awaitPublished(Duration.ofSeconds(30)).uploadMode(UploadMode.TUS).build());
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus());
    assertTrue(streamed());
    assertEquals(0, patches());
    assertTrue(CapturedLogs.lines().stream().anyMatch(l -> l.startsWith("INFO") && l.contains("no TUS")),
        "said so at INFO");
    assertDownloadMatches(o.fileTransferId());
  }

  @Test
  void belowTheThresholdAndInStreamModeTheUploadIsStreamed() {
    UUID id = sender.initialize(meta().build());
    UploadResult r = sender.upload(id, file, ProgressListener.NONE, UploadMode.STREAM);
    assertEquals(md5, r.md5());
    assertEquals(0, patches());
    assertTrue(streamed());
  }

  @Test
  void headAndPatchThatNeverAgreeEndInATypedError() {
    for (int i = 0; i < 20; i++) {
      fake.failNext("PATCH", FakeBrokerTus.PATH, Failure.status(409));
    }
    UUID id = sender.initialize(meta().build());
    UploadStalledException e = assertThrows(UploadStalledException.class,
        () -> sender.upload(id, file, ProgressListener.NONE, UploadMode.TUS));
    assertEquals(id, e.fileTransferId());
    assertEquals(0, e.serverOffset());
    assertInstanceOf(BrokerConflictException.class, e.getCause());
  }

  /** What an upload threw when interrupted, and whether its thread's interrupt flag was still set. */
  record Interrupted(Throwable thrown, boolean flagSet) {}

  /**
   * Stalls the next PATCH, uploads on a thread of its own, interrupts that thread once the upload is sending, and
   * waits (bounded) for it to end.
   */
  Interrupted interruptStalledUpload(UploadMode mode) throws Exception {
    fake.failNext("PATCH", FakeBrokerTus.PATH, Failure.delay(Duration.ofSeconds(30)));
    UUID id = sender.initialize(meta().build());
    CountDownLatch sending = new CountDownLatch(1);
    Interrupted[] outcome = new Interrupted[1];
    Thread t = new Thread(() -> {
      try {
        sender.upload(id, file, (done, total) -> sending.countDown(), mode);
      } catch (Throwable e) {
        outcome[0] = new Interrupted(e, Thread.currentThread().isInterrupted());
      }
    });
    t.start();
    assertTrue(sending.await(10, TimeUnit.SECONDS));
    Thread.sleep(200);
    t.interrupt();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> t.join());
    return outcome[0] != null ? outcome[0] : new Interrupted(null, false);
  }

  @Test
  void anInterruptStopsAStalledUploadPromptly() throws Exception {
    Interrupted r = interruptStalledUpload(UploadMode.TUS);
    assertInstanceOf(BrokerInterruptedException.class, r.thrown());
    assertTrue(r.flagSet(), "the interrupt flag stays set");
  }

  long tusPosts() {
    return fake.calls().stream().filter(c -> c.method().equals("POST") && c.path().startsWith(FakeBrokerTus.PATH))
        .count();
  }

  @Test
  void sendAboveTheThresholdGoesInFourParallelPartsJoinedInFileOrder() {
    List<Long> seen = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
    AtomicBoolean overlapped = new AtomicBoolean();
    ProgressListener listener = (done, total) -> {
      if (inside.incrementAndGet() > 1) {
        overlapped.set(true);
      }
      seen.add(done);
      inside.decrementAndGet();
    };
    FileTransferOverview o = sender.send(meta().build(), file, SendOptions.builder()
        .awaitPublished(Duration.ofSeconds(30)).progressListener(listener).build());
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus(), "Broker's MD5 of the joined parts matches");
    assertEquals(4, fake.tus().partCount(o.fileTransferId()));
    assertEquals(5, tusPosts(), "four parts and one final");
    assertEquals(SIZE, fake.tus().bytesReceived(o.fileTransferId()));
    assertTrue(!overlapped.get(), "the listener is never called concurrently");
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i) > seen.get(i - 1), "progress for the whole file only moves forward");
    }
    assertEquals((long) SIZE, seen.get(seen.size() - 1));
    assertDownloadMatches(o.fileTransferId());
  }

  @Test
  void aPartCutAtHalfResendsAtMostOneChunk() {
    AtomicBoolean armed = new AtomicBoolean();
    ProgressListener cutAtHalf = (done, total) -> {
      if (done >= total / 2 && armed.compareAndSet(false, true)) {
        fake.tus().cutNextPatchAfter(CHUNK / 2);
      }
    };
    FileTransferOverview o = sender.send(meta().build(), file, SendOptions.builder()
        .awaitPublished(Duration.ofSeconds(30)).progressListener(cutAtHalf).uploadMode(UploadMode.TUS_PARALLEL)
        .build());
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus());
    long received = fake.tus().bytesReceived(o.fileTransferId());
    assertTrue(received > SIZE && received - SIZE <= CHUNK, "re-sent " + (received - SIZE) + " bytes");
    assertDownloadMatches(o.fileTransferId());
  }

  @Test
  void aLostAnswerToTheFinalIsReadFromTheOverviewNotRepeated() {
    fake.tus().dropNextFinalResponse();
    FileTransferOverview o = sender.send(meta().build(), file, SendOptions.builder()
        .awaitPublished(Duration.ofSeconds(30)).uploadMode(UploadMode.TUS_PARALLEL).build());
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus());
    assertEquals(5, tusPosts(), "the final was not posted again");
    assertTrue(fake.calls().stream().noneMatch(c -> c.status() == 409));
    assertDownloadMatches(o.fileTransferId());
  }

  @Test
  void anInterruptStopsEveryPartPromptly() throws Exception {
    assertInstanceOf(BrokerInterruptedException.class, interruptStalledUpload(UploadMode.TUS_PARALLEL).thrown());
    Threads.assertNoneLeft("broker-client-tus-"); // bounded: a cancelled part's thread may still be exiting
  }

  @Test
  void aFailingLaterPartStopsTheOthersAtOnce() {
    // Three parts stall in their first PATCH; the fourth to arrive is refused (403, never retried). Part order must
    // not matter: the refusal ends the upload at once, even when a stalled part comes before it in the file.
    for (int i = 0; i < 3; i++) {
      fake.failNext("PATCH", FakeBrokerTus.PATH, Failure.delay(Duration.ofSeconds(60)));
    }
    fake.failNext("PATCH", FakeBrokerTus.PATH, Failure.status(403));
    try (BrokerClient patient = parties.sender().readTimeout(Duration.ofMinutes(2)).tusChunkSize(CHUNK)
        .tusThreshold(CHUNK).build()) {
      UUID id = patient.initialize(meta().build());
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(BrokerAccessDeniedException.class,
          () -> patient.upload(id, file, (done, total) -> { }, UploadMode.TUS_PARALLEL)));
    }
    Threads.assertNoneLeft("broker-client-tus-"); // bounded: a cancelled part's thread may still be exiting
  }

  BrokerClient restartedSender(UploadCheckpointStore store) {
    return parties.sender().tusChunkSize(CHUNK).tusThreshold(CHUNK).uploadCheckpoints(store).build();
  }

  /** Starts an upload that dies (the listener throws) at half the file, as a crash would. */
  UUID crashAtHalf(BrokerClient client, UploadMode mode) {
    UUID id = client.initialize(meta().checksum(md5).build());
    ProgressListener crash = (done, total) -> {
      if (done >= total / 2) {
        throw new IllegalStateException("crash");
      }
    };
    assertThrows(ProgressListenerException.class, () -> client.upload(id, file, crash, mode));
    return id;
  }

  @Test
  void aRestartedClientResumesASequentialUploadFromItsCheckpoint() throws Exception {
    UUID id = crashAtHalf(sender, UploadMode.TUS);
    Path checkpoint = dir.resolve(".big.bin." + id + ".tus.json");
    assertTrue(Files.exists(checkpoint), "the default store keeps the checkpoint beside the file");
    long before = fake.tus().bytesReceived(id);
    try (BrokerClient again = restartedSender(UploadCheckpointStore.besideFile())) {
      UploadResult r = again.resumeUpload(id, file, ProgressListener.NONE);
      assertEquals(md5, r.md5());
    }
    long resent = fake.tus().bytesReceived(id) - SIZE;
    assertTrue(before < SIZE && resent <= CHUNK, "re-sent " + resent + " bytes after the restart");
    assertEquals(1, tusPosts(), "never created again");
    assertTrue(!Files.exists(checkpoint), "deleted once Broker accepted the upload");
    sender.awaitStatus(id, FileTransferStatus.PUBLISHED, Duration.ofSeconds(30));
    assertDownloadMatches(id);
  }

  @Test
  void aRestartedClientResumesEveryParallelPartFromACheckpointDirectory() throws Exception {
    Path store = Files.createDirectory(dir.resolve("checkpoints"));
    UUID id;
    try (BrokerClient first = restartedSender(UploadCheckpointStore.directory(store))) {
      id = crashAtHalf(first, UploadMode.TUS_PARALLEL);
    }
    String json = Files.readString(store.resolve(id + ".tus.json"));
    assertTrue(json.contains("/partial/"), json);
    try (BrokerClient again = restartedSender(UploadCheckpointStore.directory(store))) {
      again.resumeUpload(id, file, ProgressListener.NONE);
    }
    long resent = fake.tus().bytesReceived(id) - SIZE;
    assertTrue(resent <= 4L * CHUNK, "re-sent " + resent + " bytes: at most one chunk per part");
    assertEquals(5, tusPosts(), "four parts created once, one final");
    assertTrue(!Files.exists(store.resolve(id + ".tus.json")));
    sender.awaitStatus(id, FileTransferStatus.PUBLISHED, Duration.ofSeconds(30));
    assertDownloadMatches(id);
  }

  @Test
  void aChangedFileOrAMissingCheckpointIsRefusedOnResume() throws Exception {
    UUID id = crashAtHalf(sender, UploadMode.TUS);
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
    assertThrows(BrokerValidationException.class, () -> sender.resumeUpload(id, file, ProgressListener.NONE));
    Files.delete(dir.resolve(".big.bin." + id + ".tus.json"));
    BrokerException e = assertThrows(BrokerException.class,
        () -> sender.resumeUpload(id, file, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("no TUS checkpoint"), e.getMessage());
  }
}
