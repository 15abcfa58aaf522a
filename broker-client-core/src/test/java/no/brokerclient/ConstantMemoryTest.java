package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import no.brokerclient.internal.Hex;
import no.brokerclient.testing.ChildJvm;
import no.brokerclient.testing.GeneratedStream;
import no.brokerclient.testing.StreamingBrokerServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves constant memory: a child JVM limited to 64 MiB of heap uploads and downloads 1 GiB each way through the
 * SDK against a loopback server that streams, and both ends agree on the MD5; then it downloads 512 MiB in 4
 * ranges at once.
 */
@Tag("slow")
class ConstantMemoryTest {
  static final long SIZE = 1L << 30;
  static final long RANGED_SIZE = 512L << 20;

  @TempDir Path work;

  static String md5(long size, long seed) throws Exception {
    MessageDigest md = Hex.md5();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = new GeneratedStream(size, seed)) {
      int n;
      while ((n = in.read(buf)) != -1) {
        md.update(buf, 0, n);
      }
    }
    return Hex.hex(md.digest());
  }

  @Test
  void oneGibibyteEachWayIn64MegabytesOfHeap() throws Exception {
    String uploadMd5 = md5(SIZE, 11);
    String downloadMd5 = md5(SIZE, 22);
    String rangedMd5 = md5(RANGED_SIZE, 33);
    try (StreamingBrokerServer server = new StreamingBrokerServer(SIZE, 22, downloadMd5);
        StreamingBrokerServer ranged = new StreamingBrokerServer(RANGED_SIZE, 33, rangedMd5)) {
      Map<String, String> seen = ChildJvm.run(LargeTransferMain.class, "64m", Duration.ofMinutes(5), "upload-md5=",
          server.baseUrl(), Long.toString(SIZE), "11", work.toString(), ranged.baseUrl());
      System.out.println("ConstantMemoryTest child: " + seen);
      assertEquals(uploadMd5, server.uploadedMd5(), "server received the exact bytes");
      assertEquals(SIZE, server.uploadedBytes());
      assertEquals(uploadMd5, seen.get("upload-md5"), "SDK's streamed MD5");
      assertEquals(downloadMd5, seen.get("download-md5"));
      assertEquals(Long.toString(SIZE), seen.get("download-bytes"));
      assertEquals("true", seen.get("verified"));
      assertEquals(rangedMd5, seen.get("ranged-md5"), "the download in 4 ranges");
      assertEquals(Long.toString(RANGED_SIZE), seen.get("ranged-bytes"));
      assertEquals("true", seen.get("ranged-verified"));
      assertEquals(4, ranged.downloadRanges().size(), "4 ranges: " + ranged.downloadRanges());
      assertTrue(ranged.downloadRanges().stream().allMatch(r -> r.matches("bytes=\\d+-\\d+")), "bounded ranges");
      assertTrue(Long.parseLong(seen.get("max-heap")) <= 64L << 20, "child really ran with a 64 MiB heap");
      assertTrue(Long.parseLong(seen.get("peak-heap")) < SIZE / 16, "peak heap far below the transfer size");
    }
    assertEquals(0, work.toFile().listFiles(File::isFile).length, "no file left behind");
  }
}
