package no.brokerclient;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Receives what the SDK does, for metrics and tracing (in the spirit of OkHttp's {@code EventListener}): every HTTP
 * attempt, every retry, token fetches, clock corrections, completed transfers, webhook deliveries and events the
 * poller found that the webhook missed. Set it with {@code telemetry(...)} on the builders of {@link BrokerClient},
 * {@link no.brokerclient.auth.Maskinporten}, and the events module's {@code EventsClient}, {@code WebhookHandler} and
 * {@code BrokerEventPoller}; {@code broker-client-micrometer} binds it to Micrometer.
 *
 * <p>Every method has an empty default, so new events can be added without breaking implementations: override only
 * what you need. Events carry no secrets (subscription key, tokens, grants, webhook secrets), no query strings and
 * no concrete ids in paths: a path is a template such as {@code /broker/api/v1/filetransfer/{fileTransferId}}.
 * Only {@link Transfer#fileTransferId()} names a transfer; keep it out of metric tags (unbounded cardinality).
 *
 * <p>Methods are called synchronously on the thread doing the work, so keep them fast and thread-safe. An exception
 * a method throws is caught and logged once at WARN; it never breaks the SDK's call. The values passed are
 * created by the SDK; their constructors may gain components in later versions.
 */
public abstract class TelemetryListener {
  /** A listener that ignores everything; the default. */
  public static final TelemetryListener NONE = new TelemetryListener() {
    @Override
    public String toString() {
      return "TelemetryListener.NONE";
    }
  };

  /** For subclasses. */
  protected TelemetryListener() {}

  /**
   * One HTTP attempt to Broker or Events ended: answered (any status) or failed with an I/O error.
   *
   * @param attempt what was tried and how it went
   */
  public void httpAttempt(HttpAttempt attempt) {}

  /**
   * The SDK will repeat a call after a wait (after a transient status such as 503 or 429, or an I/O error).
   *
   * @param retry which call, why, and how long it waits
   */
  public void retry(Retry retry) {}

  /**
   * A token request ended (Maskinporten, or Altinn's token exchange), with its retries: a token or a failure.
   *
   * @param fetch what was fetched and how it went
   */
  public void tokenFetch(TokenFetch fetch) {}

  /**
   * The offset to Maskinporten's clock changed (measured from its {@code Date} header after it rejected a grant's
   * time); grants are dated with it from now on.
   *
   * @param offset server clock minus local clock: positive when the local clock is behind
   */
  public void clockOffset(Duration offset) {}

  /**
   * An upload or a download to a file completed: all bytes sent, or received and verified.
   *
   * @param transfer which transfer, how many bytes, how long
   */
  public void transfer(Transfer transfer) {}

  /**
   * The webhook answered a delivery.
   *
   * @param outcome how the delivery was handled
   */
  public void webhookDelivery(WebhookOutcome outcome) {}

  /**
   * The poller found an event that the webhook had not delivered (and offered it to the listener).
   *
   * @param eventType the event type, e.g. {@code no.altinn.broker.published}
   */
  public void pollerCaughtMissedEvent(String eventType) {}

  /**
   * An SDK operation. Each request the SDK sends to Broker or Events carries it as an OkHttp tag ({@code
   * request.tag(TelemetryListener.Operation.class)}), so that an interceptor can name what it sees; other requests
   * (token requests, anything else on a shared client) have none.
   *
   * @param name e.g. {@code upload}, {@code getOverview}; {@code other} for a path the SDK does not know
   * @param method the HTTP method ({@code other} when unknown)
   * @param pathTemplate e.g. {@code /broker/api/v1/filetransfer/{fileTransferId}/upload} ({@code other} when unknown)
   */
  public record Operation(String name, String method, String pathTemplate) {}

  /**
   * One HTTP attempt.
   *
   * @param operation the SDK operation, e.g. {@code upload}, {@code getOverview}; {@code other} if unknown
   * @param method the HTTP method
   * @param pathTemplate the path with ids replaced, e.g. {@code /broker/api/v1/filetransfer/{fileTransferId}/upload};
   *     never a query string
   * @param status the HTTP status, or 0 when no answer came ({@link Outcome#IO_ERROR})
   * @param outcome the class of the status
   * @param duration from sending the request to the response's headers (or the failure)
   * @param retry 0 for the first attempt, 1 for the first retry, and so on
   */
  public record HttpAttempt(String operation, String method, String pathTemplate, int status, Outcome outcome,
      Duration duration, int retry) {
    /** Checks for {@code null}s. */
    public HttpAttempt {
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(pathTemplate, "pathTemplate");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * A retry about to wait.
   *
   * @param operation the SDK operation, or {@code maskinporten} / {@code altinnTokenExchange} for token requests
   * @param reason why: {@code 503}, {@code 429} (a status), or {@code io} for an I/O error
   * @param retry 1 for the first retry
   * @param delay how long the SDK waits before it
   */
  public record Retry(String operation, String reason, int retry, Duration delay) {}

  /**
   * A token request, with its retries.
   *
   * @param kind {@code maskinporten} or {@code altinnTokenExchange}
   * @param success whether a token came
   * @param duration how long it took, retries included
   * @param error on failure the exception's simple class name, e.g. {@code MaskinportenException}; else {@code null}
   */
  public record TokenFetch(String kind, boolean success, Duration duration, String error) {}

  /**
   * A completed transfer of a file's bytes.
   *
   * @param direction upload or download
   * @param fileTransferId the transfer (not for metric tags)
   * @param bytes the bytes sent or received
   * @param duration how long the bytes took (for a download: from the first request to verified bytes on disk)
   */
  public record Transfer(Direction direction, UUID fileTransferId, long bytes, Duration duration) {}

  /** The class of an HTTP attempt's result; the names follow Micrometer's {@code outcome} tag. */
  public enum Outcome {
    /** 1xx. */
    INFORMATIONAL,
    /** 2xx. */
    SUCCESS,
    /** 3xx (never followed). */
    REDIRECTION,
    /** 4xx. */
    CLIENT_ERROR,
    /** 5xx. */
    SERVER_ERROR,
    /** No answer: connection failure, timeout, interrupted. */
    IO_ERROR;

    /**
     * @param status an HTTP status, or 0 for none
     * @return its class
     */
    public static Outcome of(int status) {
      if (status >= 100 && status < 200) {
        return INFORMATIONAL;
      }
      if (status >= 200 && status < 300) {
        return SUCCESS;
      }
      if (status >= 300 && status < 400) {
        return REDIRECTION;
      }
      if (status >= 400 && status < 500) {
        return CLIENT_ERROR;
      }
      return status >= 500 ? SERVER_ERROR : IO_ERROR;
    }
  }

  /** Which way a transfer's bytes went. */
  public enum Direction {
    /** Sent to Broker. */
    UPLOAD,
    /** Received from Broker. */
    DOWNLOAD
  }

  /** How the webhook answered a delivery. */
  public enum WebhookOutcome {
    /** Delivered to the listener, which returned normally (200). */
    OK,
    /** Already handled (or being handled) within the deduplication window; acknowledged or deferred. */
    DUPLICATE,
    /** Altinn's subscription validation event, answered 200. */
    VALIDATION,
    /** For a role the handler does not accept; acknowledged without calling the listener. */
    SKIPPED,
    /** The secret was missing or wrong (401). */
    BAD_SECRET,
    /** Not a POST, too large, unreadable, or not a Broker event (4xx). */
    MALFORMED,
    /** The listener threw (500, so Altinn redelivers). */
    LISTENER_FAILED
  }
}
