package no.brokerclient;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What Altinn said when it answered with an error status, parsed leniently from RFC 9457 ProblemDetails (with
 * Broker's {@code code} and {@code traceId}), ASP.NET ValidationProblemDetails, a text/plain body or no body at all.
 * The HTTP status is always present; every other field may be {@code null} (or empty). A value the SDK creates from
 * a response: see "How values evolve" in {@link no.brokerclient.model}.
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
 * @param headers the response headers: lower-case name (sorted) to values in the order received; empty when
 *     unknown. Never holds {@code Set-Cookie}, {@code Authorization}, the subscription key, other credential
 *     headers or {@code Location}, even if a server sent them
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
    String rawBody,
    Map<String, List<String>> headers) {

  /**
   * Headers that carry credentials or session state, never kept whatever the server sends; and {@code Location},
   * whose query may hold a signed URL's credentials ({@link BrokerRedirectException#location()} has it cleaned).
   */
  private static final Set<String> NEVER_KEPT = Set.of("set-cookie", "set-cookie2", "cookie", "authorization",
      "proxy-authorization", "ocp-apim-subscription-key", "location");

  /**
   * Copies the maps and body defensively; {@code null} becomes empty; header names become lower case and credential
   * headers are dropped.
   */
  public ApiError {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    validationErrors = validationErrors == null ? Map.of() : Map.copyOf(validationErrors);
    rawBody = rawBody == null ? "" : rawBody;
    headers = keptHeaders(headers);
  }

  /**
   * An error without response headers, as before they were kept.
   *
   * @param method HTTP method of the failed request
   * @param path path (and query) of the failed request
   * @param status HTTP status code
   * @param code Broker's error code, or {@code null}
   * @param title ProblemDetails {@code title}, or {@code null}
   * @param detail ProblemDetails {@code detail}, or {@code null}
   * @param traceId ProblemDetails {@code traceId}, or {@code null}
   * @param validationErrors field name to messages, or {@code null}
   * @param rawBody the response body, or {@code null}
   */
  public ApiError(String method, String path, int status, String code, String title, String detail, String traceId,
      Map<String, List<String>> validationErrors, String rawBody) {
    this(method, path, status, code, title, detail, traceId, validationErrors, rawBody, Map.of());
  }

  /**
   * @param brokerCode a code such as {@code BRO-00004}
   * @return whether this error carries that code
   */
  public boolean hasCode(String brokerCode) {
    return brokerCode.equals(code);
  }

  /**
   * @param name a header name, in any case, e.g. {@code Retry-After}
   * @return its first value, or empty when the response had none (or it is a credential header, never kept)
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  private static Map<String, List<String>> keptHeaders(Map<String, List<String>> headers) {
    if (headers == null || headers.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> kept = new TreeMap<>();
    headers.forEach((name, values) -> {
      String n = Objects.requireNonNull(name, "header name").toLowerCase(Locale.ROOT);
      if (!NEVER_KEPT.contains(n) && values != null) {
        kept.computeIfAbsent(n, k -> new ArrayList<>()).addAll(values.stream().filter(Objects::nonNull).toList());
      }
    });
    kept.replaceAll((n, values) -> List.copyOf(values));
    return Collections.unmodifiableMap(kept);
  }
}
