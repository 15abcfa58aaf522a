package no.brokerclient;

import java.util.List;
import java.util.Map;
import no.brokerclient.internal.SharedSecrets;
import no.brokerclient.internal.Text;

/**
 * Altinn answered with an error status. Subclasses exist for the statuses callers act on: {@link
 * BrokerBadRequestException} (400, where most of Broker's {@code BRO-} codes arrive), {@link
 * BrokerUnauthorizedException} (401), {@link BrokerAccessDeniedException} (403), {@link BrokerNotFoundException}
 * (404), {@link BrokerConflictException} (409), {@link BrokerRateLimitedException} (429), {@link
 * BrokerServerException} (5xx) and {@link BrokerRedirectException} (3xx, never followed); any other status is this
 * class itself. The full parsed answer, with the response headers, is in {@link #error()}.
 *
 * <p>The SDK creates these; their constructors are not public API. The SDK's other modules add subclasses of their
 * own (e.g. broker-client-access's {@code VersionConflictException}).
 */
public class BrokerApiException extends BrokerException {
  private static final long serialVersionUID = 1L;

  static {
    SharedSecrets.setExceptionAccess(new ApiExceptions());
  }

  private final transient ApiError error;

  /**
   * For the SDK's own subclasses.
   *
   * @param error the parsed error
   * @param hint advice appended to the message, or {@code null}
   */
  protected BrokerApiException(ApiError error, String hint) {
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
