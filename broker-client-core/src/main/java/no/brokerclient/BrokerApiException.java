package no.brokerclient;

import java.util.List;
import java.util.Map;
import no.brokerclient.internal.Text;

/**
 * Altinn answered with an error status. Subclasses exist for the statuses callers act on: {@link
 * BrokerUnauthorizedException} (401), {@link BrokerAccessDeniedException} (403), {@link BrokerNotFoundException}
 * (404), {@link BrokerConflictException} (409), {@link BrokerRateLimitedException} (429) and {@link
 * BrokerServerException} (5xx). The full parsed body is in {@link #error()}.
 */
public class BrokerApiException extends BrokerException {
  private static final long serialVersionUID = 1L;

  private final transient ApiError error;

  /**
   * @param error the parsed error
   * @param hint advice appended to the message, or {@code null}
   */
  public BrokerApiException(ApiError error, String hint) {
    super(message(error, hint));
    this.error = error;
  }

  /** @return the parsed error response */
  public ApiError error() {
    return error;
  }

  /** @return the HTTP status code */
  public int statusCode() {
    return error.status();
  }

  /** @return Broker's error code such as {@code BRO-00009}, or {@code null} when the body had none */
  public String errorCode() {
    return error.code();
  }

  /** @return the ProblemDetails {@code detail} (or plain-text body), or {@code null} */
  public String detail() {
    return error.detail();
  }

  /** @return the ProblemDetails {@code traceId}, or {@code null}; quote it when contacting Altinn */
  public String traceId() {
    return error.traceId();
  }

  /** @return validation errors by field name; empty when the body had none */
  public Map<String, List<String>> validationErrors() {
    return error.validationErrors();
  }

  /** Longest piece of a response body quoted in a message; the whole is in {@link #error()}. */
  private static final int QUOTE = 2000;

  private static String message(ApiError e, String hint) {
    StringBuilder b = new StringBuilder();
    b.append(e.method()).append(' ').append(e.path()).append(" failed: HTTP ").append(e.status());
    if (e.title() != null) {
      b.append(' ').append(Text.clean(e.title(), 200));
    }
    if (e.code() != null) {
      b.append(" [").append(Text.clean(e.code(), 40)).append(']');
    }
    if (e.detail() != null && !e.detail().isBlank()) {
      b.append(": ").append(Text.clean(e.detail(), QUOTE));
    }
    if (!e.validationErrors().isEmpty()) {
      StringBuilder v = new StringBuilder();
      e.validationErrors().forEach((field, messages) ->
          v.append(field).append(' ').append(messages).append("; "));
      v.setLength(v.length() - 2);
      b.append("; invalid fields: ").append(Text.clean(v.toString(), QUOTE));
    }
    if (e.traceId() != null) {
      b.append(" (traceId ").append(Text.clean(e.traceId(), 100)).append(')');
    }
    if (hint != null) {
      b.append(". ").append(hint);
    }
    return b.toString();
  }
}
