package no.brokerclient.events;

import no.brokerclient.TelemetryListener.WebhookOutcome;

/** The one place that names a {@link WebhookHandler} answer's {@link WebhookOutcome}, for telemetry. */
final class WebhookOutcomes {
  private WebhookOutcomes() {}

  /**
   * @param r the handler's answer
   * @return its outcome
   */
  static WebhookOutcome of(WebhookHandler.Response r) {
    int s = r.status();
    if (s == 401 || s == 403) {
      return WebhookOutcome.BAD_SECRET;
    }
    if (s == 500) {
      return WebhookOutcome.LISTENER_FAILED;
    }
    if (s == 503) {
      return WebhookOutcome.DUPLICATE; // being handled by another delivery right now
    }
    if (s >= 400) {
      return WebhookOutcome.MALFORMED;
    }
    String body = r.body() == null ? "" : r.body();
    if (body.startsWith("duplicate")) {
      return WebhookOutcome.DUPLICATE;
    }
    if (body.startsWith("validated")) {
      return WebhookOutcome.VALIDATION;
    }
    if (body.startsWith("skipped")) {
      return WebhookOutcome.SKIPPED;
    }
    return WebhookOutcome.OK;
  }
}
