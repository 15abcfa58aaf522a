package no.brokerclient.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * An embedded, faithful stand-in for Altinn on loopback, for integration tests without Altinn's test environment.
 * One server (an ephemeral port, or the one given to {@link #start(int)}) serves:
 *
 * <ul>
 *   <li>Maskinporten: {@code /.well-known/oauth-authorization-server} and {@code /token}, verifying JWT-bearer
 *       grants like Maskinporten (signature, {@code aud}, lifetime, {@code iat}, {@code jti} replay, scopes) — see
 *       {@link FakeMaskinporten} — and Altinn's token exchange {@code /authentication/api/v1/exchange/maskinporten}.
 *       The issuer is {@link #maskinportenIssuer()}; register clients with {@link #client}.</li>
 *   <li>Broker v1 under {@code /broker/api/v1}: the file-transfer state machine (Initialized → UploadStarted →
 *       UploadProcessing → Published after the {@linkplain #virusScanDelay virus-scan delay}, recipients
 *       DownloadStarted → DownloadConfirmed, AllConfirmedDownloaded, purge), MD5 verification (BRO-00009), size
 *       limits, every search filter with the 100 cap, Range downloads, confirm rules, 409 on a second upload,
 *       ProblemDetails with Broker's codes, the Accept rule (406), resources, service owners and statistics, scope
 *       checks (401/403 without body) and a per-resource access list ({@link #resource}).</li>
 *   <li>Altinn Events under {@code /events/api/v1/subscriptions} with the server's validation (including the 400 for
 *       {@code sourceFilter} on a Broker resource, unless {@link #legacyEventsDocs}), the validation event, and
 *       delivery of every Broker event to matching validated subscriptions in Altinn's exact JSON, redelivered on
 *       non-2xx ({@link #webhookRetryDelays}). Deviation: http endpoints on loopback are accepted, so tests can
 *       receive locally.</li>
 *   <li>The Resource Registry under {@code /resourceregistry/api/v1} (resources, policies, access lists: {@link
 *       FakeResourceRegistry}) and Authentication's system register and system users ({@link FakeAuthentication}).
 *       A resource created there with {@code accessListMode: Enabled} is governed by its access lists in Broker:
 *       senders and recipients must be on a connected list (BRO-00028 for recipients).</li>
 * </ul>
 *
 * Knobs: {@link #failNext} injects 5xx, 429 with Retry-After, dropped connections, truncated or slow bodies and
 * stalls; {@link #calls()} is the request log; {@link #raisedEvents()} and {@link #deliveries()} show events.
 * File bytes go to temporary files (multi-GiB transfers work in a small heap). Thread-safe. Close it when done, or
 * use {@link FakeAltinnExtension}.
 *
 * <pre>{@code
 * try (FakeAltinn altinn = FakeAltinn.start()) {
 *   String senderKey = altinn.client("sender-client", "991825827", "altinn:authorization:pdp", "altinn:broker.write");
 *   altinn.resource("my-resource", "974760673", "991825827", "986252932");
 *   // Maskinporten.builder().issuer(altinn.maskinportenIssuer()).clientId("sender-client")
 *   //     .signer(GrantSigners.jwk(senderKey)).altinnPlatformUrl(altinn.platformUrl()) ...
 * }
 * }</pre>
 *
 * <p>Size: this is the fake's whole public face (start, registration and every failure knob, each with its Javadoc);
 * the servers behind it live in their own classes ({@code FakeBroker}'s endpoint groups, {@link FakeMaskinporten},
 * {@link FakeEvents}, {@link FakeResourceRegistry}, {@link FakeAuthentication}).
 */
public final class FakeAltinn implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FakeAltinn.class);
  private final HttpServer server;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final Path storage;
  private final FakeMaskinporten maskinporten;
  private final FakeBroker broker;
  private final FakeEvents events;
  private final FakeResourceRegistry resourceRegistry;
  private final FakeAuthentication authentication;
  private final ConcurrentLinkedQueue<Injected> failures = new ConcurrentLinkedQueue<>();
  private final List<Call> calls = new ArrayList<>(); // guarded by itself, together with open
  private final Set<HttpExchange> open = new LinkedHashSet<>(); // exchanges not yet logged in calls
  private final List<Map<String, Object>> raised = Collections.synchronizedList(new ArrayList<>());
  private final ThreadLocal<Failure> currentFailure = new ThreadLocal<>();

  /**
   * One request the fake answered.
   *
   * @param method the HTTP method
   * @param path the path
   * @param query the raw query, or {@code null}
   * @param status the status answered
   * @param range the request's {@code Range} header, or {@code null} (to check that a download resumed)
   */
  public record Call(String method, String path, String query, int status, String range) {}

  /**
   * One webhook delivery attempt.
   *
   * @param subscriptionId the subscription
   * @param type the event type
   * @param eventId the CloudEvent id
   * @param fileTransferId the transfer, or {@code null} for validation events
   * @param attempt 1 for the first try
   * @param status the receiver's status, or -1 for a connection failure
   * @param body the JSON delivered
   */
  public record Delivery(int subscriptionId, String type, String eventId, String fileTransferId, int attempt,
      int status, String body) {}

  private record Injected(String method, String pathPrefix, Failure failure) {}

  /** A failure to inject into the next matching request. */
  public static final class Failure {
    final int status;
    final String retryAfter;
    final boolean drop;
    final long truncateAfter;
    final long bytesPerSecond;
    final Duration stall;
    final long pauseAfter;
    final Duration pause;

    private Failure(int status, String retryAfter, boolean drop, long truncateAfter, long bytesPerSecond,
        Duration stall) {
      this(status, retryAfter, drop, truncateAfter, bytesPerSecond, stall, -1, null);
    }

    private Failure(int status, String retryAfter, boolean drop, long truncateAfter, long bytesPerSecond,
        Duration stall, long pauseAfter, Duration pause) {
      this.status = status;
      this.retryAfter = retryAfter;
      this.drop = drop;
      this.truncateAfter = truncateAfter;
      this.bytesPerSecond = bytesPerSecond;
      this.stall = stall;
      this.pauseAfter = pauseAfter;
      this.pause = pause;
    }

    /**
     * @param status e.g. 500, 502, 503
     * @return answer with this status and an empty body
     */
    public static Failure status(int status) {
      return new Failure(status, null, false, -1, 0, null);
    }

    /**
     * @param retryAfter the Retry-After value (seconds or an HTTP date)
     * @return answer 429 Too Many Requests with Retry-After
     */
    public static Failure tooManyRequests(String retryAfter) {
      return new Failure(429, retryAfter, false, -1, 0, null);
    }

    /** @return close the connection without answering (after reading the request body) */
    public static Failure dropConnection() {
      return new Failure(0, null, true, -1, 0, null);
    }

    /**
     * @param bytes bytes of a download body to send before the connection is cut
     * @return a truncated download
     */
    public static Failure truncateDownloadAfter(long bytes) {
      return new Failure(0, null, false, bytes, 0, null);
    }

    /**
     * @param bytesPerSecond download body rate
     * @return a slow download
     */
    public static Failure slowDownload(long bytesPerSecond) {
      return new Failure(0, null, false, -1, bytesPerSecond, null);
    }

    /**
     * @param bytes bytes of a download body to send before going silent
     * @param pause how long to send nothing (past the client's read timeout: a stall mid-body); then the rest is
     *     sent, if the client is still there
     * @return a download that stalls part-way
     */
    public static Failure stallDownloadAfter(long bytes, Duration pause) {
      return new Failure(0, null, false, -1, 0, null, bytes, Objects.requireNonNull(pause, "pause"));
    }

    /**
     * @param d how long to wait before handling the request (past the client's read timeout: a stall)
     * @return a delayed answer
     */
    public static Failure delay(Duration d) {
      return new Failure(0, null, false, -1, 0, d);
    }
  }

  private FakeAltinn(int port) throws IOException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (ephemeral) to 65535, got " + port);
    }
    Http.preferNoDelay();
    server = bind(port); // first: a taken port fails before any thread or directory exists
    AtomicInteger n = new AtomicInteger();
    executor = Executors.newFixedThreadPool(64, r -> daemon(r, "fake-altinn-http-" + n.incrementAndGet()));
    scheduler = Executors.newScheduledThreadPool(4, r -> daemon(r, "fake-altinn-jobs-" + n.incrementAndGet()));
    storage = Files.createTempDirectory("fake-altinn");
    server.setExecutor(executor);
    Filter filter = new Filter() {
      @Override
      public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        apply(ex, chain);
      }

      @Override
      public String description() {
        return "failure injection and request log";
      }
    };
    maskinporten = new FakeMaskinporten(server, filter);
    events = new FakeEvents(this, scheduler);
    broker = new FakeBroker(this, storage, scheduler, events);
    server.createContext("/broker/api/v1/", broker::handle).getFilters().add(filter);
    server.createContext("/events/api/v1/subscriptions", events::handle).getFilters().add(filter);
    resourceRegistry = new FakeResourceRegistry(this);
    authentication = new FakeAuthentication(this, resourceRegistry);
    maskinporten.systemUserCheck = authentication::checkSystemUserGrant;
    server.createContext("/resourceregistry/api/v1/", resourceRegistry::handle).getFilters().add(filter);
    server.createContext("/authentication/api/v1/systemregister/", authentication::handle).getFilters().add(filter);
    server.createContext("/authentication/api/v1/systemuser/", authentication::handle).getFilters().add(filter);
    server.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static HttpServer bind(int port) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try {
      return HttpServer.create(address, 1024);
    } catch (java.net.BindException e) {
      java.net.BindException clear = new java.net.BindException("FakeAltinn cannot listen on 127.0.0.1:" + port
          + ": the port is in use (" + e.getMessage() + "); choose another port, or 0 for an ephemeral one");
      clear.initCause(e);
      throw clear;
    }
  }

  /**
   * Starts a fake on an ephemeral loopback port.
   *
   * @return the running fake
   * @throws IOException if it cannot start
   */
  public static FakeAltinn start() throws IOException {
    return start(0);
  }

  /**
   * Starts a fake on the given loopback port (127.0.0.1), so that its URLs are known before it starts.
   *
   * @param port 1 to 65535, or 0 for an ephemeral port (the default of {@link #start()})
   * @return the running fake
   * @throws java.net.BindException naming the port when it is in use
   * @throws IOException if it cannot start otherwise
   * @throws IllegalArgumentException when the port is out of range
   */
  public static FakeAltinn start(int port) throws IOException {
    return new FakeAltinn(port);
  }

  /** @return the platform URL: use it as BrokerClient's base URL and the Events and exchange platform URL */
  public String platformUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** @return the Maskinporten issuer (with trailing slash) */
  public String maskinportenIssuer() {
    return maskinporten.issuer();
  }

  /** @return the Maskinporten part, for its knobs (failures, latency, token lifetime, recorded grants) */
  public FakeMaskinporten maskinporten() {
    return maskinporten;
  }

  Clock clock() {
    return maskinporten.clock();
  }

  FakeBroker broker() {
    return broker;
  }

  /** @return the Resource Registry (resources, access lists) and its knobs, such as {@code serviceOwner} */
  public FakeResourceRegistry resourceRegistry() {
    return resourceRegistry;
  }

  /** @return the system register and system users, with the customer's approval as a test hook */
  public FakeAuthentication authentication() {
    return authentication;
  }

  /**
   * Registers a Maskinporten client and returns a new RSA key for it (a JWK with private part, kid
   * {@code <clientId>-key}), ready for {@code GrantSigners.jwk(...)}.
   *
   * @param clientId the client id
   * @param organization the nine-digit organisation number owning the client
   * @param scopes the scopes it may ask for
   * @return the private JWK JSON
   */
  public String client(String clientId, String organization, String... scopes) {
    try {
      RSAKey key = new RSAKeyGenerator(2048).keyID(clientId + "-key").generate();
      maskinporten.registerClient(clientId, organization, scopes);
      maskinporten.registerKey(key.getKeyID(), key.toRSAPublicKey());
      return key.toJSONString();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Registers a Broker resource owned by {@code serviceOwner}, with the organisations that have access to it (the
   * owner always has). Sending, receiving or subscribing by anyone else gets 403, as when the service owner has not
   * granted access (step 3 of Altinn's common steps).
   *
   * @param resourceId the resource id
   * @param serviceOwner the owning organisation
   * @param access organisations granted access
   * @return this
   */
  public FakeAltinn resource(String resourceId, String serviceOwner, String... access) {
    broker.registerResource(resourceId, serviceOwner, List.of(access));
    return this;
  }

  /**
   * Grants an organisation access to a resource.
   *
   * @param resourceId the resource
   * @param organization the organisation
   */
  public void grantAccess(String resourceId, String organization) {
    broker.resource(resourceId).access.add(organization);
  }

  /**
   * Revokes an organisation's access to a resource.
   *
   * @param resourceId the resource
   * @param organization the organisation
   */
  public void revokeAccess(String resourceId, String organization) {
    broker.resource(resourceId).access.remove(organization);
  }

  /** @return Broker's TUS endpoint, for its knobs and counters */
  public FakeBrokerTus tus() {
    return broker.tus();
  }

  /** @param delay how long the simulated virus scan takes (UploadProcessing → Published); default 300 ms */
  public void virusScanDelay(Duration delay) {
    broker.store().virusScanDelay = Objects.requireNonNull(delay);
  }

  /** Makes the next scanned upload fail the malware scan (status Failed, {@code uploadfailed}). */
  public void markNextUploadMalicious() {
    broker.store().nextUploadMalicious = true;
  }

  /**
   * Purges a transfer now (as at expiry), raising {@code filepurged} and {@code fileneverconfirmeddownloaded}.
   *
   * @param fileTransferId the transfer
   */
  public void purge(UUID fileTransferId) {
    broker.purge(fileTransferId);
  }

  /**
   * @param fileTransferId a transfer
   * @return its current status, e.g. {@code Published}, or {@code null} if unknown
   */
  public String status(UUID fileTransferId) {
    FakeBrokerStore.Transfer t = broker.transfer(fileTransferId);
    if (t == null) {
      return null;
    }
    synchronized (t) {
      return t.status;
    }
  }

  /** @param allow accept {@code sourceFilter} on Broker subscriptions, as the older docs described; default false */
  public void legacyEventsDocs(boolean allow) {
    events.legacyDocs = allow;
  }

  /** @param delays waits before each redelivery of a webhook answered non-2xx; default 0.1, 0.3, 1, 2, 5 s */
  public void webhookRetryDelays(Duration... delays) {
    events.retryDelays = List.of(delays);
  }

  /**
   * Injects a failure into the next request whose method and path match.
   *
   * @param method HTTP method, or {@code *}
   * @param pathPrefix e.g. {@code /broker/api/v1/filetransfer}, or {@code /token}
   * @param failure what to do
   */
  public void failNext(String method, String pathPrefix, Failure failure) {
    failures.add(new Injected(method, pathPrefix, failure));
  }

  /**
   * @return every request answered so far: completed exchanges in order, then those whose status line has been
   *     sent but whose exchange is still finishing (so a client that has read an answer always finds its call)
   */
  public List<Call> calls() {
    synchronized (calls) {
      List<Call> all = new ArrayList<>(calls);
      for (HttpExchange ex : open) {
        if (ex.getResponseCode() >= 0) {
          all.add(call(ex));
        }
      }
      return all;
    }
  }

  private static Call call(HttpExchange ex) {
    return new Call(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
        ex.getResponseCode(), ex.getRequestHeaders().getFirst("Range"));
  }

  /** Forgets the request log. */
  public void clearCalls() {
    synchronized (calls) {
      calls.clear();
    }
  }

  /** @return every Broker event raised so far (CloudEvent JSON as maps), delivered or not */
  public List<Map<String, Object>> raisedEvents() {
    return new ArrayList<>(raised);
  }

  /** @return every webhook delivery attempt so far */
  public List<Delivery> deliveries() {
    return events.deliveries();
  }

  void recordEvent(Map<String, Object> event) {
    raised.add(event);
  }

  private void apply(HttpExchange ex, Filter.Chain chain) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getPath();
    synchronized (calls) {
      open.add(ex);
    }
    Injected hit = null;
    for (Injected i : failures) {
      if ((i.method.equals("*") || i.method.equalsIgnoreCase(method)) && path.startsWith(i.pathPrefix)
          && failures.remove(i)) {
        hit = i;
        break;
      }
    }
    try {
      if (hit != null) {
        Failure f = hit.failure;
        if (f.stall != null) {
          sleep(f.stall);
        }
        if (f.drop) {
          try (InputStream in = ex.getRequestBody()) {
            Http.drain(in);
          }
          return; // closed without an answer; logged with status -1 below
        }
        if (f.status > 0) {
          try (InputStream in = ex.getRequestBody()) {
            Http.drain(in);
          }
          if (f.retryAfter != null) {
            ex.getResponseHeaders().set("Retry-After", f.retryAfter);
          }
          ex.sendResponseHeaders(f.status, -1);
          return;
        }
        currentFailure.set(f);
      }
      try {
        chain.doFilter(ex);
      } catch (IOException e) {
        LOG.debug("FakeAltinn: client went away on {} {}: {}", method, path, e.toString());
      } catch (RuntimeException e) {
        LOG.warn("FakeAltinn failed on {} {}: {}", method, path, e.toString(), e);
        if (ex.getResponseCode() < 0) {
          Http.send(ex, Http.problem(500, 0, "FakeAltinn internal error: " + e));
        }
      }
    } finally {
      currentFailure.remove();
      synchronized (calls) {
        open.remove(ex);
        calls.add(call(ex));
      }
      ex.close();
    }
  }

  /** Writes a stored file range to the response, honouring injected truncation and throttling. */
  void streamBody(HttpExchange ex, Path blob, long start, long length) throws IOException {
    Failure f = currentFailure.get();
    long limit = f != null && f.truncateAfter >= 0 ? Math.min(length, f.truncateAfter) : length;
    long rate = f != null ? f.bytesPerSecond : 0;
    long pauseAt = f != null && f.pause != null ? Math.min(f.pauseAfter, limit) : -1;
    ByteBuffer buf = ByteBuffer.allocate(rate > 0 ? (int) Math.max(1, Math.min(64 * 1024, rate / 10)) : 256 * 1024);
    OutputStream out = ex.getResponseBody();
    try (FileChannel ch = FileChannel.open(blob, StandardOpenOption.READ)) {
      long pos = start;
      long left = limit;
      while (left > 0) {
        long sent = limit - left;
        if (sent == pauseAt) {
          out.flush();
          sleep(f.pause);
          pauseAt = -1;
        }
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), pauseAt > sent ? Math.min(left, pauseAt - sent) : left));
        int n = ch.read(buf, pos);
        if (n < 0) {
          break;
        }
        out.write(buf.array(), 0, n);
        pos += n;
        left -= n;
        if (rate > 0) {
          out.flush();
          sleep(Duration.ofMillis(n * 1000L / rate));
        }
      }
    }
    if (limit < length) {
      out.flush();
      throw new IOException("injected: connection cut after " + limit + " bytes");
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    scheduler.shutdownNow();
    executor.shutdownNow();
    broker.close();
    try (Stream<Path> files = Files.walk(storage)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
