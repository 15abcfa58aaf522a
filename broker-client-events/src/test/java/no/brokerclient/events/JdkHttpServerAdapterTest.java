package no.brokerclient.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class JdkHttpServerAdapterTest {
  static final String SECRET = WebhookServerTest.SECRET;

  static int post(int port, String target, String body) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write(WebhookServerTest.request(target, body).getBytes(StandardCharsets.ISO_8859_1));
      return WebhookServerTest.status(WebhookServerTest.readAll(s.getInputStream()));
    }
  }

  @Test
  void jdkServerLogAtFinestNeverRecordsTheSecret() throws Exception {
    Logger jdk = Logger.getLogger("com.sun.net.httpserver");
    Level before = jdk.getLevel();
    try (WebhookServerTest.JulCapture jul = new WebhookServerTest.JulCapture()) {
      jdk.setLevel(Level.ALL);
      WebhookHandler handler = WebhookHandler.builder().secret(SECRET).listener(e -> { }).build();
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/altinn/events", new JdkHttpServerAdapter(handler));
      server.start();
      try {
        int port = server.getAddress().getPort();
        assertEquals(200, post(port, "/altinn/events?code=" + SECRET, WebhookServerTest.event("jul-1")));
        assertEquals(401, post(port, "/altinn/events?x=1&code=" + SECRET + "x", WebhookServerTest.event("jul-2")));
        assertEquals(200, post(port, "/altinn/events?code=" + SECRET, "{\"specversion\":\"1.0\",\"id\":\"v\","
            + "\"source\":\"s\",\"type\":\"platform.events.validatesubscription\"}"));
      } finally {
        server.stop(0);
      }
      List<String> lines = List.copyOf(jul.lines);
      assertTrue(lines.stream().anyMatch(l -> l.contains("POST /altinn/events?code=****")),
          () -> "the JDK server logged its request lines, redacted:\n" + String.join("\n", lines));
      assertFalse(lines.stream().anyMatch(l -> l.contains(SECRET)), () -> String.join("\n", lines));
    } finally {
      jdk.setLevel(before);
    }
  }

  @Test
  void redactionKeepsNamesAndHidesEveryQueryValue() {
    assertEquals("POST /e?code=****&x=**** HTTP/1.1 [200 OK] ()",
        Redaction.queries("POST /e?code=s3cret&x=1 HTTP/1.1 [200 OK] ()"));
    assertEquals("no query here", Redaction.queries("no query here"));
    assertEquals("a?k=**** b?=****", Redaction.queries("a?k=v b?=w"));
  }
}
