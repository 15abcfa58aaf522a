package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.internal.FileDownload;
import no.brokerclient.internal.Hex;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.testing.StreamingBrokerServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} in the middle of a download leaves the partial file; the next download of the transfer resumes
 * from the kept bytes with a {@code Range} request and produces the identical file.
 */
class CrashResumeTest {
  static final long SIZE = 8L << 20;
  static final UUID ID = UUID.fromString("0b9c4a2e-5f6d-4e1a-9b3c-7d8e9f0a1b2c");

  @TempDir Path work;

  @Test
  void aDownloadKilledMidwayIsResumedFromItsPartialFile() throws Exception {
    String md5 = ConstantMemoryTest.md5(SIZE, 33);
    Path dir = Files.createDirectory(work.resolve("downloads"));
    Path target = dir.resolve("big.bin").toAbsolutePath();
    Path partial = new FileDownload(ID, target, md5, SIZE).partialPath();
    Path log = work.resolve("child.log");
    // 256 KiB every 200 ms: the 8 MiB take about 6 s, so the child is killed well before the end.
    try (StreamingBrokerServer server = new StreamingBrokerServer(SIZE, 33, md5).throttle(Duration.ofMillis(200))) {
      String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(List.of(java, "-cp", cp, CrashDownloadMain.class.getName(),
          server.baseUrl(), ID.toString(), target.toString()))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
          while (!Files.exists(partial) || Files.size(partial) < 1 << 20) {
            if (!child.isAlive()) {
              throw new AssertionError("the child ended early:\n" + Files.readString(log));
            }
            Thread.sleep(10);
          }
        });
      } finally {
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
      }
      assertFalse(Files.exists(target), "nothing at the target after the crash");
      long kept = Files.size(partial);
      assertTrue(kept >= 1 << 20 && kept < SIZE, "kept " + kept);

      server.throttle(Duration.ZERO);
      try (BrokerClient client = BrokerClient.builder().baseUrl(server.baseUrl())
          .accessTokenProvider(AccessTokenProvider.fixed("test-token")).roles(Role.RECIPIENT).build()) {
        DownloadResult r = client.download(ID, target);
        assertTrue(r.checksumVerified());
        assertEquals(SIZE, r.size());
      }
      assertEquals(List.of("none", "bytes=" + kept + "-"), server.downloadRanges(),
          "the rerun asked only for the bytes after the kept ones");
    }
    assertEquals(md5, Hex.md5(target), "the resumed file is identical");
    try (var files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList(), "the partial was moved into place");
    }
  }
}
