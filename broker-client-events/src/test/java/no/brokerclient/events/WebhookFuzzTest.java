package no.brokerclient.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.brokerclient.testing.CapturedLogs;

/**
 * Fuzzes webhook deliveries end to end through {@link WebhookHandler#handle}: the body limit, UTF-8 and strict JSON
 * checks, the CloudEvent parser and the listener call. Whatever arrives, the handler answers (never throws), hands
 * the listener at most one well-formed event (with nothing but whitespace after it), and treats a listener that
 * throws the same as one that does not, except for answering 500 so Altinn redelivers (the secret check, which comes
 * before any of this, is tested in {@link WebhookHandlerTest}). The normal build replays
 * {@code WebhookFuzzTestInputs/}.
 */
class WebhookFuzzTest {
  private static final String SECRET = "fuzz-secret-0123456789";
  private static final URI URI_WITH_SECRET = URI.create("/altinn/events?code=" + SECRET);
  private static final int MAX_BODY = 4096;
  private static final Set<Integer> ANSWERS = Set.of(200, 400, 413);

  private static boolean oneJsonValue(byte[] body) {
    try (JsonParser p = new ObjectMapper().createParser(body)) {
      p.nextToken();
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  @FuzzTest
  void delivery(byte[] body) {
    CapturedLogs.clear(); // the test logger keeps lines; millions of inputs must not pile them up
    List<BrokerEvent> received = new ArrayList<>();
    WebhookHandler accepting = WebhookHandler.builder().secret(SECRET).maxBodyBytes(MAX_BODY)
        .listener(received::add).build();
    WebhookHandler.Response ok = accepting.handle("POST", URI_WITH_SECRET, Map.of(), new ByteArrayInputStream(body));

    assertTrue(ANSWERS.contains(ok.status()), "unexpected answer " + ok.status());
    assertTrue(received.size() <= 1, "one delivery, one listener call");
    assertFalse(ok.body().chars().anyMatch(Character::isISOControl), ok.body());
    assertTrue(ok.body().length() <= 200, "short answers: " + ok.body().length());
    if (body.length > MAX_BODY) {
      assertEquals(413, ok.status());
    }
    if (!received.isEmpty()) {
      assertEquals(200, ok.status());
      BrokerEvent e = received.get(0);
      for (String field : List.of(e.id(), e.source())) {
        assertFalse(field.isBlank());
        assertTrue(field.length() <= 1024);
        assertFalse(field.chars().anyMatch(Character::isISOControl), "safe to log: " + field);
      }
      assertNotNull(e.type());
      assertTrue(e.type().value().length() <= EventType.MAX_LENGTH);
      assertFalse(e.type().value().chars().anyMatch(Character::isISOControl), "a type is safe to log");
      assertNotNull(e.role());
      assertFalse(EventType.VALIDATE_SUBSCRIPTION.equals(e.type()), "validation pings never reach the listener");
      String text = new String(body, StandardCharsets.UTF_8);
      assertTrue(text.contains("\"1.0\""), "only specversion 1.0 is accepted");
      assertTrue(oneJsonValue(body), "nothing but whitespace after the event");
    }

    List<BrokerEvent> thrown = new ArrayList<>();
    WebhookHandler failing = WebhookHandler.builder().secret(SECRET).maxBodyBytes(MAX_BODY).listener(e -> {
      thrown.add(e);
      throw new IllegalStateException("listener down");
    }).build();
    WebhookHandler.Response failed = failing.handle("POST", URI_WITH_SECRET, Map.of(),
        new ByteArrayInputStream(body));
    assertEquals(received.size(), thrown.size(), "the same bodies reach a failing listener");
    assertEquals(received.isEmpty() ? ok.status() : 500, failed.status(),
        "a failing listener turns 200 into 500 (Altinn redelivers), nothing else changes");
  }
}
