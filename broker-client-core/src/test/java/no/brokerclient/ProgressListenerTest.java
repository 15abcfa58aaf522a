package no.brokerclient;

import static no.brokerclient.DownloadTest.data;
import static no.brokerclient.DownloadTest.enqueuePublished;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import no.brokerclient.testing.SharedPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener that throws aborts the transfer with {@link ProgressListenerException} wrapping what it threw: no
 * raw exception escapes, no target is written, no connection stays checked out, the client keeps working; and
 * progress never passes the total.
 */
class ProgressListenerTest extends MockServerTest {
  static final UUID ID = DownloadTest.ID;
  static final IllegalStateException BOOM = new IllegalStateException("listener bug");

  @TempDir Path dir;
  final SharedPool shared = new SharedPool();

  @BeforeEach
  void sharedPool() {
    client.close();
    client = builder().httpClient(shared.client()).build();
  }

  @AfterEach
  void closePool() {
    shared.close();
  }

  static ProgressListener throwingAfter(long bytes) {
    return (done, total) -> {
      if (done > bytes) {
        throw BOOM;
      }
    };
  }


  void assertClientStillWorks() throws Exception {
    server.enqueue(json(200, overviewJson(ID, "Published", null, 10)));
    assertEquals(ID, client.getOverview(ID).fileTransferId());
  }

  @Test
  void aThrowingListenerAbortsADownloadToAFile() throws Exception {
    byte[] data = data(500_000);
    enqueuePublished(server, data);
    Path target = dir.resolve("out.bin");
    ProgressListenerException e = assertThrows(ProgressListenerException.class,
        () -> client.download(ID, target, throwingAfter(100_000)));
    assertSame(BOOM, e.getCause());
    assertFalse(Files.exists(target), "no file at the target");
    assertEquals(2, server.getRequestCount(), "not retried");
    shared.assertNoneInUse();
    assertClientStillWorks();
  }

  @Test
  void aThrowingListenerAbortsAStreamedDownload() throws Exception {
    byte[] data = data(500_000);
    enqueuePublished(server, data);
    try (InputStream in = client.openDownload(ID, throwingAfter(100_000))) {
      ProgressListenerException e = assertThrows(ProgressListenerException.class, () -> in.transferTo(
          java.io.OutputStream.nullOutputStream()));
      assertSame(BOOM, e.getCause());
    }
    shared.assertNoneInUse();
    assertClientStillWorks();
  }

  @Test
  void aThrowingListenerAbortsAnUploadFromAFile() throws Exception {
    Path file = Files.write(dir.resolve("in.bin"), data(500_000));
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    ProgressListenerException e = assertThrows(ProgressListenerException.class,
        () -> client.upload(ID, file, throwingAfter(100_000)));
    assertSame(BOOM, e.getCause());
    shared.assertNoneInUse();
    assertClientStillWorksAfterConsumedEnqueue();
  }

  @Test
  void aThrowingListenerAbortsAnUploadFromAStream() throws Exception {
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    ProgressListenerException e = assertThrows(ProgressListenerException.class,
        () -> client.upload(ID, new ByteArrayInputStream(data(500_000)), -1, throwingAfter(0)));
    assertSame(BOOM, e.getCause());
    shared.assertNoneInUse();
  }

  @Test
  void uploadProgressNeverPassesTheDeclaredLength() throws Exception {
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    AtomicLong max = new AtomicLong();
    assertThrows(BrokerIOException.class, () -> client.upload(ID, new ByteArrayInputStream(data(300_000)), 200_000,
        (done, total) -> {
          assertTrue(done <= total, done + " > " + total);
          max.accumulateAndGet(done, Math::max);
        }));
    assertTrue(max.get() <= 200_000, "reported " + max);
    shared.assertNoneInUse();
  }

  /** The upload's enqueued answer may or may not have been consumed; either way a new call must work. */
  void assertClientStillWorksAfterConsumedEnqueue() throws Exception {
    server.enqueue(json(200, overviewJson(ID, "Published", null, 10)));
    server.enqueue(json(200, overviewJson(ID, "Published", null, 10)));
    client.getOverview(ID);
  }
}
