package no.brokerclient.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.TelemetryListener;
import no.brokerclient.internal.Telemetry;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.ResourceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives Altinn Events webhook deliveries, framework-neutral: give it the method, request URI, headers and body
 * stream; it returns the status (and a short text) to answer with.
 *
 * <ul>
 *   <li>Only {@code POST}: others get 405.</li>
 *   <li>With a {@linkplain Builder#secret secret}, the {@code code} query parameter must match (compared in constant
 *       time), else 401. Altinn's deliveries are not signed; this secret, put in the subscription's endpoint by
 *       {@link EventSubscriptions.Builder#webhookSecret}, is what tells them apart.</li>
 *   <li>Bodies over {@link Builder#maxBodyBytes} (default 64 KiB) get 413; a body not received within {@link
 *       Builder#bodyTimeout} (default 10 s) gets 408; invalid UTF-8, malformed JSON, anything but whitespace after
 *       the JSON object (trailing garbage, a second event), duplicate
 *       keys, nesting deeper than 32, or a missing/wrong {@code specversion}, {@code id}, {@code source} or
 *       {@code type} (blank, too long, or with control characters, so every field is safe to log) get 400.
 *       Altinn sends CloudEvents 1.0 structured JSON as {@code application/json}; the content type is not
 *       checked.</li>
 *   <li>{@code platform.events.validatesubscription} is answered 200 without calling the listener.</li>
 *   <li>Redeliveries (same {@link BrokerEvent#dedupeKey()}) are answered 200 without calling the listener again;
 *       a duplicate arriving while the first is still being handled gets 503, so Altinn retries it later.</li>
 *   <li>Events for a {@linkplain Builder#roles role} not accepted (a recipient also receives {@code Role: Sender}
 *       events for files it sent) are answered 200 and skipped.</li>
 *   <li>Otherwise the listener runs; 200 when it returns, 500 when it throws (Altinn redelivers: at-least-once).
 *       Unknown event types reach the listener with {@link EventType#isKnown()} false.</li>
 * </ul>
 *
 * <p>Servlet or Spring (recommended in production): call {@link #handle} from your controller with {@code
 * request.getMethod()}, the full request URI including the query string, the headers and {@code
 * request.getInputStream()}, and set the returned status. Without a framework, {@link WebhookServer} serves it with
 * its own deadlines and connection limits; inside your own JDK {@code HttpServer} use {@link JdkHttpServerAdapter}.
 * Thread-safe.
 *
 * <p><b>Slow bodies.</b> {@link #handle} never spends more than {@link Builder#bodyTimeout} reading a body that
 * trickles in: the deadline is checked after every read, and a late body gets 408 without the listener being
 * called. A peer that goes completely silent blocks a single read until your server's socket read timeout (Tomcat's
 * {@code connectionTimeout}, Jetty's {@code idleTimeout}; {@link WebhookServer} sets it to what is left of the
 * deadline), so keep that timeout in place.
 */
public final class WebhookHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);
  private static final String ORG_URN = "urn:altinn:organization:identifier-no:";
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  static {
    STRICT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(32).maxStringLength(64 * 1024).maxNumberLength(100).build());
  }

  /**
   * The answer to give Altinn.
   *
   * @param status HTTP status
   * @param body a short plain-text explanation
   */
  public record Response(int status, String body) {}

  private final BrokerEventListener listener;
  private final byte[] secret;
  private final int maxBodyBytes;
  private final Duration bodyTimeout;
  private final Set<EventRole> roles;
  private final EventDeduplicator dedupe;
  private final Telemetry telemetry;

  private WebhookHandler(Builder b) {
    this.telemetry = Telemetry.of(b.telemetry);
    this.listener = b.listener;
    this.secret = b.secret == null ? null : b.secret.getBytes(StandardCharsets.UTF_8);
    this.maxBodyBytes = b.maxBodyBytes;
    this.bodyTimeout = b.bodyTimeout;
    this.roles = b.roles.isEmpty() ? EnumSet.allOf(EventRole.class) : EnumSet.copyOf(b.roles);
    this.dedupe = b.dedupe;
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the deduplicator, to share with a {@link BrokerEventPoller} */
  public EventDeduplicator deduplicator() {
    return dedupe;
  }

  /** @return the largest body accepted, for servers that frame the body */
  int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** @return how long reading a body may take, for servers that set their socket timeouts from it */
  Duration bodyTimeout() {
    return bodyTimeout;
  }

  /**
   * Handles one delivery.
   *
   * @param method the HTTP method
   * @param requestUri the request URI including the query string
   * @param headers request headers (names in any case); may be empty
   * @param body the request body; read up to the size limit and for at most the body timeout, not closed
   * @return the status to answer with
   */
  public Response handle(String method, URI requestUri, Map<String, List<String>> headers, InputStream body) {
    Response r = receive(method, requestUri, headers, body);
    telemetry.webhookDelivery(WebhookOutcomes.of(r));
    return r;
  }

  private Response receive(String method, URI requestUri, Map<String, List<String>> headers, InputStream body) {
    if (!"POST".equalsIgnoreCase(method)) {
      return new Response(405, "POST only");
    }
    if (secret != null && !secretMatches(requestUri)) {
      LOG.warn("Webhook delivery with a missing or wrong secret rejected (path {})", requestUri.getPath());
      return new Response(401, "unknown sender");
    }
    long declared = contentLength(headers);
    if (declared > maxBodyBytes) {
      return new Response(413, "body larger than " + maxBodyBytes + " bytes");
    }
    byte[] bytes;
    try {
      bytes = readBody(body);
    } catch (InterruptedIOException e) {
      LOG.debug("Webhook delivery rejected: body not received within {}", bodyTimeout);
      return new Response(408, "body not received within " + bodyTimeout.toMillis() + " ms");
    } catch (IOException e) {
      return new Response(400, "could not read body");
    }
    if (bytes.length > maxBodyBytes) {
      return new Response(413, "body larger than " + maxBodyBytes + " bytes");
    }
    BrokerEvent event;
    try {
      event = parse(bytes);
    } catch (BadEvent e) {
      LOG.debug("Webhook delivery rejected: {}", e.getMessage());
      return new Response(400, e.getMessage());
    }
    if (EventType.VALIDATE_SUBSCRIPTION.equals(event.type())) {
      LOG.info("Answered Altinn's subscription validation from {}", event.source());
      return new Response(200, "validated");
    }
    return deliver(event);
  }

  /**
   * Reads up to {@code maxBodyBytes + 1} bytes, checking the body deadline after every read.
   *
   * @throws InterruptedIOException when the deadline passes (a trickling peer) or the server's read timed out
   */
  private byte[] readBody(InputStream body) throws IOException {
    long deadline = System.nanoTime() + bodyTimeout.toNanos();
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBodyBytes + 1, 8192));
    byte[] buf = new byte[8192];
    int left = maxBodyBytes + 1;
    while (left > 0) {
      int n = body.read(buf, 0, Math.min(buf.length, left));
      if (n < 0) {
        break;
      }
      out.write(buf, 0, n);
      left -= n;
      if (left > 0 && System.nanoTime() - deadline > 0) {
        throw new InterruptedIOException("body deadline passed");
      }
    }
    return out.toByteArray();
  }

  Response deliver(BrokerEvent event) {
    if (!roles.contains(event.role())) {
      LOG.debug("Skipped {} for role {} (accepting {})", event.type(), event.role(), roles);
      return new Response(200, "skipped role");
    }
    EventDeduplicator.Delivery d = dedupe.deliver(event, listener);
    switch (d.outcome()) {
      case DUPLICATE:
        LOG.debug("Duplicate {} for {} acknowledged", event.type(), event.fileTransferId());
        return new Response(200, "duplicate");
      case IN_PROGRESS:
        return new Response(503, "being handled");
      case FAILED:
        LOG.warn("Listener failed for {} on file transfer {}; answering 500 so Altinn redelivers: {}", event.type(),
            event.fileTransferId(), d.failure().toString());
        return new Response(500, "listener failed");
      default:
        return new Response(200, "ok");
    }
  }

  private boolean secretMatches(URI uri) {
    String q = uri.getRawQuery();
    if (q == null) {
      return false;
    }
    byte[] given = null;
    for (String pair : q.split("&")) {
      if (pair.startsWith("code=")) {
        try {
          given = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
    }
    return given != null && MessageDigest.isEqual(secret, given);
  }

  private static long contentLength(Map<String, List<String>> headers) {
    if (headers == null) {
      return -1;
    }
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if ("content-length".equalsIgnoreCase(e.getKey()) && !e.getValue().isEmpty()) {
        try {
          return Long.parseLong(e.getValue().get(0).strip());
        } catch (NumberFormatException ex) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** A body that is not a usable CloudEvent. */
  private static final class BadEvent extends Exception {
    private static final long serialVersionUID = 1L;

    BadEvent(String message) {
      super(message, null, false, false);
    }
  }

  private static BrokerEvent parse(byte[] bytes) throws BadEvent {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new BadEvent("body is not valid UTF-8");
    }
    JsonNode n;
    try {
      n = STRICT.readTree(text);
    } catch (IOException e) {
      throw new BadEvent("body is not valid JSON: " + e.getClass().getSimpleName());
    }
    if (n == null || !n.isObject()) {
      throw new BadEvent("body is not a JSON object");
    }
    if (!"1.0".equals(text(n, "specversion"))) {
      throw new BadEvent("specversion must be \"1.0\"");
    }
    String id = required(n, "id");
    String source = required(n, "source");
    EventType type;
    try {
      type = EventType.of(required(n, "type"));
    } catch (IllegalArgumentException e) {
      throw new BadEvent("invalid type");
    }
    Instant time = null;
    String t = text(n, "time");
    if (t != null) {
      try {
        time = OffsetDateTime.parse(t).toInstant();
      } catch (DateTimeParseException e) {
        throw new BadEvent("time is not RFC 3339");
      }
    }
    String subject = text(n, "subject");
    OrganizationNumber org = null;
    if (subject != null && subject.startsWith(ORG_URN) && OrganizationNumber.isValid(subject)) {
      org = OrganizationNumber.of(subject);
    }
    String resource = text(n, "resource");
    String resourceId = null;
    if (resource != null) {
      try {
        resourceId = ResourceId.of(resource).id();
      } catch (BrokerValidationException e) {
        resourceId = null;
      }
    }
    UUID ftid = null;
    String instance = text(n, "resourceinstance");
    if (instance != null) {
      try {
        ftid = UUID.fromString(instance);
      } catch (IllegalArgumentException e) {
        ftid = null;
      }
    }
    JsonNode data = n.get("data");
    EventRole role = EventRole.parse(data != null && data.isObject() ? text(data, "Role") : null);
    return new BrokerEvent(id, source, type, time, subject, org, resourceId, ftid, role, BrokerEvent.Origin.WEBHOOK);
  }

  private static String required(JsonNode n, String field) throws BadEvent {
    String v = text(n, field);
    if (v == null || v.isBlank()) {
      throw new BadEvent(field + " is required");
    }
    if (v.length() > 1024 || v.chars().anyMatch(Character::isISOControl)) {
      throw new BadEvent(field + " is over 1024 characters or has control characters");
    }
    return v;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /** Builds a {@link WebhookHandler}. */
  public static final class Builder {
    private BrokerEventListener listener;
    private String secret;
    private int maxBodyBytes = 64 * 1024;
    private Duration bodyTimeout = Duration.ofSeconds(10);
    private final Set<EventRole> roles = EnumSet.noneOf(EventRole.class);
    private EventDeduplicator dedupe = new EventDeduplicator();
    private TelemetryListener telemetry = TelemetryListener.NONE;

    private Builder() {}

    /**
     * @param telemetry receives each delivery's {@link TelemetryListener.WebhookOutcome} (never the secret or the
     *     event); default {@link TelemetryListener#NONE}
     * @return this builder
     */
    public Builder telemetry(TelemetryListener telemetry) {
      this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
      return this;
    }

    /**
     * @param listener receives the events. Required.
     * @return this builder
     */
    public Builder listener(BrokerEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @param secret the {@code code} the subscription's endpoint carries; strongly recommended. Never logged.
     * @return this builder
     */
    public Builder secret(String secret) {
      this.secret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * @param bytes largest accepted body; default 64 KiB (a Broker event is about 500 bytes)
     * @return this builder
     */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * @param timeout longest time reading one body may take, checked after every read; a later body gets 408 and
     *     never reaches the listener. Default 10 s (Altinn sends about 500 bytes at once; it waits at most 45 s for
     *     the whole answer)
     * @return this builder
     */
    public Builder bodyTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("bodyTimeout must be positive");
      }
      this.bodyTimeout = timeout;
      return this;
    }

    /**
     * @param accepted only events with these roles reach the listener, e.g. {@code RECIPIENT} for a receiving
     *     system; default all
     * @return this builder
     */
    public Builder roles(EventRole... accepted) {
      roles.addAll(List.of(accepted));
      return this;
    }

    /**
     * @param deduplicator a window shared with a {@link BrokerEventPoller}; default a new 10,000-event window
     * @return this builder
     */
    public Builder deduplicator(EventDeduplicator deduplicator) {
      this.dedupe = Objects.requireNonNull(deduplicator, "deduplicator");
      return this;
    }

    /** @return the handler */
    public WebhookHandler build() {
      if (listener == null) {
        throw new IllegalStateException("listener(...) is required");
      }
      if (secret == null) {
        LOG.warn("WebhookHandler without a secret accepts deliveries from anyone who knows the URL");
      }
      return new WebhookHandler(this);
    }
  }
}
