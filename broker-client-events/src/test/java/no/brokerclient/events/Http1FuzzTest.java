package no.brokerclient.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Fuzzes what {@link WebhookServer} reads from a peer before the handler sees anything: {@link Http1#readHead} and
 * the framed body. Whatever arrives, the reader either refuses it with one of the statuses the server answers
 * (400, 431, 501, 505) or an {@link IOException} (the peer ended early, a malformed chunk), or hands over a request
 * line and headers within the limits and free of control characters, and a body no longer than what was sent. The
 * normal build replays {@code Http1FuzzTestInputs/}.
 */
class Http1FuzzTest {
  private static final Set<Integer> REFUSALS = Set.of(400, 431, 501, 505);

  @FuzzTest
  void request(byte[] raw) {
    Http1.Input in = new Http1.Input(new ByteArrayInputStream(raw), millis -> { },
        System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
    Http1.Head head;
    try {
      head = Http1.readHead(in);
    } catch (Http1.HttpError e) {
      assertTrue(REFUSALS.contains(e.status), "unexpected status " + e.status);
      return;
    } catch (IOException e) {
      return;
    }
    assertTrue(head.target().startsWith("/"));
    assertFalse(controlOrSpace(head.method()), head.method());
    assertFalse(controlOrSpace(head.target()), "a target is safe to parse and log: " + head.target());
    assertTrue(head.headers().values().stream().mapToInt(List::size).sum() <= Http1.MAX_HEADERS);
    for (Map.Entry<String, List<String>> h : head.headers().entrySet()) {
      assertFalse(controlOrSpace(h.getKey()), h.getKey());
      for (String v : h.getValue()) {
        assertFalse(v.replace('\t', ' ').chars().anyMatch(c -> c < 0x20 || c == 0x7f), "no CR, LF or NUL in " + v);
      }
    }
    try {
      InputStream body = Http1.body(head, in, () -> { }, () -> { });
      assertTrue(body.readNBytes(raw.length + 1).length <= raw.length, "never more body than bytes sent");
    } catch (Http1.HttpError e) {
      assertTrue(REFUSALS.contains(e.status), "unexpected status " + e.status);
    } catch (IOException e) {
      // ended early or malformed chunk: answered 400 by the handler
    }
  }

  private static boolean controlOrSpace(String s) {
    return s.chars().anyMatch(c -> c <= 0x20 || c == 0x7f);
  }
}
