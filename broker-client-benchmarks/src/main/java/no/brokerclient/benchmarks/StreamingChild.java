package no.brokerclient.benchmarks;

import java.io.InputStream;
import java.util.UUID;
import no.brokerclient.BrokerClient;
import no.brokerclient.FileTransferDownload;
import no.brokerclient.ProgressListener;
import no.brokerclient.Role;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.testing.GeneratedStream;
import no.brokerclient.testing.Heap;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * Runs in a child JVM with {@code -Xmx64m}: uploads and downloads {@code size} bytes through BrokerClient and
 * through a bare OkHttp client, best of {@code rounds}, and prints one result line.
 */
public final class StreamingChild {
  private StreamingChild() {}

  /**
   * @param args base URL, size, upload seed, rounds
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    String base = args[0];
    long size = Long.parseLong(args[1]);
    long seed = Long.parseLong(args[2]);
    int rounds = Integer.parseInt(args[3]);
    OkHttpClient raw = new OkHttpClient();
    double sdkUp = 0;
    double rawUp = 0;
    double sdkDown = 0;
    double rawDown = 0;
    String sdkMd5 = null;
    try (BrokerClient sdk = BrokerClient.builder().baseUrl(base).accessTokenProvider(AccessTokenProvider.fixed("t"))
        .roles(Role.SENDER, Role.RECIPIENT).build()) {
      for (int r = 0; r < rounds; r++) {
        UUID id = UUID.randomUUID();
        long t0 = System.nanoTime();
        rawUpload(raw, base, id, size, seed);
        rawUp = Math.max(rawUp, size / secs(t0));
        t0 = System.nanoTime();
        sdkMd5 = sdk.upload(id, new GeneratedStream(size, seed), size, ProgressListener.NONE).md5();
        sdkUp = Math.max(sdkUp, size / secs(t0));
        t0 = System.nanoTime();
        rawDownload(raw, base, id);
        rawDown = Math.max(rawDown, size / secs(t0));
        t0 = System.nanoTime();
        try (FileTransferDownload in = sdk.openDownload(id)) {
          drain(in);
          if (!in.checksumVerified()) {
            throw new IllegalStateException("download not verified");
          }
        }
        sdkDown = Math.max(sdkDown, size / secs(t0));
      }
    }
    raw.dispatcher().executorService().shutdown();
    long peak = Heap.peakUsed();
    System.out.println("RESULT sdkUp=" + sdkUp + " rawUp=" + rawUp + " sdkDown=" + sdkDown + " rawDown=" + rawDown
        + " peakHeap=" + peak + " maxHeap=" + Runtime.getRuntime().maxMemory() + " sdkMd5=" + sdkMd5);
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void rawUpload(OkHttpClient raw, String base, UUID id, long size, long seed) throws Exception {
    RequestBody body = new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get("application/octet-stream");
      }

      @Override
      public long contentLength() {
        return size;
      }

      @Override
      public void writeTo(BufferedSink sink) throws java.io.IOException {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = new GeneratedStream(size, seed)) {
          int n;
          while ((n = in.read(buf)) != -1) {
            sink.write(buf, 0, n);
          }
        }
      }
    };
    try (Response r = raw.newCall(new Request.Builder().url(base + "/broker/api/v1/filetransfer/" + id + "/upload")
        .header("Authorization", "Bearer t").post(body).build()).execute()) {
      if (!r.isSuccessful()) {
        throw new IllegalStateException("raw upload " + r.code());
      }
    }
  }

  private static void rawDownload(OkHttpClient raw, String base, UUID id) throws Exception {
    try (Response r = raw.newCall(new Request.Builder().url(base + "/broker/api/v1/filetransfer/" + id + "/download")
        .header("Authorization", "Bearer t").build()).execute(); InputStream in = r.body().byteStream()) {
      drain(in);
    }
  }

  private static void drain(InputStream in) throws java.io.IOException {
    byte[] buf = new byte[64 * 1024];
    while (in.read(buf) != -1) {
      // discard
    }
  }
}
