package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import no.brokerclient.testing.ChildJvm;
import no.brokerclient.testing.GzipBomb;
import org.junit.jupiter.api.Test;

/**
 * The attack from issue 16 as it was reported: a JVM with {@code -Xmx64m} asks for an overview answered with a
 * gzip body of under 1 MiB that expands to 300 MiB, and a search answered with a 78 MiB array. Both give {@link
 * BrokerInvalidResponseException}; the JVM does not run out of memory.
 */
class SmallHeapHostileBodiesTest {
  static final String ID = "\"3fa85f64-5717-4562-b3fc-2c963f66afa6\",";

  @Test
  void gzipBombAndHugeSearchArrayInSixtyFourMegabytesOfHeap() throws Exception {
    byte[] bomb = GzipBomb.of("{\"recipients\":[", "{\"recipient\":\"0192:986252932\"},", "{}]}",
        300L * 1024 * 1024).readByteArray();
    AtomicLong searchBytesSent = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/broker/api/v1/filetransfer", ex -> {
      try (ex; OutputStream out = ex.getResponseBody()) {
        ex.getResponseHeaders().add("Content-Type", "application/json");
        if (ex.getRequestURI().getPath().endsWith("/filetransfer")) {
          ex.sendResponseHeaders(200, 0);
          byte[] chunk = ID.repeat(1000).getBytes(StandardCharsets.UTF_8);
          out.write('[');
          while (searchBytesSent.get() < 78L * 1024 * 1024) {
            out.write(chunk);
            searchBytesSent.addAndGet(chunk.length);
          }
          out.write("\"3fa85f64-5717-4562-b3fc-2c963f66afa6\"]".getBytes(StandardCharsets.UTF_8));
        } else {
          ex.getResponseHeaders().add("Content-Encoding", "gzip");
          ex.sendResponseHeaders(200, bomb.length);
          out.write(bomb);
        }
      } catch (IOException clientHungUp) {
        // expected: the client stops reading at its limit
      }
    });
    server.start();
    try {
      Map<String, String> seen = ChildJvm.run(HostileBodiesMain.class, "64m", Duration.ofMinutes(2), "overview=",
          "http://127.0.0.1:" + server.getAddress().getPort());
      System.out.println("SmallHeapHostileBodiesTest child: " + seen + ", compressed bomb " + bomb.length
          + " bytes, search bytes sent " + searchBytesSent.get());
      assertEquals("BrokerInvalidResponseException", seen.get("overview"));
      assertEquals("BrokerInvalidResponseException", seen.get("search"));
      assertTrue(Long.parseLong(seen.get("max-heap")) <= 64L << 20, "child really ran with a 64 MiB heap");
      assertTrue(searchBytesSent.get() < 78L * 1024 * 1024, "the client stopped reading the array early");
    } finally {
      server.stop(0);
    }
  }
}
