package no.brokerclient.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Response and request helpers shared by the fake's handlers. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  private Http() {}

  /** Thrown by handlers to answer at once. */
  static final class Reject extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String contentType;
    final String body;
    final transient Map<String, String> headers;

    Reject(int status, String contentType, String body, Map<String, String> headers) {
      super(null, null, false, false);
      this.status = status;
      this.contentType = contentType;
      this.body = body;
      this.headers = headers;
    }
  }

  /** The authenticated caller. */
  record Caller(String org, Set<String> scopes, JWTClaimsSet claims) {
    boolean hasAny(Set<String> wanted) {
      return wanted.stream().anyMatch(scopes::contains);
    }
  }

  /**
   * Reads a request body to its end. Not {@code skip()}: the JDK server's fixed-length body stream does not bound
   * it, so it would read past the request into the connection and block.
   */
  static void drain(java.io.InputStream in) throws IOException {
    byte[] buf = new byte[16 * 1024];
    while (in.read(buf) != -1) {
      // discard
    }
  }

  static Reject problem(int status, int code, String detail) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "https://tools.ietf.org/html/rfc9110#section-15." + (status >= 500 ? "6." : "5.") + (status % 100 + 1));
    n.put("title", title(status));
    n.put("status", status);
    n.put("detail", detail);
    n.put("code", String.format("BRO-%05d", code));
    n.put("traceId", "00-" + UUID.randomUUID().toString().replace("-", "") + "-0000000000000001-01");
    return new Reject(status, "application/problem+json", n.toString(), Map.of());
  }

  static Reject validation(String field, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "https://tools.ietf.org/html/rfc9110#section-15.5.1");
    n.put("title", "One or more validation errors occurred.");
    n.put("status", 400);
    n.putObject("errors").putArray(field).add(message);
    n.put("traceId", "00-" + UUID.randomUUID().toString().replace("-", "") + "-0000000000000001-01");
    return new Reject(400, "application/problem+json", n.toString(), Map.of());
  }

  static Reject empty(int status) {
    return new Reject(status, null, "", status == 401
        ? Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\"") : Map.of());
  }

  static Reject text(int status, String text) {
    return new Reject(status, "text/plain; charset=utf-8", text, Map.of());
  }

  /** A JSON string literal body, as the Events controllers write errors. */
  static Reject jsonString(int status, String text) {
    try {
      return new Reject(status, "application/json; charset=utf-8", JSON.writeValueAsString(text), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 416 -> "Range Not Satisfiable";
      case 503 -> "Service Unavailable";
      default -> "Internal Server Error";
    };
  }

  static void send(HttpExchange ex, Reject r) throws IOException {
    r.headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    sendText(ex, r.status, r.contentType, r.body);
  }

  static void sendJson(HttpExchange ex, int status, Object value) throws IOException {
    sendText(ex, status, "application/json; charset=utf-8", value instanceof String s ? s : JSON.writeValueAsString(value));
  }

  static void sendText(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null && b.length > 0) {
      ex.getResponseHeaders().set("Content-Type", contentType);
    }
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
  }

  static Map<String, List<String>> query(HttpExchange ex) {
    Map<String, List<String>> m = new HashMap<>();
    String q = ex.getRequestURI().getRawQuery();
    if (q == null) {
      return m;
    }
    for (String pair : q.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      String[] kv = pair.split("=", 2);
      m.computeIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), k -> new java.util.ArrayList<>())
          .add(kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return m;
  }

  static String first(Map<String, List<String>> q, String key) {
    for (Map.Entry<String, List<String>> e : q.entrySet()) {
      if (e.getKey().equalsIgnoreCase(key) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  /** Broker's Accept rule: a present Accept header must allow the produced type (or *&#47;*), else 406. */
  static void requireAccept(HttpExchange ex, String produced) throws Reject {
    List<String> accepts = ex.getRequestHeaders().get("Accept");
    if (accepts == null || accepts.isEmpty()) {
      return;
    }
    String major = produced.substring(0, produced.indexOf('/'));
    for (String header : accepts) {
      for (String part : header.split(",")) {
        String type = part.split(";")[0].strip().toLowerCase();
        if (type.equals(produced) || type.equals("*/*") || type.equals(major + "/*") || type.isEmpty()) {
          return;
        }
      }
    }
    throw text(406, "This endpoint does not support the requested Accept header. Supported: " + produced);
  }

  /**
   * The member of a JSON object whose name matches case-insensitively, as ASP.NET Core binds request bodies.
   *
   * @return the member, or {@code null} when absent
   */
  static JsonNode member(JsonNode object, String name) {
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** @return the member's text, or {@code null} when absent or JSON null */
  static String memberText(JsonNode object, String name) {
    JsonNode v = member(object, name);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Sets TCP_NODELAY for the JDK HTTP server (else small answers wait ~40 ms on Nagle + delayed ACK), unless set. */
  static void preferNoDelay() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  static JsonNode readJson(HttpExchange ex, int limit) throws Reject, IOException {
    byte[] b = ex.getRequestBody().readNBytes(limit + 1);
    if (b.length > limit) {
      throw validation("body", "request body too large");
    }
    try {
      return JSON.readTree(b);
    } catch (IOException e) {
      throw validation("$", "The JSON value could not be converted.");
    }
  }
}
