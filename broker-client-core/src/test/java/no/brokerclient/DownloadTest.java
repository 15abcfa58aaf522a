package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.internal.FileDownload;
import no.brokerclient.internal.Hex;
import no.brokerclient.model.DownloadResult;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadTest extends MockServerTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");

  @TempDir Path dir;

  static byte[] data(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  static String md5(byte[] b) {
    java.security.MessageDigest md = Hex.md5();
    return Hex.hex(md.digest(b));
  }

  static MockResponse octets(int code, byte[] body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/octet-stream")
        .body(new Buffer().write(body)).build();
  }

  /** Queues the overview of a Published file transfer {@link #ID} of {@code data} (with its MD5), then {@code data}. */
  static void enqueuePublished(MockWebServer server, byte[] data) {
    server.enqueue(json(200, overviewJson(ID, "Published", md5(data), data.length)));
    server.enqueue(octets(200, data));
  }

  List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void downloadVerifiesMd5AndMovesIntoPlace() throws Exception {
    byte[] data = data(300_000);
    enqueuePublished(server, data);
    Path target = dir.resolve("out.bin");
    DownloadResult r = client.download(ID, target);
    assertArrayEquals(data, Files.readAllBytes(target));
    assertEquals(md5(data), r.md5());
    assertTrue(r.checksumVerified());
    assertEquals(data.length, r.size());
    assertEquals(List.of(target), files(), "no temporary file is left behind");
    take();
    RecordedRequest d = take();
    assertEquals("GET", d.getMethod());
    assertEquals("/broker/api/v1/filetransfer/" + ID + "/download", d.getTarget());
    assertEquals("application/octet-stream", d.getHeaders().get("Accept"));
    assertNull(d.getHeaders().get("Range"));
    assertEquals(List.of(AltinnScopes.RECIPIENT, AltinnScopes.RECIPIENT), tokens.requested);
  }

  @Test
  void corruptDownloadLeavesNoTargetAndNoTempFile() throws Exception {
    byte[] data = data(10_000);
    byte[] corrupt = data.clone();
    corrupt[5000] ^= 1;
    server.enqueue(json(200, overviewJson(ID, "Published", md5(data), data.length)));
    server.enqueue(octets(200, corrupt));
    Path target = dir.resolve("out.bin");
    ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class, () -> client.download(ID, target));
    assertEquals("MD5 " + md5(data), e.expected());
    assertEquals("MD5 " + md5(corrupt), e.actual());
    assertEquals(List.of(), files());
  }

  @Test
  void corruptDownloadNeverReplacesAnExistingFile() throws Exception {
    Path target = Files.writeString(dir.resolve("out.bin"), "previous version");
    byte[] data = data(1000);
    server.enqueue(json(200, overviewJson(ID, "Published", md5(new byte[1000]), data.length)));
    server.enqueue(octets(200, data));
    assertThrows(ChecksumMismatchException.class, () -> client.download(ID, target));
    assertEquals("previous version", Files.readString(target));
    assertEquals(List.of(target), files());
  }

  @Test
  void brokenConnectionResumesWithRange() throws Exception {
    byte[] data = data(200_000);
    server.enqueue(json(200, overviewJson(ID, "Published", md5(data), data.length)));
    // First response promises all bytes, sends half, then the connection dies.
    server.enqueue(new MockResponse.Builder().code(200)
        .body(new Buffer().write(Arrays.copyOf(data, 100_000)))
        .setHeader("Content-Length", data.length)
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(new MockResponse.Builder().code(206)
        .addHeader("Content-Range", "bytes 100000-199999/200000")
        .body(new Buffer().write(Arrays.copyOfRange(data, 100_000, data.length))).build());
    Path target = dir.resolve("out.bin");
    DownloadResult r = client.download(ID, target);
    assertArrayEquals(data, Files.readAllBytes(target));
    assertTrue(r.checksumVerified());
    take();
    assertNull(take().getHeaders().get("Range"));
    assertEquals("bytes=100000-", take().getHeaders().get("Range"));
    assertEquals(1, sleeps.size(), "one backoff before resuming");
  }

  @Test
  void resumeThatServerIgnoresSkipsAlreadyReadBytes() throws Exception {
    byte[] data = data(50_000);
    server.enqueue(json(200, overviewJson(ID, "Published", md5(data), data.length)));
    server.enqueue(new MockResponse.Builder().code(200)
        .body(new Buffer().write(Arrays.copyOf(data, 20_000)))
        .setHeader("Content-Length", data.length)
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(octets(200, data)); // Range ignored: full body again
    Path target = dir.resolve("out.bin");
    client.download(ID, target);
    assertArrayEquals(data, Files.readAllBytes(target));
  }

  @Test
  void truncatedDownloadFailsAfterRetriesWithoutTargetKeepingThePartial() throws Exception {
    byte[] data = data(50_000);
    server.enqueue(json(200, overviewJson(ID, "Published", md5(data), data.length)));
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(Arrays.copyOf(data, 100)))
          .setHeader("Content-Length", data.length)
          .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build());
    }
    server.enqueue(json(500, "{}"));
    Path target = dir.resolve("out.bin");
    assertThrows(BrokerException.class, () -> client.download(ID, target));
    Path partial = new FileDownload(ID, target.toAbsolutePath(), md5(data), data.length).partialPath();
    assertEquals(List.of(partial), files(), "no target; only the partial kept for a resume");
    assertArrayEquals(Arrays.copyOf(data, 100), Files.readAllBytes(partial));
  }

  @Test
  void sizeMismatchWithoutChecksumIsDetected() throws Exception {
    byte[] data = data(1000);
    server.enqueue(json(200, overviewJson(ID, "Published", null, 999)));
    server.enqueue(octets(200, data));
    ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
        () -> client.download(ID, dir.resolve("x")));
    assertEquals("999 bytes", e.expected());
    assertEquals(List.of(), files());
  }

  @Test
  void downloadWithoutChecksumSaysNotVerified() throws Exception {
    byte[] data = data(1000);
    server.enqueue(json(200, overviewJson(ID, "Published", "", data.length)));
    server.enqueue(octets(200, data));
    DownloadResult r = client.download(ID, dir.resolve("x"));
    assertFalse(r.checksumVerified());
    assertEquals(md5(data), r.md5());
  }

  @Test
  void openDownloadVerifiesAtEndOfStream() throws Exception {
    byte[] data = data(70_000);
    enqueuePublished(server, data);
    try (FileTransferDownload in = client.openDownload(ID)) {
      assertEquals("report.zip", in.overview().fileName());
      assertArrayEquals(data, in.readAllBytes());
      assertTrue(in.checksumVerified());
      assertEquals(md5(data), in.md5());
    }
  }

  @Test
  void openDownloadThrowsInsteadOfEndOfStreamOnMismatch() throws Exception {
    byte[] data = data(70_000);
    server.enqueue(json(200, overviewJson(ID, "Published", md5(new byte[70_000]), data.length)));
    server.enqueue(octets(200, data));
    try (InputStream in = client.openDownload(ID)) {
      byte[] buf = new byte[8192];
      assertThrows(ChecksumMismatchException.class, () -> {
        while (in.read(buf) != -1) {
          // drain
        }
      });
    }
  }

  @Test
  void downloadErrorsSurfaceBeforeAnyFileIsCreated() throws Exception {
    server.enqueue(json(200, overviewJson(ID, "UploadProcessing", null, 0)));
    server.enqueue(
        problem(403, "Forbidden", "BRO-00007", "The requested file transfer's file is not ready for download."));
    BrokerAccessDeniedException e = assertThrows(BrokerAccessDeniedException.class,
        () -> client.download(ID, dir.resolve("x")));
    assertEquals("BRO-00007", e.errorCode());
    assertEquals(List.of(), files());
  }

  @Test
  void progressIsReported() throws Exception {
    byte[] data = data(200_000);
    enqueuePublished(server, data);
    long[] last = new long[2];
    client.download(ID, dir.resolve("x"), (done, total) -> {
      last[0] = done;
      last[1] = total;
    });
    assertEquals(data.length, last[0]);
    assertEquals(data.length, last[1]);
  }

  @Test
  void targetDirectoryMustExist() {
    BrokerValidationException e = assertThrows(BrokerValidationException.class,
        () -> client.download(ID, dir.resolve("missing/x.bin")));
    assertEquals("target", e.field());
    assertEquals(0, server.getRequestCount());
  }
}
