package no.brokerclient;

import static no.brokerclient.DownloadTest.data;
import static no.brokerclient.DownloadTest.md5;
import static no.brokerclient.DownloadTest.octets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import no.brokerclient.internal.PipelinedMd5;
import no.brokerclient.model.UploadResult;
import no.brokerclient.testing.Threads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads (to a file and as a stream) and uploads from an {@code InputStream} hash on a thread of their own while
 * the bytes move, still verify (a wrong MD5 is a {@link ChecksumMismatchException}), and leave no hashing thread.
 */
class HashOffThreadTest extends MockServerTest {
  static final UUID ID = DownloadTest.ID;
  static final byte[] DATA = data(3 << 20);

  @TempDir Path dir;

  static void assertNoHasherLeft() {
    Threads.assertNoneLeft(PipelinedMd5.THREAD_PREFIX);
  }

  /** A listener that notes whether a hashing thread runs while the bytes move (past the first buffers). */
  static ProgressListener watching(AtomicBoolean seen) {
    return (done, total) -> {
      if (done > 1 << 20 && Threads.alive(PipelinedMd5.THREAD_PREFIX)) {
        seen.set(true);
      }
    };
  }

  @Test
  void aDownloadToAFileHashesOnAThreadOfItsOwnAndVerifies() throws Exception {
    server.enqueue(json(200, overviewJson(ID, "Published", md5(DATA), DATA.length)));
    server.enqueue(octets(200, DATA));
    AtomicBoolean seen = new AtomicBoolean();
    assertEquals(md5(DATA), client.download(ID, dir.resolve("out.bin"), watching(seen)).md5());
    assertTrue(seen.get(), "the MD5 was computed on broker-client-md5-*");
    assertNoHasherLeft();
  }

  @Test
  void aWrongMd5IsStillAChecksumMismatch() throws Exception {
    server.enqueue(json(200, overviewJson(ID, "Published", "0123456789abcdef0123456789abcdef", DATA.length)));
    server.enqueue(octets(200, DATA));
    assertThrows(ChecksumMismatchException.class, () -> client.download(ID, dir.resolve("out.bin")));
    assertTrue(Files.notExists(dir.resolve("out.bin")));
    assertNoHasherLeft();
  }

  @Test
  void anOpenedDownloadHashesOnAThreadOfItsOwnAndVerifiesAtTheEnd() throws Exception {
    server.enqueue(json(200, overviewJson(ID, "Published", md5(DATA), DATA.length)));
    server.enqueue(octets(200, DATA));
    AtomicBoolean seen = new AtomicBoolean();
    try (FileTransferDownload in = client.openDownload(ID, watching(seen))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      assertTrue(in.checksumVerified());
      assertEquals(md5(DATA), in.md5());
    }
    assertTrue(seen.get());
    assertNoHasherLeft();
  }

  @Test
  void anUploadFromAStreamHashesOnAThreadOfItsOwn() throws Exception {
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    AtomicBoolean seen = new AtomicBoolean();
    UploadResult r = client.upload(ID, new ByteArrayInputStream(DATA), DATA.length, watching(seen));
    assertEquals(md5(DATA), r.md5());
    assertEquals(DATA.length, r.size());
    assertTrue(seen.get());
    assertNoHasherLeft();
  }
}
