package no.brokerclient;

import static no.brokerclient.DownloadTest.data;
import static no.brokerclient.DownloadTest.md5;
import static no.brokerclient.DownloadTest.octets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import no.brokerclient.model.DownloadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server's declared size bounds every download; no size, or a size Broker never reports, is no loophole. */
class DownloadSizeTest extends MockServerTest {
  static final UUID ID = DownloadTest.ID;
  static final long LIMIT = 100_000;

  @TempDir Path dir;

  List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  BrokerClient capped() {
    client.close();
    client = builder().maxUnknownSizeDownload(LIMIT).build();
    return client;
  }

  void enqueueOverview(String sizeJson) {
    String json = overviewJson(ID, "Published", null, 0).replace("\"fileTransferSize\":0", sizeJson);
    server.enqueue(json(200, json));
  }

  @Test
  void sizeZeroIsUnknownAndCappedForADownloadToAFile() throws Exception {
    BrokerClient c = capped();
    enqueueOverview("\"fileTransferSize\":0");
    server.enqueue(octets(200, data(300_000)));
    AtomicLong reported = new AtomicLong();
    DownloadSizeException e = assertThrows(DownloadSizeException.class,
        () -> c.download(ID, dir.resolve("out.bin"), (done, total) -> {
          assertEquals(-1, total, "an unknown size is reported as -1");
          reported.set(done);
        }));
    assertEquals(LIMIT, e.limit());
    assertEquals(ID, e.fileTransferId());
    assertTrue(e.getMessage().contains("maxUnknownSizeDownload"), e.getMessage());
    assertTrue(reported.get() <= LIMIT, "never reported past the limit: " + reported);
    assertEquals(List.of(), files(), "no target and no partial");
  }

  @Test
  void aMissingSizeIsUnknownAndCappedForAStream() throws Exception {
    BrokerClient c = capped();
    enqueueOverview("\"fileTransferSize\":null");
    server.enqueue(octets(200, data(300_000)));
    try (FileTransferDownload in = c.openDownload(ID)) {
      byte[] buf = new byte[8192];
      assertThrows(DownloadSizeException.class, () -> {
        while (in.read(buf) != -1) {
          // drain
        }
      });
      assertTrue(in.bytesRead() <= LIMIT, "read at most the limit: " + in.bytesRead());
    }
  }

  @Test
  void anUnknownSizeWithinTheLimitDownloads() throws Exception {
    BrokerClient c = capped();
    byte[] data = data((int) LIMIT);
    enqueueOverview("\"fileTransferSize\":0");
    server.enqueue(octets(200, data));
    Path target = dir.resolve("out.bin");
    DownloadResult r = c.download(ID, target);
    assertArrayEquals(data, Files.readAllBytes(target));
    assertFalse(r.checksumVerified());
  }

  @Test
  void theDefaultLimitIsFinite() {
    assertEquals(256L << 20, BrokerClient.DEFAULT_MAX_UNKNOWN_SIZE_DOWNLOAD);
    assertThrows(IllegalArgumentException.class, () -> BrokerClient.builder().maxUnknownSizeDownload(0));
  }

  @Test
  void aNegativeSizeIsRefusedBeforeTheDownloadIsRequested() throws Exception {
    enqueueOverview("\"fileTransferSize\":-1");
    DownloadSizeException e = assertThrows(DownloadSizeException.class, () -> client.download(ID, dir.resolve("x")));
    assertTrue(e.getMessage().contains("fileTransferSize -1"), e.getMessage());
    enqueueOverview("\"fileTransferSize\":-5");
    assertThrows(DownloadSizeException.class, () -> client.openDownload(ID));
    assertEquals(2, server.getRequestCount(), "only the two overviews; no download request");
    assertEquals(List.of(), files());
  }

  @Test
  void aSizeBrokerCannotHoldIsRefused() throws Exception {
    enqueueOverview("\"fileTransferSize\":" + (DownloadSizeException.MAX_BROKER_FILE_SIZE + 1));
    assertThrows(DownloadSizeException.class, () -> client.download(ID, dir.resolve("x")));
    enqueueOverview("\"fileTransferSize\":" + Long.MAX_VALUE);
    assertThrows(DownloadSizeException.class, () -> client.openDownload(ID));
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void aFractionalOrOverflowingSizeIsATypedErrorNotATruncatedBound() throws Exception {
    for (String size : List.of("1000.5", "1e3", "99999999999999999999")) {
      enqueueOverview("\"fileTransferSize\":" + size);
      BrokerException e = assertThrows(BrokerException.class, () -> client.download(ID, dir.resolve("x")), size);
      assertTrue(e.getMessage().contains("fileTransferSize"), size + ": " + e.getMessage());
    }
    assertEquals(3, server.getRequestCount(), "never asked for the bytes");
    assertEquals(List.of(), files());
  }

  @Test
  void moreBytesThanDeclaredFailBeforeProgressPassesTheTotal() throws Exception {
    byte[] data = data(1000);
    server.enqueue(json(200, overviewJson(ID, "Published", null, 999)));
    server.enqueue(octets(200, data));
    AtomicLong max = new AtomicLong();
    assertThrows(ChecksumMismatchException.class, () -> client.download(ID, dir.resolve("x"), (done, total) -> {
      assertTrue(done <= total, done + " > " + total);
      max.accumulateAndGet(done, Math::max);
    }));
    assertTrue(max.get() <= 999, "reported " + max);
    assertEquals(List.of(), files());
  }

  @Test
  void moreBytesThanDeclaredFailOnAStreamWithoutReturningThem() throws Exception {
    byte[] data = data(70_000);
    server.enqueue(json(200, overviewJson(ID, "Published", md5(data), 60_000)));
    server.enqueue(octets(200, data));
    try (InputStream in = client.openDownload(ID)) {
      long[] returned = new long[1];
      assertThrows(ChecksumMismatchException.class, () -> {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
          returned[0] += n;
        }
      });
      assertTrue(returned[0] <= 60_000, "returned " + returned[0]);
    }
  }
}
