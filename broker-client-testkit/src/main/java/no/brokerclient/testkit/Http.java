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

/**
 * Response and request helpers shared by the fake's handlers: answers ({@link Reject} and its factories, {@link
 * #send}), the bearer-token check every server makes ({@link #caller}), and request parsing (query, headers, JSON,
 * ids). Routing is {@link Routes}.
 */
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
   * The request's bearer token, verified as issued by the fake (Maskinporten's or the exchanged Altinn token).
   *
   * @throws Reject 401 without body (with {@code WWW-Authenticate}) when it is missing or not valid
   */
  static JWTClaimsSet bearer(FakeMaskinporten issuer, HttpExchange ex) throws Reject {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    JWTClaimsSet c = auth != null && auth.startsWith("Bearer ") ? issuer.verifyIssued(auth.substring(7)) : null;
    if (c == null) {
      throw empty(401);
    }
    return c;
  }

  /**
   * The caller of a request that needs one of {@code anyOf}: a {@linkplain #bearer valid token} with such a scope.
   *
   * @throws Reject 401 for a bad token, 403 without body for a missing scope (as Altinn's scope policies)
   */
  static Caller caller(FakeMaskinporten issuer, HttpExchange ex, Set<String> anyOf) throws Reject {
    JWTClaimsSet c = bearer(issuer, ex);
    Caller caller = new Caller(org(c), scopes(c), c);
    if (!caller.hasAny(anyOf)) {
      throw empty(403);
    }
    return caller;
  }

  /** @return the token's space-separated {@code scope} claim as a set (empty without one) */
  static Set<String> scopes(JWTClaimsSet c) {
    return c.getClaim("scope") instanceof String s ? Set.of(s.split(" ")) : Set.of();
  }

  /** authorization_details system user, then urn:altinn:orgNumber, then consumer.ID (ClaimsPrincipalExtensions). */
  static String org(JWTClaimsSet c) {
    Object details = c.getClaim("authorization_details");
    if (details instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> d && d.get("systemuser_org") instanceof Map<?, ?> su
            && su.get("ID") instanceof String id) {
          return digits(id);
        }
      }
    }
    Object orgNumber = c.getClaim("urn:altinn:orgNumber");
    if (orgNumber instanceof String s) {
      return digits(s);
    }
    if (c.getClaim("consumer") instanceof Map<?, ?> consumer && consumer.get("ID") instanceof String id) {
      return digits(id);
    }
    return null;
  }

  /** @return an actor id without its prefix ({@code 0192:} or a URN), {@code null} for {@code null} */
  static String digits(String actor) {
    if (actor == null) {
      return null;
    }
    int i = actor.lastIndexOf(':');
    return i < 0 ? actor : actor.substring(i + 1);
  }

  /**
   * @param field the name the validation error gives
   * @return the id
   * @throws Reject 400 ValidationProblemDetails when it is not a UUID, as ASP.NET's model binding
   */
  static UUID uuid(String s, String field) throws Reject {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw validation(field, "The value '" + s + "' is not valid.");
    }
  }

  /** @throws Reject 400 ValidationProblemDetails unless the body is a JSON object */
  static ObjectNode object(JsonNode n) throws Reject {
    if (!(n instanceof ObjectNode o)) {
      throw validation("$", "The JSON value could not be converted.");
    }
    return o;
  }

  /**
   * @return the header as a number: -1 when absent, -2 when not a number
   */
  static long longHeader(HttpExchange ex, String name) {
    String v = ex.getRequestHeaders().getFirst(name);
    try {
      return v == null ? -1 : Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      return -2;
    }
  }

  /** The absolute base a server builds links from (its Host header). */
  static String base(HttpExchange ex) {
    String host = ex.getRequestHeaders().getFirst("Host");
    return "http://" + (host != null ? host : "localhost");
  }

  /** Reads and closes a request body (see {@link #drain(java.io.InputStream)}). */
  static void drain(HttpExchange ex) throws IOException {
    try (java.io.InputStream in = ex.getRequestBody()) {
      drain(in);
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
    n.put("type", "https://tools.ietf.org/html/rfc9110#section-15." + (status >= 500 ? "6." : "5.")
        + (status % 100 + 1));
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

  /**
   * An Altinn problem-details body ({@code AltinnValidationError}), as the Resource Registry and Authentication
   * answer.
   *
   * @param validationCode the single validation error's code, or {@code null} for none
   * @param path that error's path
   */
  static Reject altinnProblem(int status, String code, String title, String validationCode, String path) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "https://altinn.no/problems/" + code);
    n.put("title", title);
    n.put("status", status);
    n.put("code", code);
    if (validationCode != null) {
      ObjectNode v = n.putArray("validationErrors").addObject();
      v.put("code", validationCode);
      v.put("title", title);
      v.putArray("paths").add(path);
    }
    return new Reject(status, "application/problem+json", n.toString(), Map.of());
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
    sendText(ex, status, "application/json; charset=utf-8",
        value instanceof String s ? s : JSON.writeValueAsString(value));
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
    return form(ex.getRequestURI().getRawQuery());
  }

  /**
   * @param encoded {@code application/x-www-form-urlencoded} pairs (a query or a form body), or {@code null}
   * @return the decoded values per name, in order
   */
  static Map<String, List<String>> form(String encoded) {
    Map<String, List<String>> m = new HashMap<>();
    if (encoded == null) {
      return m;
    }
    for (String pair : encoded.split("&")) {
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
