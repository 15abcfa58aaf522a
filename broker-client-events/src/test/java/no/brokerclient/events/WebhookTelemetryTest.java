package no.brokerclient.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import no.brokerclient.TelemetryListener;
import no.brokerclient.TelemetryListener.WebhookOutcome;
import org.junit.jupiter.api.Test;

/** Each way the webhook answers is reported to the TelemetryListener as its outcome, and only that. */
class WebhookTelemetryTest {
  static final String SECRET = WebhookHandlerTest.SECRET;
  static final URI GOOD = WebhookHandlerTest.GOOD;

  final List<WebhookOutcome> outcomes = new CopyOnWriteArrayList<>();
  final TelemetryListener capture = new TelemetryListener() {
    @Override
    public void webhookDelivery(WebhookOutcome outcome) {
      outcomes.add(outcome);
    }
  };

  WebhookHandler.Response post(WebhookHandler h, String method, URI uri, String body) {
    return h.handle(method, uri, Map.of(), new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void everyOutcomeIsReported() {
    boolean[] fail = {false};
    WebhookHandler h = WebhookHandler.builder().secret(SECRET).roles(EventRole.RECIPIENT).telemetry(capture)
        .listener(e -> {
          if (fail[0]) {
            throw new IllegalStateException("listener down");
          }
        }).build();
    String published = WebhookHandlerTest.delivery(UUID.randomUUID().toString(), "no.altinn.broker.published",
        "Recipient");
    String validation = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":"
        + "\"https://platform.tt02.altinn.no/events/api/v1/subscriptions/1619\",\"type\":"
        + "\"platform.events.validatesubscription\"}";
    assertEquals(200, post(h, "POST", GOOD, published).status());
    assertEquals(200, post(h, "POST", GOOD, published).status());
    assertEquals(200, post(h, "POST", GOOD, validation).status());
    assertEquals(200, post(h, "POST", GOOD, WebhookHandlerTest.delivery(UUID.randomUUID().toString(),
        "no.altinn.broker.published", "Sender")).status());
    assertEquals(401, post(h, "POST", URI.create("/altinn/events?code=wrong"), published).status());
    assertEquals(400, post(h, "POST", GOOD, "{not json").status());
    assertEquals(405, post(h, "GET", GOOD, "").status());
    fail[0] = true;
    assertEquals(500, post(h, "POST", GOOD, WebhookHandlerTest.delivery(UUID.randomUUID().toString(),
        "no.altinn.broker.filepurged", "Recipient")).status());
    assertEquals(List.of(WebhookOutcome.OK, WebhookOutcome.DUPLICATE, WebhookOutcome.VALIDATION,
        WebhookOutcome.SKIPPED, WebhookOutcome.BAD_SECRET, WebhookOutcome.MALFORMED, WebhookOutcome.MALFORMED,
        WebhookOutcome.LISTENER_FAILED), outcomes);
  }
}
