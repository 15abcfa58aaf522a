package no.brokerclient.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import no.brokerclient.testkit.Http.Reject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Altinn Events for Broker resources as {@code altinn-events.md} describes the server: subscription validation in
 * server order with its error bodies, idempotent create, validation events, and delivery of Broker events to
 * matching validated subscriptions in Altinn's exact JSON, redelivered on non-2xx.
 */
final class FakeEvents implements FakeBrokerStore.EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(FakeEvents.class);
  static final String SUBSCRIBE = "altinn:events.subscribe";
  private static final Pattern URN = Pattern.compile("^urn:[a-z0-9-]{1,30}(:[a-z0-9()+,.\\-;$_!/]{1,100}){1,10}$");

  /** A stored subscription. */
  static final class Sub {
    final int id;
    final String endPoint;
    final String sourceFilter;
    final String resourceFilter;
    final String subjectFilter;
    final String typeFilter;
    final boolean includeSubunits;
    final String consumer;
    final Instant created;
    volatile boolean validated;

    Sub(int id, String endPoint, String sourceFilter, String resourceFilter, String subjectFilter, String typeFilter,
        boolean includeSubunits, String consumer, Instant created) {
      this.id = id;
      this.endPoint = endPoint;
      this.sourceFilter = sourceFilter;
      this.resourceFilter = resourceFilter;
      this.subjectFilter = subjectFilter;
      this.typeFilter = typeFilter;
      this.includeSubunits = includeSubunits;
      this.consumer = consumer;
      this.created = created;
    }

    boolean sameAs(Sub o) {
      return endPoint.equals(o.endPoint) && Objects.equals(sourceFilter, o.sourceFilter)
          && resourceFilter.equals(o.resourceFilter) && Objects.equals(subjectFilter, o.subjectFilter)
          && Objects.equals(typeFilter, o.typeFilter) && includeSubunits == o.includeSubunits
          && consumer.equals(o.consumer);
    }
  }

  private final FakeAltinn altinn;
  private final ScheduledExecutorService scheduler;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<Integer, Sub> subs = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger(1000);
  private final List<FakeAltinn.Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());
  volatile boolean legacyDocs;
  volatile List<Duration> retryDelays = List.of(Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(1),
      Duration.ofSeconds(2), Duration.ofSeconds(5));
  volatile Duration timeout = Duration.ofSeconds(45);

  FakeEvents(FakeAltinn altinn, ScheduledExecutorService scheduler) {
    this.altinn = altinn;
    this.scheduler = scheduler;
  }

  List<FakeAltinn.Delivery> deliveries() {
    return new ArrayList<>(deliveries);
  }

  List<Sub> subscriptions() {
    return new ArrayList<>(subs.values());
  }

  // ------------------------------------------------------------------------------------------------ API

  void handle(HttpExchange ex) throws IOException {
    Routes.serve(ex, this::route);
  }

  private void route(HttpExchange ex) throws Reject, IOException {
    String[] p = Routes.segments(ex, false);
    // "", events, api, v1, subscriptions, [id]
    Subscriber caller = caller(ex);
    String m = ex.getRequestMethod();
    if (p.length == 5 && m.equals("POST")) {
      create(ex, caller);
    } else if (p.length == 5 && m.equals("GET")) {
      ObjectNode n = Http.JSON.createObjectNode();
      var arr = n.putArray("subscriptions");
      subs.values().stream().filter(s -> s.consumer.equals(caller.consumer())).sorted((a, b) -> a.id - b.id)
          .forEach(s -> arr.add(json(s)));
      n.put("count", arr.size());
      Http.sendJson(ex, 200, n);
    } else if (p.length == 6) {
      int id;
      try {
        id = Integer.parseInt(p[5]);
      } catch (NumberFormatException e) {
        throw Http.validation("id", "The value '" + p[5] + "' is not valid.");
      }
      Sub s = subs.get(id);
      if (s == null) {
        throw Http.empty(404);
      }
      if (!s.consumer.equals(caller.consumer())) {
        throw Http.empty(403);
      }
      if (m.equals("GET")) {
        Http.sendJson(ex, 200, json(s));
      } else if (m.equals("DELETE")) {
        subs.remove(id);
        Http.sendText(ex, 200, null, null);
      } else {
        throw Http.text(405, "");
      }
    } else {
      throw Http.text(405, "");
    }
  }

  /** Who calls the Events API: the consumer the server records, and the token's scopes. */
  private record Subscriber(String consumer, Set<String> scopes) {}

  /** Events accepts only Altinn tokens (exchanged), not raw Maskinporten tokens. */
  private Subscriber caller(HttpExchange ex) throws Reject {
    JWTClaimsSet c = Http.bearer(altinn.maskinporten(), ex);
    if (!altinn.maskinporten().altinnIssuer().equals(c.getIssuer())) {
      throw Http.empty(401);
    }
    Set<String> scopes = Http.scopes(c);
    String org = Http.org(c);
    Object details = c.getClaim("authorization_details");
    boolean systemUser = details instanceof List<?> l && !l.isEmpty();
    return new Subscriber((systemUser ? "/systemuser/" : "/organisation/") + org, scopes);
  }

  private void create(HttpExchange ex, Subscriber caller) throws Reject, IOException {
    String consumer = caller.consumer();
    JsonNode b = Http.readJson(ex, 1 << 16);
    for (String f : List.of("endPoint", "resourceFilter", "subjectFilter", "typeFilter", "sourceFilter",
        "alternativeSubjectFilter")) {
      JsonNode v = Http.member(b, f);
      if (v != null && !v.isNull() && !v.isTextual()) {
        throw Http.validation(f, "The JSON value could not be converted to System.String.");
      }
    }
    String endPoint = Http.memberText(b, "endPoint");
    if (!validEndpoint(endPoint)) {
      throw Http.jsonString(400, "Missing or invalid endpoint to push events towards");
    }
    String source = Http.memberText(b, "sourceFilter");
    if (source != null && !isHttps(source)) {
      throw Http.jsonString(400, "SourceFilter must be an absolute URL with the https scheme.");
    }
    if (!caller.scopes().contains(SUBSCRIBE)) {
      throw Http.empty(403);
    }
    String resource = Http.memberText(b, "resourceFilter");
    if (resource != null && !URN.matcher(resource).matches()) {
      throw Http.jsonString(400, "Resource filter must be a valid urn");
    }
    if (resource == null || resource.isEmpty()) {
      throw Http.jsonString(400, "Resource filter is required.");
    }
    if (source != null && !legacyDocs) {
      throw Http.jsonString(400, "Source filter is not supported for subscriptions on this resource.");
    }
    String alt = Http.memberText(b, "alternativeSubjectFilter");
    if (alt != null && !alt.isEmpty()) {
      throw Http.jsonString(400, "AlternativeSubject filter is not supported for subscriptions on this resource.");
    }
    String subject = Http.memberText(b, "subjectFilter");
    boolean subunits = Http.member(b, "includeSubunits") != null && Http.member(b, "includeSubunits").asBoolean();
    if (subunits && (subject == null || subject.isEmpty())) {
      throw Http.jsonString(400, "IncludeSubunits requires a subject filter.");
    }
    String org = consumer.substring(consumer.lastIndexOf('/') + 1);
    FakeBrokerStore.Resource r = altinn.broker().resource(resource.substring(resource.lastIndexOf(':') + 1));
    boolean owner = r != null && r.owner.equals(org);
    boolean permitted = r != null && (owner || (subject != null
        && subject.equals("urn:altinn:organization:identifier-no:" + org)
        && altinn.broker().hasAccess(r, org, "subscribe")));
    if (!permitted) {
      throw Http.jsonString(403, "Not authorized to create a subscription for resource " + resource + ".");
    }
    Sub candidate = new Sub(0, endPoint, source, resource, subject, Http.memberText(b, "typeFilter"), subunits,
        consumer, altinn.clock().instant());
    Sub sub = subs.values().stream().filter(s -> s.sameAs(candidate)).findFirst().orElse(null);
    if (sub == null) {
      sub = new Sub(ids.incrementAndGet(), endPoint, source, resource, subject, candidate.typeFilter, subunits,
          consumer, candidate.created);
      subs.put(sub.id, sub);
    }
    ex.getResponseHeaders().set("Location", "/events/api/v1/subscription/" + sub.id);
    Http.sendJson(ex, 201, json(sub));
    sendValidation(sub);
  }

  private static boolean isHttps(String url) {
    try {
      URI u = new URI(url);
      return u.isAbsolute() && "https".equalsIgnoreCase(u.getScheme());
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Absolute https, as the server requires; plain http only to loopback so tests can receive locally. */
  private static boolean validEndpoint(String url) {
    if (url == null) {
      return false;
    }
    try {
      URI u = new URI(url);
      if (!u.isAbsolute() || u.getHost() == null) {
        return false;
      }
      if ("https".equalsIgnoreCase(u.getScheme())) {
        return true;
      }
      return "http".equalsIgnoreCase(u.getScheme()) && InetAddress.getByName(u.getHost()).isLoopbackAddress();
    } catch (URISyntaxException | IOException e) {
      return false;
    }
  }

  private static ObjectNode json(Sub s) {
    ObjectNode n = Http.JSON.createObjectNode();
    n.put("id", s.id);
    n.put("endPoint", s.endPoint);
    if (s.sourceFilter != null) {
      n.put("sourceFilter", s.sourceFilter);
    }
    n.put("resourceFilter", s.resourceFilter);
    if (s.subjectFilter != null) {
      n.put("subjectFilter", s.subjectFilter);
    }
    if (s.typeFilter != null) {
      n.put("typeFilter", s.typeFilter);
    }
    n.put("consumer", s.consumer);
    n.put("createdBy", s.consumer);
    n.put("created", s.created.toString());
    n.put("validated", s.validated);
    n.put("includeSubunits", s.includeSubunits);
    return n;
  }

  // ------------------------------------------------------------------------------------------------ delivery

  private void sendValidation(Sub sub) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("specversion", "1.0");
    e.put("id", UUID.randomUUID().toString());
    e.put("source", altinn.platformUrl() + "/events/api/v1/subscriptions/" + sub.id);
    e.put("type", "platform.events.validatesubscription");
    deliver(sub, e, 0, () -> sub.validated = true);
  }

  @Override
  public void raise(String type, FakeBrokerStore.Transfer t, String org, String role) {
    String fullType = "no.altinn.broker." + type;
    String subject = "urn:altinn:organization:identifier-no:" + org;
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("specversion", "1.0");
    e.put("id", type.equals("published") ? publishedId(t.id, role, "0192:" + org) : UUID.randomUUID().toString());
    e.put("source", altinn.platformUrl() + "/broker/api/v1/filetransfer");
    e.put("type", fullType);
    e.put("subject", subject);
    e.put("time", altinn.clock().instant().atOffset(ZoneOffset.UTC).toString());
    e.put("resource", "urn:altinn:resource:" + t.resourceId);
    e.put("resourceinstance", t.id.toString());
    e.put("data", Map.of("Role", role));
    altinn.recordEvent(e);
    for (Sub s : subs.values()) {
      if (s.validated && s.resourceFilter.equals(e.get("resource"))
          && (s.subjectFilter == null || s.subjectFilter.equals(subject))
          && (s.typeFilter == null || s.typeFilter.equals(fullType))
          && (s.sourceFilter == null
              || e.get("source").toString().startsWith(s.sourceFilter.replaceAll("/file$", "/")))) {
        deliver(s, e, 0, () -> { });
      }
    }
  }

  /** Broker's stable published id: first 16 bytes of SHA-256, formatted as .NET formats a Guid. */
  static String publishedId(UUID transfer, String role, String actor) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(("published:" + transfer + ":" + role + ":" + actor).getBytes(StandardCharsets.UTF_8));
      StringBuilder s = new StringBuilder();
      int[] order = {3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15};
      for (int i : order) {
        s.append(i < 0 ? "-" : String.format("%02x", h[i]));
      }
      return s.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void deliver(Sub sub, Map<String, Object> event, int attempt, Runnable onSuccess) {
    String body;
    try {
      body = Http.JSON.writeValueAsString(event);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Runnable send = () -> {
      if (!subs.containsKey(sub.id)) {
        return;
      }
      int status;
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(sub.endPoint)).timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
            HttpResponse.BodyHandlers.discarding());
        status = r.statusCode();
      } catch (IOException e) {
        status = -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      deliveries.add(new FakeAltinn.Delivery(sub.id, (String) event.get("type"), (String) event.get("id"),
          (String) event.get("resourceinstance"), attempt + 1, status, body));
      if (status >= 200 && status < 300) {
        onSuccess.run();
      } else if (attempt < retryDelays.size()) {
        LOG.debug("Delivery of {} to subscription {} got {}; retrying", event.get("type"), sub.id, status);
        deliver(sub, event, attempt + 1, onSuccess);
      } else {
        LOG.info("Delivery of {} to subscription {} failed {} times; dead-lettered", event.get("type"), sub.id,
            attempt + 1);
      }
    };
    long delay = attempt == 0 ? 0 : retryDelays.get(attempt - 1).toMillis();
    try {
      scheduler.schedule(send, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }
}
