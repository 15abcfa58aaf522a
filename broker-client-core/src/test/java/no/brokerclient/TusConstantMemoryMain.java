package no.brokerclient;

import java.nio.file.Path;
import java.util.UUID;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.model.UploadResult;
import no.brokerclient.testing.Heap;

/**
 * Run in a child JVM with a small heap by {@link TusConstantMemoryTest}: sends a file with TUS in parallel parts
 * through {@link BrokerClient}, then prints what it saw. Args: baseUrl, token, fileTransferId, file, parts, chunk.
 */
public final class TusConstantMemoryMain {
  private TusConstantMemoryMain() {}

  public static void main(String[] args) throws Exception {
    try (BrokerClient client = BrokerClient.builder().baseUrl(args[0])
        .accessTokenProvider(AccessTokenProvider.fixed(args[1])).roles(Role.SENDER)
        .tusParallelParts(Integer.parseInt(args[4])).tusChunkSize(Long.parseLong(args[5])).build()) {
      UploadResult up = client.upload(UUID.fromString(args[2]), Path.of(args[3]), ProgressListener.NONE,
          UploadMode.TUS_PARALLEL);
      System.out.println("tus-md5=" + up.md5() + " tus-bytes=" + up.size() + " max-heap="
          + Runtime.getRuntime().maxMemory() + " peak-heap=" + Heap.peakUsed());
    }
  }
}
