package no.brokerclient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.UploadResult;
import no.brokerclient.testing.GeneratedStream;
import no.brokerclient.testing.Heap;

/**
 * Run in a child JVM with a small heap by {@link ConstantMemoryTest}: uploads a generated stream of unknown length
 * and downloads a file to disk through {@link BrokerClient}, then prints what it saw.
 * Args: baseUrl, uploadSize, uploadSeed, workDir, and optionally the base URL of a second server whose file is
 * downloaded again in 4 ranges at once.
 */
public final class LargeTransferMain {
  private LargeTransferMain() {}

  public static void main(String[] args) throws Exception {
    String baseUrl = args[0];
    long size = Long.parseLong(args[1]);
    long seed = Long.parseLong(args[2]);
    Path work = Path.of(args[3]);
    try (BrokerClient client = BrokerClient.builder().baseUrl(baseUrl)
        .accessTokenProvider(AccessTokenProvider.fixed("test-token"))
        .roles(Role.SENDER, Role.RECIPIENT).build()) {
      UUID id = UUID.randomUUID();
      UploadResult up = client.upload(id, new GeneratedStream(size, seed), -1, ProgressListener.NONE);
      Path target = work.resolve("download.bin");
      DownloadResult down = client.download(id, target);
      long onDisk = Files.size(target);
      Files.delete(target);
      String ranged = "";
      if (args.length > 4) { // a second server: the same download in 4 ranges at once
        try (BrokerClient other = BrokerClient.builder().baseUrl(args[4])
            .accessTokenProvider(AccessTokenProvider.fixed("test-token")).roles(Role.RECIPIENT).build()) {
          DownloadResult r = other.download(id, target, 4, ProgressListener.NONE);
          ranged = " ranged-md5=" + r.md5() + " ranged-bytes=" + Files.size(target) + " ranged-verified="
              + r.checksumVerified();
          Files.delete(target);
        }
      }
      long peak = Heap.peakUsed();
      System.out.println("upload-md5=" + up.md5() + " upload-bytes=" + up.size() + " download-md5=" + down.md5()
          + " download-bytes=" + onDisk + " verified=" + down.checksumVerified() + ranged + " max-heap="
          + Runtime.getRuntime().maxMemory() + " peak-heap=" + peak);
    }
  }
}
