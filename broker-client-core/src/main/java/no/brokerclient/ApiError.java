package no.brokerclient;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What Altinn said when it answered with an error status, parsed leniently from RFC 9457 ProblemDetails (with
 * Broker's {@code code} and {@code traceId}), ASP.NET ValidationProblemDetails, a text/plain body or no body at all.
 * The HTTP status is always present; every other field may be {@code null} (or empty).
 *
 * @param method HTTP method of the failed request
 * @param path path (and query) of the failed request
 * @param status HTTP status code
 * @param code Broker's error code such as {@code BRO-00009}, or {@code null}
 * @param title ProblemDetails {@code title}, or {@code null}
 * @param detail ProblemDetails {@code detail}, or the text of a text/plain body, or {@code null}
 * @param traceId ProblemDetails {@code traceId}, or {@code null}
 * @param validationErrors ValidationProblemDetails {@code errors}: field name to messages; empty when absent
 * @param rawBody the response body as received (at most 16 KiB), empty when there was none
 */
public record ApiError(
    String method,
    String path,
    int status,
    String code,
    String title,
    String detail,
    String traceId,
    Map<String, List<String>> validationErrors,
    String rawBody) {

  /** Copies the map and body defensively; {@code null} becomes empty. */
  public ApiError {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    validationErrors = validationErrors == null ? Map.of() : Map.copyOf(validationErrors);
    rawBody = rawBody == null ? "" : rawBody;
  }

  /**
   * @param brokerCode a code such as {@code BRO-00004}
   * @return whether this error carries that code
   */
  public boolean hasCode(String brokerCode) {
    return brokerCode.equals(code);
  }
}
