package no.brokerclient.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.brokerclient.internal.Hex;

/**
 * A loopback server that streams like Broker: upload bodies are hashed as they arrive and never stored; downloads
 * are generated on the fly and honour {@code Range: bytes=<from>-} and {@code bytes=<from>-<to>} with {@code 206},
 * like Broker. Enough of the
 * Broker API for large-transfer tests and benchmarks. Downloads can be slowed down ({@link #throttle}) so a test can
 * stop a client in the middle of one; every download request's {@code Range} header is recorded.
 */
public final class StreamingBrokerServer implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private final HttpServer server;
  private final long downloadSize;
  private final long downloadSeed;
  private final String downloadMd5;
  private volatile String uploadedMd5;
  private volatile long uploadedBytes;
  private volatile long pauseNanosPerChunk;
  private final List<String> downloadRanges = new CopyOnWriteArrayList<>();

  /**
   * @param downloadSize size of the file served for download
   * @param downloadSeed seed of its generated content
   * @param downloadMd5 its MD5, reported in the overview
   * @throws IOException if the server cannot start
   */
  public StreamingBrokerServer(long downloadSize, long downloadSeed, String downloadMd5) throws IOException {
    this.downloadSize = downloadSize;
    this.downloadSeed = downloadSeed;
    this.downloadMd5 = downloadMd5;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/broker/api/v1/filetransfer/", this::handle);
    server.start();
  }

  /** @return the base URL */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** @return MD5 of the last upload received */
  public String uploadedMd5() {
    return uploadedMd5;
  }

  /**
   * @param pausePerChunk how long to pause after each 256 KiB of a download; zero for full speed
   * @return this
   */
  public StreamingBrokerServer throttle(Duration pausePerChunk) {
    this.pauseNanosPerChunk = pausePerChunk.toNanos();
    return this;
  }

  /** @return the {@code Range} header of every download request so far ({@code "none"} when absent) */
  public List<String> downloadRanges() {
    return List.copyOf(downloadRanges);
  }

  /** @return size of the last upload received */
  public long uploadedBytes() {
    return uploadedBytes;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String[] parts = ex.getRequestURI().getPath().split("/");
      // /broker/api/v1/filetransfer/{id}[/upload|/download]
      String id = parts[5];
      String tail = parts.length > 6 ? parts[6] : "";
      if ("POST".equals(ex.getRequestMethod()) && "upload".equals(tail)) {
        MessageDigest md = Hex.md5();
        byte[] buf = new byte[256 * 1024];
        long n = 0;
        try (InputStream in = ex.getRequestBody()) {
          int r;
          while ((r = in.read(buf)) != -1) {
            md.update(buf, 0, r);
            n += r;
          }
        }
        uploadedMd5 = Hex.hex(md.digest());
        uploadedBytes = n;
        json(ex, "{\"fileTransferId\":\"" + id + "\"}");
      } else if ("GET".equals(ex.getRequestMethod()) && "download".equals(tail)) {
        String range = ex.getRequestHeaders().getFirst("Range");
        downloadRanges.add(range == null ? "none" : range);
        Matcher m = range == null ? null : RANGE.matcher(range);
        boolean ranged = m != null && m.matches();
        long from = ranged ? Long.parseLong(m.group(1)) : 0;
        long to = ranged && !m.group(2).isEmpty() ? Math.min(Long.parseLong(m.group(2)), downloadSize - 1)
            : downloadSize - 1;
        ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
        if (ranged) {
          ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + downloadSize);
          ex.sendResponseHeaders(206, to - from + 1);
        } else {
          ex.sendResponseHeaders(200, downloadSize);
        }
        byte[] buf = new byte[256 * 1024];
        try (InputStream in = new GeneratedStream(to + 1, downloadSeed); OutputStream out = ex.getResponseBody()) {
          in.skipNBytes(from);
          int r;
          while ((r = in.read(buf)) != -1) {
            out.write(buf, 0, r);
            long pause = pauseNanosPerChunk;
            if (pause > 0) {
              LockSupport.parkNanos(pause);
            }
          }
        }
      } else if ("GET".equals(ex.getRequestMethod()) && tail.isEmpty()) {
        json(ex, "{\"fileTransferId\":\"" + id + "\",\"resourceId\":\"r\",\"fileName\":\"big.bin\","
            + "\"checksum\":\"" + downloadMd5 + "\",\"fileTransferSize\":" + downloadSize
            + ",\"fileTransferStatus\":\"Published\",\"recipients\":[],\"propertyList\":{}}");
      } else {
        ex.sendResponseHeaders(404, -1);
      }
    }
  }

  private static void json(HttpExchange ex, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(200, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
