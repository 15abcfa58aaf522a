package no.brokerclient.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import no.brokerclient.testing.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WebhookServer} against hostile and slow peers on loopback, with raw sockets: whatever they do, a valid
 * delivery still gets its answer. Waits are bounded and generous; nothing asserts how fast.
 */
class WebhookServerTest {
  static final String SECRET = WebhookHandlerTest.SECRET;
  static final Duration ANSWERS_WITHIN = Duration.ofSeconds(60);

  final List<BrokerEvent> received = Collections.synchronizedList(new ArrayList<>());
  final List<Socket> peers = Collections.synchronizedList(new ArrayList<>());
  WebhookServer server;

  @BeforeEach
  void clearLogs() {
    CapturedLogs.clear();
  }

  @AfterEach
  void stop() {
    synchronized (peers) {
      peers.forEach(WebhookServerTest::closeQuietly);
    }
    if (server != null) {
      server.close();
    }
  }

  WebhookHandler handler(Duration bodyTimeout) {
    return WebhookHandler.builder().secret(SECRET).listener(received::add).bodyTimeout(bodyTimeout).build();
  }

  WebhookServer start(WebhookServer.Builder b) throws IOException {
    server = b.address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).path("/altinn/events").start();
    return server;
  }

  Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
    peers.add(s);
    return s;
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // test cleanup
    }
  }

  static String request(String target, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n" + body;
  }

  /** An event for a transfer of its own, so that no two are duplicates. */
  static String event(String id) {
    return WebhookHandlerTest.delivery(id, "no.altinn.broker.published", "Recipient")
        .replace(WebhookHandlerTest.FT.toString(), UUID.randomUUID().toString());
  }

  /** Sends raw bytes on a new connection and returns everything the server answers until it closes. */
  String exchange(String raw) throws IOException {
    try (Socket s = connect()) {
      s.setSoTimeout((int) ANSWERS_WITHIN.toMillis());
      s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return readAll(s.getInputStream());
    }
  }

  static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      if (e instanceof SocketTimeoutException) {
        throw e;
      }
      // reset after the answer: what was read is the answer
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  static int status(String response) {
    assertTrue(response.startsWith("HTTP/1.1 "), "no answer: " + response);
    return Integer.parseInt(response.substring(9, 12));
  }

  /** A valid delivery, sent at normal speed: it must be answered 200. */
  void deliveryIsAnswered(String id) {
    int before = received.size();
    String answer = assertTimeoutPreemptively(ANSWERS_WITHIN,
        () -> exchange(request("/altinn/events?code=" + SECRET, event(id))), "a valid delivery must be answered");
    assertEquals(200, status(answer), answer);
    assertEquals(before + 1, received.size());
  }

  /** Waits (bounded) until the server has closed {@code s}; whatever it answered before is returned. */
  static String closedByServer(Socket s) {
    return assertTimeoutPreemptively(ANSWERS_WITHIN, () -> {
      s.setSoTimeout((int) ANSWERS_WITHIN.toMillis());
      return readAll(s.getInputStream());
    }, "the server must close a connection that is out of time");
  }

  /** Writes one byte of {@code text} per round to every socket, every 100 ms, until stopped. */
  static Thread trickle(List<Socket> sockets, String text, AtomicBoolean stop) {
    Thread t = new Thread(() -> {
      byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; !stop.get(); i = (i + 1) % bytes.length) {
        for (Socket s : sockets) {
          try {
            OutputStream out = s.getOutputStream();
            out.write(bytes[i]);
            out.flush();
          } catch (IOException e) {
            // closed by the server: that is the point
          }
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "slow-peers");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void slowHeadersDoNotStarveDeliveries() throws Exception {
    start(WebhookServer.builder().handler(handler(Duration.ofSeconds(10))).headerTimeout(Duration.ofSeconds(3))
        .maxConnections(16));
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // more than the JDK adapter's 8 threads, more than the connection limit
      slow.add(connect());
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread t = trickle(slow, "POST /altinn/events?code=guess HTTP/1.1\r\nX-Slow: " + "a".repeat(10_000), stop);
    try {
      Thread.sleep(300); // let every slow peer start its headers
      for (int i = 0; i < 5; i++) {
        deliveryIsAnswered("slow-headers-" + i);
      }
      for (Socket s : slow) {
        String answer = closedByServer(s);
        assertTrue(answer.isEmpty() || status(answer) == 408, answer);
      }
    } finally {
      stop.set(true);
      t.join();
    }
  }

  @Test
  void slowBodiesAreCutOffAtTheBodyDeadline() throws Exception {
    start(WebhookServer.builder().handler(handler(Duration.ofSeconds(3))).maxConnections(64));
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Socket s = connect();
      s.getOutputStream().write(("POST /altinn/events?code=" + SECRET + " HTTP/1.1\r\nHost: x\r\n"
          + "Content-Length: 600\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      slow.add(s);
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread t = trickle(slow, " ", stop);
    try {
      Thread.sleep(300);
      for (int i = 0; i < 5; i++) {
        deliveryIsAnswered("slow-body-" + i);
      }
      for (Socket s : slow) {
        assertEquals(408, status(closedByServer(s)), "a body that trickles past the deadline is answered 408");
      }
    } finally {
      stop.set(true);
      t.join();
    }
    assertEquals(5, received.size(), "no slow body reached the listener");
  }

  @Test
  void thousandsOfHalfOpenConnectionsCannotLockDeliveriesOut() throws Exception {
    start(WebhookServer.builder().handler(handler(Duration.ofSeconds(10))).headerTimeout(Duration.ofSeconds(3))
        .maxConnections(32));
    List<Socket> idle = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      idle.add(connect()); // connects and never sends a byte
    }
    deliveryIsAnswered("half-open-1");
    List<Socket> more = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Socket s = connect();
      s.getOutputStream().write("POST /altinn/ev".getBytes(StandardCharsets.ISO_8859_1)); // and stops
      more.add(s);
    }
    deliveryIsAnswered("half-open-2");
    idle.addAll(more);
    for (Socket s : idle) {
      closedByServer(s); // displaced at once, or closed at the header deadline: none stays open
    }
    deliveryIsAnswered("half-open-3");
  }

  @Test
  void framingAndLimits() throws Exception {
    start(WebhookServer.builder().handler(handler(Duration.ofSeconds(10))));
    String good = "/altinn/events?code=" + SECRET;
    String body = event("chunked");
    String chunked = "POST " + good + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(10) + ";ext=1\r\n" + body.substring(0, 10) + "\r\n"
        + Integer.toHexString(body.length() - 10) + "\r\n" + body.substring(10) + "\r\n0\r\nX-Trailer: t\r\n\r\n";
    assertEquals(200, status(exchange(chunked)));
    assertEquals("chunked", received.get(0).id());

    String expect = request(good, event("expect")).replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n");
    try (Socket s = connect()) {
      s.setSoTimeout((int) ANSWERS_WITHIN.toMillis());
      int split = expect.indexOf("\r\n\r\n") + 4;
      s.getOutputStream().write(expect.substring(0, split).getBytes(StandardCharsets.ISO_8859_1));
      byte[] interim = s.getInputStream().readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length());
      assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim, StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(expect.substring(split).getBytes(StandardCharsets.ISO_8859_1));
      assertEquals(200, status(readAll(s.getInputStream())));
    }

    String both = request(good, body).replace("Content-Length:", "Transfer-Encoding: chunked\r\nContent-Length:");
    assertEquals(400, status(exchange(both)), "Transfer-Encoding and Content-Length together (smuggling)");
    assertEquals(501, status(exchange(request(good, body).replace("Content-Length: " + body.length(),
        "Transfer-Encoding: gzip"))));
    assertEquals(400, status(exchange(request(good, body).replace("Content-Length: " + body.length(),
        "Content-Length: " + body.length() + "\r\nContent-Length: 5"))), "conflicting lengths");
    assertEquals(400, status(exchange(request(good, body).replace("Content-Length: " + body.length(),
        "Content-Length: -1"))));
    assertEquals(400, status(exchange(request(good, body).replace("Host: 127.0.0.1", " folded"))));
    assertEquals(400, status(exchange(request(good, body).replace("Host: 127.0.0.1", "Host: a\rb"))), "bare CR");
    assertEquals(404, status(exchange(request("/other?code=" + SECRET, body))));
    assertEquals(505, status(exchange(request(good, body).replace("HTTP/1.1\r\n", "HTTP/2.0\r\n"))));
    assertEquals(431, status(exchange("POST " + good + " HTTP/1.1\r\n" + "X-Many: y\r\n".repeat(200) + "\r\n")));
    assertEquals(431, status(exchange("POST /" + "a".repeat(10_000) + " HTTP/1.1\r\n\r\n")));
    assertEquals(413, status(exchange(request(good, body).replace("Content-Length: " + body.length(),
        "Content-Length: 999999999"))), "declared too large: answered without reading");
    assertEquals(405, status(exchange("GET " + good + " HTTP/1.1\r\nHost: x\r\n\r\n")));
    assertEquals(1 + 1, received.size(), "only the chunked and the 100-continue deliveries got through");
  }

  @Test
  void bodyShorterThanDeclaredIs400() throws Exception {
    start(WebhookServer.builder().handler(handler(Duration.ofSeconds(10))));
    try (Socket s = connect()) {
      s.setSoTimeout((int) ANSWERS_WITHIN.toMillis());
      s.getOutputStream().write(("POST /altinn/events?code=" + SECRET + " HTTP/1.1\r\nContent-Length: 100\r\n\r\n"
          + "{\"spec").getBytes(StandardCharsets.ISO_8859_1));
      s.shutdownOutput(); // the peer ends its side 94 bytes early
      assertEquals(400, status(readAll(s.getInputStream())));
    }
    assertTrue(received.isEmpty());
  }

  @Test
  void listenerThrowingAnErrorIs500AndTheServerKeepsServing() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    WebhookHandler h = WebhookHandler.builder().secret(SECRET).listener(e -> {
      if (calls.incrementAndGet() == 1) {
        throw new NoClassDefFoundError("com/example/MissingFromTheListenersClasspath");
      }
      received.add(e);
    }).build();
    start(WebhookServer.builder().handler(h).maxConnections(1));
    String d = request("/altinn/events?code=" + SECRET, event("err"));
    assertEquals(500, status(exchange(d)));
    assertEquals(200, status(exchange(d)), "redelivered and handled: the one worker survived");
    assertEquals(1, received.size());
  }

  /** Captures every java.util.logging record, formatted, so a test can look for what must never be there. */
  static final class JulCapture extends Handler implements AutoCloseable {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Logger root = Logger.getLogger("");
    private final Level rootLevel = root.getLevel();

    JulCapture() {
      setLevel(Level.ALL);
      setFormatter(new SimpleFormatter());
      root.setLevel(Level.ALL);
      root.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
      lines.add(getFormatter().format(r) + " | " + r.getMessage() + " | "
          + (r.getParameters() == null ? "" : List.of(r.getParameters())));
    }

    @Override
    public void flush() {
      // kept in memory
    }

    @Override
    public void close() {
      root.removeHandler(this);
      root.setLevel(rootLevel);
    }
  }

  @Test
  void secretNeverLoggedWhateverHappens() throws Exception {
    try (JulCapture jul = new JulCapture()) {
      start(WebhookServer.builder().handler(handler(Duration.ofSeconds(2))).headerTimeout(Duration.ofSeconds(2)));
      String good = "/altinn/events?code=" + SECRET;
      assertEquals(200, status(exchange(request(good, event("log-1")))));
      assertEquals(400, status(exchange(request(good, "{\"not\":\"an event\"}"))));
      assertEquals(404, status(exchange(request("/elsewhere?code=" + SECRET, "{}"))));
      assertEquals(431, status(exchange("POST " + good + " HTTP/1.1\r\n" + "X: y\r\n".repeat(200) + "\r\n")));
      assertEquals(408, status(exchange("POST " + good + " HTTP/1.1\r\nContent-Length: 10\r\n\r\n{")));
      assertEquals(408, status(exchange("POST " + good)));
      server.close();
      List<String> all = new ArrayList<>(CapturedLogs.lines());
      all.addAll(jul.lines);
      assertFalse(all.isEmpty(), "the server logged what it refused");
      assertFalse(all.stream().anyMatch(l -> l.contains(SECRET)), () -> String.join("\n", all));
    }
  }
}
