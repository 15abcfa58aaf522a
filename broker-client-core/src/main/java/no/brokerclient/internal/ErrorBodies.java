package no.brokerclient.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.brokerclient.ApiError;

/**
 * Parses Altinn error bodies leniently: ProblemDetails (with Broker's {@code code} and {@code traceId}),
 * ValidationProblemDetails ({@code errors}), Altinn's {@code validationErrors[]} (keyed by their codes), a JSON
 * string, text/plain, or nothing. Never throws; a body it cannot
 * understand is kept raw, and the status is never lost. Internal.
 */
public final class ErrorBodies {
  /** Bodies longer than this are truncated before parsing. */
  public static final int MAX_BODY_CHARS = 16 * 1024;

  private ErrorBodies() {}

  /**
   * @param method the request method
   * @param path the request path and query
   * @param status the HTTP status
   * @param body the body text, possibly empty
   * @return the parsed error, without headers
   */
  public static ApiError parse(String method, String path, int status, String body) {
    return parse(method, path, status, Map.of(), body);
  }

  /**
   * @param method the request method
   * @param path the request path and query
   * @param status the HTTP status
   * @param headers the response headers (name to values); {@link ApiError} drops the credential ones
   * @param body the body text, possibly empty
   * @return the parsed error
   */
  public static ApiError parse(String method, String path, int status, Map<String, List<String>> headers,
      String body) {
    String raw = body == null ? "" : body;
    String trimmed = raw.strip();
    if (trimmed.isEmpty()) {
      return new ApiError(method, path, status, null, null, null, null, Map.of(), raw, headers);
    }
    if (trimmed.startsWith("{") || trimmed.startsWith("\"")) {
      try {
        JsonNode node = Json.tree(new ByteArrayInputStream(trimmed.getBytes(StandardCharsets.UTF_8)));
        if (node != null && node.isTextual()) {
          return new ApiError(method, path, status, null, null, node.asText(), null, Map.of(), raw, headers);
        }
        if (node != null && node.isObject()) {
          Map<String, List<String>> errors = errors(node.get("errors"));
          errors.putAll(altinnValidationErrors(node.get("validationErrors")));
          return new ApiError(method, path, status, text(node, "code"), text(node, "title"), text(node, "detail"),
              text(node, "traceId"), errors, raw, headers);
        }
      } catch (IOException | RuntimeException e) {
        // not JSON after all: fall through to plain text
      }
    }
    return new ApiError(method, path, status, null, null, shorten(trimmed), null, Map.of(), raw, headers);
  }

  private static String shorten(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500) + "…";
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }

  /**
   * Altinn's problem details (Resource Registry, Authentication): {@code validationErrors[]} of {@code {code, title,
   * paths, detail}}, keyed by code such as {@code RR.VLD-00001}.
   */
  private static Map<String, List<String>> altinnValidationErrors(JsonNode errors) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (errors == null || !errors.isArray()) {
      return out;
    }
    for (JsonNode e : errors) {
      String code = e.isObject() ? text(e, "code") : null;
      if (code == null) {
        continue;
      }
      List<String> messages = out.computeIfAbsent(code, k -> new ArrayList<>());
      for (String field : List.of("title", "detail")) {
        String v = text(e, field);
        if (v != null) {
          messages.add(v);
        }
      }
      if (e.path("paths").isArray() && !e.path("paths").isEmpty()) {
        messages.add("at " + e.path("paths"));
      }
    }
    return out;
  }

  private static Map<String, List<String>> errors(JsonNode errors) {
    if (errors == null || !errors.isObject()) {
      return new LinkedHashMap<>();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    errors.properties().forEach(e -> {
      List<String> messages = new ArrayList<>();
      if (e.getValue().isArray()) {
        e.getValue().forEach(m -> messages.add(m.asText()));
      } else {
        messages.add(e.getValue().asText());
      }
      out.put(e.getKey(), messages);
    });
    return out;
  }
}
