package no.brokerclient.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import no.brokerclient.BrokerClient;
import no.brokerclient.BrokerIOException;
import no.brokerclient.BrokerServerException;
import no.brokerclient.ChecksumMismatchException;
import no.brokerclient.ProgressListener;
import no.brokerclient.RetryPolicy;
import no.brokerclient.Role;
import no.brokerclient.SendOptions;
import no.brokerclient.auth.AccessTokenException;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.auth.MaskinportenException;
import no.brokerclient.auth.MaskinportenView;
import no.brokerclient.events.EventSubscriptions;
import no.brokerclient.events.EventsClient;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.events.WebhookServer;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.testing.CapturedLogs;
import no.brokerclient.testing.MutableClock;
import no.brokerclient.testkit.FakeAltinn;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix: each test injects one fault and asserts that the outcome is a safe retry that succeeds or a
 * typed exception saying what happened — never a hang, a duplicate initialize, a half-written target or a leaked
 * connection. Each test adds its row to RELIABILITY.md's table; {@link #matrixIsDocumented()} keeps the file true
 * (run with {@code -Dreliability.write=true} to regenerate it). Every logger runs at TRACE, and the captured lines
 * and exception messages are scanned for secrets at the end.
 */
class ReliabilityMatrixTest {
  static final String SUBSCRIPTION_KEY = "apim-key-7c1e5e0f9b2d";
  static final String WEBHOOK_SECRET = "webhook-secret-4f0e8a1c9d7b6e5a";
  static final Map<String, String> ROWS = Collections.synchronizedMap(new TreeMap<>());
  static final List<String> TEXTS = Collections.synchronizedList(new ArrayList<>());
  static final Set<String> RAN = ConcurrentHashMap.newKeySet();

  @TempDir Path dir;
  FakeAltinn fake;
  ExampleEnvironment env;
  ConnectionPool pool;
  OkHttpClient http;
  BrokerClient sender;
  BrokerClient recipient;
  String test;

  @BeforeAll
  static void clearLogs() {
    CapturedLogs.clear();
  }

  @BeforeEach
  void start(TestInfo info) throws Exception {
    test = info.getTestMethod().orElseThrow().getName();
    fake = FakeAltinn.start();
    fake.virusScanDelay(Duration.ofMillis(20));
    env = ExampleEnvironment.of(fake);
    pool = new ConnectionPool();
    http = new OkHttpClient.Builder().connectionPool(pool).build();
    sender = client(env.sender(), Role.SENDER, Duration.ofSeconds(5));
    recipient = client(env.recipient(), Role.RECIPIENT, Duration.ofSeconds(5));
  }

  BrokerClient client(MaskinportenView tokens, Role role, Duration readTimeout) {
    return env.broker(tokens, role).httpClient(http).subscriptionKey(SUBSCRIPTION_KEY).readTimeout(readTimeout)
        .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(100)).maxRetryAfter(Duration.ofSeconds(3)).build()).build();
  }

  @AfterEach
  void stop() {
    TEXTS.add(sender.toString());
    sender.close();
    recipient.close();
    env.close();
    http.dispatcher().executorService().shutdown();
  }

  /** Records the row and checks that no connection is still in use (no response body left open). */
  void row(String fault, String operation, String outcome) {
    assertEquals(pool.idleConnectionCount(), pool.connectionCount(), "a connection is still in use after: " + fault);
    ROWS.put(fault + " | " + operation, outcome + " | `" + test + "`");
    RAN.add(test);
  }

  void remember(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      TEXTS.add(String.valueOf(t.getMessage()));
      TEXTS.add(t.toString());
    }
  }

  FileTransferInitialize.Builder meta(String name) {
    return FileTransferInitialize.builder().resourceId(env.resourceId()).fileName(name).sender(env.senderOrg())
        .recipient(env.recipientOrg());
  }

  Path file(int size) throws Exception {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return Files.write(dir.resolve("in-" + size + ".bin"), b);
  }

  FileTransferOverview published(int size) throws Exception {
    return sender.send(meta("p.bin").build(), file(size), SendOptions.builder().awaitPublished(Duration.ofSeconds(30))
        .build());
  }

  List<Path> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith("in-")).toList();
    }
  }

  // ------------------------------------------------------------------------------------------------ uploads

  @Test
  void connectionResetMidUpload() throws Exception {
    UUID id = sender.initialize(meta("a.bin").build());
    fake.failNext("POST", "/broker/api/v1/filetransfer/" + id + "/upload", FakeAltinn.Failure.dropConnection());
    BrokerIOException e = assertThrows(BrokerIOException.class, () -> sender.upload(id,
        new ByteArrayInputStream(new byte[100_000]), 100_000, ProgressListener.NONE));
    remember(e);
    assertTrue(e.requestMayHaveBeenSent());
    assertEquals(1, fake.calls().stream().filter(c -> c.path().endsWith("/upload")).count(), "not repeated");
    assertEquals("Initialized", fake.status(id));
    sender.upload(id, file(1000));
    row("Connection reset during upload", "upload (stream)",
        "`BrokerIOException`, requestMayHaveBeenSent; not repeated;"
        + " transfer still Initialized, a new upload succeeds");
  }

  @Test
  void stallOnInitializeIsAmbiguousAndReconciled() throws Exception {
    Instant before = Instant.now().minusSeconds(5);
    FileTransferInitialize m = meta("b.bin").build();
    try (BrokerClient impatient = client(env.sender(), Role.SENDER, Duration.ofMillis(300))) {
      fake.failNext("POST", "/broker/api/v1/filetransfer", FakeAltinn.Failure.delay(Duration.ofMillis(800)));
      BrokerIOException e = assertThrows(BrokerIOException.class, () -> impatient.initialize(m));
      remember(e);
      assertTrue(e.requestMayHaveBeenSent());
      Thread.sleep(800);
      List<FileTransferOverview> found = sender.findInitialized(m, before);
      assertEquals(1, found.size(), "exactly one transfer: the timed-out initialize was not repeated");
    }
    row("Stall past the read timeout", "initialize", "`BrokerIOException`, requestMayHaveBeenSent; never retried;"
        + " `findInitialized` finds the one transfer the server created");
  }

  @Test
  void serverErrorOnInitializeIsNotRetried() throws Exception {
    fake.failNext("POST", "/broker/api/v1/filetransfer", FakeAltinn.Failure.status(502));
    BrokerServerException e = assertThrows(BrokerServerException.class, () -> sender.initialize(meta("c.bin").build()));
    remember(e);
    assertEquals(1, fake.calls().stream().filter(c -> c.method().equals("POST")
        && c.path().equals("/broker/api/v1/filetransfer")).count());
    row("502 Bad Gateway", "initialize",
        "`BrokerServerException` (502) at once; not retried (may have reached Broker)");
  }

  @Test
  void unavailableBurstOnInitializeIsRetried() throws Exception {
    fake.failNext("POST", "/broker/api/v1/filetransfer", FakeAltinn.Failure.status(503));
    fake.failNext("POST", "/broker/api/v1/filetransfer", FakeAltinn.Failure.status(503));
    UUID id = sender.initialize(meta("d.bin").build());
    assertEquals("Initialized", fake.status(id));
    row("503 burst (2×)", "initialize", "retried with backoff; one transfer created");
  }

  @Test
  void rateLimitedWithRetryAfterSeconds() throws Exception {
    fake.failNext("GET", "/broker/api/v1/filetransfer", FakeAltinn.Failure.tooManyRequests("1"));
    UUID id = sender.initialize(meta("e.bin").build());
    assertEquals(id, sender.getOverview(id).fileTransferId());
    row("429 with Retry-After: 1", "overview", "waited the Retry-After (capped), then succeeded");
  }

  @Test
  void rateLimitedWithRetryAfterDate() throws Exception {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(1));
    fake.failNext("POST", "/broker/api/v1/filetransfer", FakeAltinn.Failure.tooManyRequests(date));
    UUID id = sender.initialize(meta("f.bin").build());
    assertEquals("Initialized", fake.status(id));
    row("429 with Retry-After as HTTP date", "initialize", "waited until the date (capped), then succeeded once");
  }

  @Test
  void internalServerErrorBurstIsReported() throws Exception {
    UUID id = sender.initialize(meta("g.bin").build());
    fake.failNext("GET", "/broker/api/v1/filetransfer/" + id, FakeAltinn.Failure.status(500));
    BrokerServerException e = assertThrows(BrokerServerException.class, () -> sender.getOverview(id));
    remember(e);
    fake.failNext("GET", "/broker/api/v1/filetransfer/" + id, FakeAltinn.Failure.status(502));
    fake.failNext("GET", "/broker/api/v1/filetransfer/" + id, FakeAltinn.Failure.status(504));
    assertEquals(id, sender.getOverview(id).fileTransferId());
    row("500, then 502/504 burst", "overview", "500: `BrokerServerException` at once; 502/504: retried, succeeded");
  }

  // ------------------------------------------------------------------------------------------------ downloads

  @Test
  void connectionResetMidDownloadIsResumed() throws Exception {
    FileTransferOverview sent = published(300_000);
    fake.failNext("GET", "/broker/api/v1/filetransfer/" + sent.fileTransferId() + "/download",
        FakeAltinn.Failure.truncateDownloadAfter(100_000));
    var r = recipient.download(sent.fileTransferId(), dir.resolve("out.bin"));
    assertTrue(r.checksumVerified());
    row("Connection cut during download", "download to Path", "resumed with `Range`, MD5 verified, file complete");
  }

  @Test
  void stallMidDownloadIsResumed() throws Exception {
    FileTransferOverview sent = published(300_000);
    String download = "/broker/api/v1/filetransfer/" + sent.fileTransferId() + "/download";
    fake.failNext("GET", download, FakeAltinn.Failure.stallDownloadAfter(120_000, Duration.ofMillis(1500)));
    try (BrokerClient impatient = client(env.recipient(), Role.RECIPIENT, Duration.ofMillis(400))) {
      Path out = dir.resolve("stalled.bin");
      var r = impatient.download(sent.fileTransferId(), out);
      assertTrue(r.checksumVerified());
      assertEquals(sha256(Files.readAllBytes(dir.resolve("in-300000.bin"))), sha256(Files.readAllBytes(out)),
          "the resumed file is the file that was sent");
    }
    assertEquals(2, fake.calls().stream().filter(c -> c.method().equals("GET") && c.path().equals(download)).count(),
        "one stalled request, one resumed request");
    row("Stall mid-download past the read timeout", "download to Path", "read timeout, resumed with `Range` from"
        + " the bytes kept, MD5 verified, file identical");
  }

  @Test
  void repeatedlyTruncatedDownloadKeepsItsPartialForTheRerun() throws Exception {
    FileTransferOverview sent = published(300_000);
    for (int i = 0; i < 3; i++) {
      fake.failNext("GET", "/broker/api/v1/filetransfer/" + sent.fileTransferId() + "/download",
          FakeAltinn.Failure.truncateDownloadAfter(1000));
    }
    Path target = dir.resolve("out.bin");
    BrokerIOException e =
        assertThrows(BrokerIOException.class, () -> recipient.download(sent.fileTransferId(), target));
    remember(e);
    List<Path> left = files();
    assertEquals(1, left.size(), "only the partial file: " + left);
    assertTrue(left.get(0).getFileName().toString().endsWith(".part"), left.toString());
    recipient.download(sent.fileTransferId(), target);
    assertEquals(List.of(target), files(), "the rerun resumed the partial and moved it into place");
    row("Download cut on every attempt", "download to Path", "`BrokerIOException` after the resumes; no target; the"
        + " bytes so far kept in the partial file, which the next download resumes and moves into place");
  }

  @Test
  void stallDuringOverviewIsRetried() throws Exception {
    UUID id = sender.initialize(meta("h.bin").build());
    try (BrokerClient impatient = client(env.sender(), Role.SENDER, Duration.ofMillis(300))) {
      fake.failNext("GET", "/broker/api/v1/filetransfer/" + id, FakeAltinn.Failure.delay(Duration.ofMillis(800)));
      assertEquals(id, impatient.getOverview(id).fileTransferId());
    }
    row("Stall past the read timeout", "overview", "retried (idempotent), succeeded");
  }

  @Test
  void corruptAndMalformedResponses() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start(0);
      UUID id = UUID.randomUUID();
      try (BrokerClient c = BrokerClient.builder().baseUrl(server.url("/").toString()).httpClient(http)
          .accessTokenProvider(AccessTokenProvider.fixed("eyJfake.token.value")).roles(Role.RECIPIENT)
          .retryPolicy(RetryPolicy.NONE).build()) {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
            .body("{\"fileTransferId\":\"" + id + "\",\"fileTransferStatus\":").build());
        BrokerIOException malformed = assertThrows(BrokerIOException.class, () -> c.getOverview(id));
        remember(malformed);
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
            .body("{\"fileTransferId\":\"" + id + "\",\"checksum\":\"00000000000000000000000000000000\","
                + "\"fileTransferSize\":5,\"fileTransferStatus\":\"Published\"}").build());
        server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().writeUtf8("hello")).build());
        ChecksumMismatchException bad = assertThrows(ChecksumMismatchException.class,
            () -> c.download(id, dir.resolve("x.bin")));
        remember(bad);
        assertEquals(List.of(), files());
      }
    }
    row("Malformed or truncated JSON", "overview", "`BrokerIOException` (unreadable body); status and path named");
    row("Bytes not matching the checksum", "download to Path", "`ChecksumMismatchException`; nothing written");
  }

  // ------------------------------------------------------------------------------------------------ tokens

  @Test
  void tokenRevokedMidRun() throws Exception {
    UUID id = sender.initialize(meta("i.bin").build());
    int exchanges = fake.calls().stream().filter(c -> c.path().contains("/exchange/")).toList().size();
    fake.failNext("GET", "/broker/api/v1/filetransfer/" + id, FakeAltinn.Failure.status(401));
    assertEquals(id, sender.getOverview(id).fileTransferId());
    assertTrue(fake.calls().stream().filter(c -> c.path().contains("/exchange/")).count() > exchanges,
        "a fresh token was fetched");
    row("401 mid-run (token revoked)", "overview", "token invalidated, fresh token fetched, call repeated once");
  }

  @Test
  void maskinportenUnavailable() throws Exception {
    fake.maskinporten().failNextToken(503, "");
    fake.maskinporten().failNextToken(503, "");
    int before = fake.maskinporten().grants().size();
    try (Maskinporten mp = fresh(null); BrokerClient c = client(mp, Role.SENDER, Duration.ofSeconds(5))) {
      assertEquals("Initialized", fake.status(c.initialize(meta("j.bin").build())));
    }
    var grants = fake.maskinporten().grants().subList(before, fake.maskinporten().grants().size());
    assertEquals(3, grants.size(), "two failures and one success");
    assertEquals(3, grants.stream().map(com.nimbusds.jwt.JWTClaimsSet::getJWTID).distinct().count(),
        "a new jti each time");
    row("Maskinporten 503 (2×)", "token request", "retried with backoff and a new `jti` each time; succeeded");
  }

  @Test
  void slowTokenEndpoint() throws Exception {
    fake.maskinporten().latency(1500);
    try (Maskinporten mp = fresh(null); BrokerClient c = client(mp, Role.SENDER, Duration.ofSeconds(5))) {
      assertEquals("Initialized", fake.status(c.initialize(meta("k.bin").build())));
    } finally {
      fake.maskinporten().latency(0);
    }
    row("Slow token endpoint (1.5 s)", "token request", "waited within the 10 s timeout; succeeded");
  }

  @Test
  void localClockAheadOrBehind() throws Exception {
    MutableClock ahead = new MutableClock();
    ahead.advance(Duration.ofSeconds(15));
    try (Maskinporten mp = fresh(ahead, false)) {
      MaskinportenException e = assertThrows(MaskinportenException.class, () -> mp.accessToken(AltinnScopes.SENDER));
      remember(e);
      assertEquals("invalid_grant", e.error());
      assertFalse(e.retryable());
      assertTrue(e.getMessage().contains("Check the local clock"), e.getMessage());
    }
    for (Duration skew : List.of(Duration.ofSeconds(15), Duration.ofMinutes(-3))) {
      MutableClock off = new MutableClock();
      off.advance(skew);
      int grants = fake.maskinporten().grants().size();
      try (Maskinporten mp = fresh(off, true); BrokerClient c = client(mp, Role.SENDER, Duration.ofSeconds(5))) {
        assertEquals("Initialized", fake.status(c.initialize(meta("k.bin").build())));
        long corrected = mp.clockOffset().plus(skew).abs().toMillis();
        assertTrue(corrected <= 1_500, "offset " + mp.clockOffset() + " undoes a skew of " + skew);
        assertEquals(1, mp.tokenRequests(), "one token request (the corrected grant is a repeat inside it)");
      }
      assertEquals(2, fake.maskinporten().grants().size() - grants, "the rejected grant and the corrected one");
    }
    MutableClock behind = new MutableClock();
    behind.advance(Duration.ofSeconds(-15));
    try (Maskinporten mp = fresh(behind, true); BrokerClient c = client(mp, Role.SENDER, Duration.ofSeconds(5))) {
      assertEquals("Initialized", fake.status(c.initialize(meta("l.bin").build())));
      assertEquals(Duration.ZERO, mp.clockOffset(), "within Maskinporten's tolerance: nothing corrected");
    }
    row("Local clock 15 s ahead", "token request", "rejected (\"Issue time is in the future\"); offset taken from"
        + " Maskinporten's `Date` header, grant re-signed once, succeeded. With `correctClockSkew(false)`:"
        + " `MaskinportenException` invalid_grant with a clock hint, not retried");
    row("Local clock 3 min behind", "token request", "rejected (MP-130, grant expired); corrected from `Date`,"
        + " succeeded");
    row("Local clock 15 s behind", "token request", "accepted (Maskinporten allows `exp` up to 10 s past); succeeded");
  }

  /** A Maskinporten client with an empty cache (so the token endpoint is really called). */
  Maskinporten fresh(java.time.Clock clock) {
    return fresh(clock, true);
  }

  Maskinporten fresh(java.time.Clock clock, boolean correctClockSkew) {
    return fresh(clock, correctClockSkew, AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE);
  }

  Maskinporten fresh(java.time.Clock clock, boolean correctClockSkew, String... scopes) {
    String clientId = "fresh-" + UUID.randomUUID();
    String key = fake.client(clientId, env.senderOrg().digits(), scopes);
    Maskinporten.Builder b = Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId(clientId)
        .signer(GrantSigners.jwk(key)).altinnPlatformUrl(fake.platformUrl()).correctClockSkew(correctClockSkew)
        .retryPolicy(RetryPolicy.builder().maxRetries(3).initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(50)).build());
    if (clock != null) {
      b.clock(clock);
    }
    return b.build();
  }

  // ------------------------------------------------------------------------------------------------ others

  @Test
  void webhookListenerThrows() throws Exception {
    fake.webhookRetryDelays(Duration.ofMillis(50), Duration.ofMillis(50));
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger handled = new AtomicInteger();
    WebhookHandler handler = WebhookHandler.builder().secret(WEBHOOK_SECRET).listener(e -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("database unavailable");
      }
      handled.incrementAndGet();
    }).build();
    var server = WebhookServer.start(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
        "/hook", handler);
    try (EventsClient events = env.events(env.recipient())) {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
      int id = events.ensure(EventSubscriptions.builder().platformUrl(fake.platformUrl()).resourceId(env.resourceId())
          .subject(env.recipientOrg()).endpoint(url).webhookSecret(WEBHOOK_SECRET).recipientEvents().build(), false)
          .entries().get(0).subscription().id();
      for (int i = 0; i < 100 && !events.get(id).validated(); i++) {
        Thread.sleep(20);
      }
      published(10);
      for (int i = 0; i < 200 && handled.get() == 0; i++) {
        Thread.sleep(20);
      }
      assertEquals(1, handled.get());
    } finally {
      server.close();
    }
    row("Webhook listener throws", "webhook delivery", "answered 500; Altinn redelivered; handled once");
  }

  /** Initializes against a Broker that cannot be reached (two quick retries) and returns the typed failure. */
  BrokerIOException unreachable(String baseUrl, OkHttpClient client) {
    try (BrokerClient c = BrokerClient.builder().baseUrl(baseUrl).httpClient(client)
        .accessTokenProvider(AccessTokenProvider.fixed("eyJfake.token.value")).roles(Role.SENDER)
        .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(10))
            .maxBackoff(Duration.ofMillis(20)).build()).build()) {
      BrokerIOException e = assertThrows(BrokerIOException.class, () -> c.initialize(meta("u.bin").build()));
      remember(e);
      assertFalse(e.requestMayHaveBeenSent(), "nothing can have been sent");
      return e;
    }
  }

  @Test
  void connectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    unreachable("http://127.0.0.1:" + port, http);
    row("Connection refused", "initialize", "retried (certainly not sent), then `BrokerIOException` with"
        + " requestMayHaveBeenSent = false");
  }

  @Test
  void dnsFailure() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    OkHttpClient noDns = http.newBuilder().dns(host -> {
      lookups.incrementAndGet();
      throw new java.net.UnknownHostException(host + ": Name or service not known");
    }).build();
    BrokerIOException unknown = unreachable("https://platform.tt02.altinn.no", noDns);
    assertTrue(unknown.getMessage().contains("platform.tt02.altinn.no"), unknown.getMessage());
    assertEquals(3, lookups.get(), "retried twice: a failed lookup certainly sent nothing");
    lookups.set(0);
    try (Maskinporten mp = Maskinporten.builder().issuer("https://test.maskinporten.no/").clientId("c")
        .signer(GrantSigners.jwk(fake.client("dns-client", env.senderOrg().digits(), AltinnScopes.BROKER_WRITE)))
        .httpClient(noDns).retryPolicy(RetryPolicy.builder().maxRetries(1).initialBackoff(Duration.ofMillis(10))
            .maxBackoff(Duration.ofMillis(20)).build()).build()) {
      AccessTokenException e = assertThrows(AccessTokenException.class,
          () -> mp.accessToken(Set.of(AltinnScopes.BROKER_WRITE)));
      remember(e);
      assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
      assertEquals(3, lookups.get(), "metadata once (then built-in values), token request twice (one retry)");
    }
    row("DNS failure (unknown host)", "initialize; token request", "retried (certainly not sent), then"
        + " `BrokerIOException` naming the host, requestMayHaveBeenSent = false; `AccessTokenException` (unreachable)");
  }

  // ------------------------------------------------------------------------------------------------ concurrency

  static final String LOOPBACK = "loopback-resource";

  /** One client, sender and recipient at once (an organisation sending to itself), shared by 32 threads. */
  @Test
  void sharedClientUnderThirtyTwoThreads() throws Exception {
    int threads = 32;
    int rounds = 4;
    fake.resource(LOOPBACK, "974760673", env.senderOrg().digits());
    Maskinporten tokens = fresh(null, true, AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE,
        AltinnScopes.BROKER_READ);
    int grantsBefore = fake.maskinporten().grants().size();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger sends = new AtomicInteger();
    AtomicInteger verified = new AtomicInteger();
    Map<UUID, String> sentDigests = new ConcurrentHashMap<>();
    CyclicBarrier start = new CyclicBarrier(threads);
    try (BrokerClient shared = env.broker(tokens, Role.SENDER, Role.RECIPIENT).httpClient(http)
        .subscriptionKey(SUBSCRIPTION_KEY).build()) {
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        Thread worker = new Thread(() -> {
          Random random = new Random(seed);
          try {
            start.await(10, TimeUnit.SECONDS);
            for (int r = 0; r < rounds; r++) {
              int size = random.nextInt(8) == 0 ? 1_000_000 + random.nextInt(1_000_000) : random.nextInt(64 * 1024);
              byte[] data = new byte[size];
              random.nextBytes(data);
              String digest = sha256(data);
              FileTransferInitialize m = FileTransferInitialize.builder().resourceId(LOOPBACK)
                  .fileName("t" + seed + "-" + r + ".bin").sender(env.senderOrg()).recipient(env.senderOrg())
                  .sendersFileTransferReference(seed + "/" + r).build();
              UUID id;
              if (random.nextBoolean()) {
                Path in = dir.resolve("in-" + seed + "-" + r);
                Files.write(in, data);
                id = shared.send(m, in, SendOptions.builder().awaitPublished(Duration.ofSeconds(60)).build())
                    .fileTransferId();
              } else {
                id = shared.initialize(m);
                shared.upload(id, new ByteArrayInputStream(data), size, ProgressListener.NONE);
                shared.awaitStatus(id, FileTransferStatus.PUBLISHED, Duration.ofSeconds(60));
              }
              sends.incrementAndGet();
              sentDigests.put(id, digest);
              assertEquals(size, shared.getOverview(id).fileTransferSize());
              if (random.nextBoolean()) {
                Path out = dir.resolve("out-" + seed + "-" + r);
                shared.download(id, out);
                assertEquals(digest, sha256(Files.readAllBytes(out)), "file " + id + " arrived intact");
              } else {
                try (var in = shared.openDownload(id)) {
                  assertEquals(digest, sha256(in), "stream " + id + " intact");
                  assertTrue(in.checksumVerified());
                }
              }
              verified.incrementAndGet();
              shared.confirmDownload(id);
              assertTrue(shared.search(FileTransferSearch.builder(
                  LOOPBACK).build()).contains(id), "search finds " + id);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "worker-" + t);
        worker.start();
        workers.add(worker);
      }
      for (Thread w : workers) {
        w.join(Duration.ofMinutes(3).toMillis());
        assertFalse(w.isAlive(), w.getName() + " hung");
      }
    }
    failures.forEach(this::remember);
    assertEquals(List.of(), failures.stream().limit(3).map(Throwable::toString).toList(),
        failures.size() + " of " + threads + " threads failed");
    assertEquals(threads * rounds, sends.get());
    assertEquals(threads * rounds, verified.get());
    assertEquals(threads * rounds, sentDigests.size(), "every send made its own transfer");
    long initializes = fake.calls().stream()
        .filter(c -> c.method().equals("POST") && c.path().equals("/broker/api/v1/filetransfer")).count();
    assertEquals(threads * rounds, initializes, "no duplicate initialize");
    for (UUID id : sentDigests.keySet()) {
      assertEquals("AllConfirmedDownloaded", fake.status(id));
    }
    Map<Object, Long> grantsPerScopeSet = fake.maskinporten().grants().stream().skip(grantsBefore)
        .collect(Collectors.groupingBy(g -> g.getClaim("scope"),
            Collectors.counting()));
    assertEquals(Map.of("altinn:authorization:pdp altinn:broker.write", 1L,
        "altinn:authorization:pdp altinn:broker.read", 1L), grantsPerScopeSet,
        "32 threads: one Maskinporten token request per scope set (sending, receiving)");
    row("32 threads share one client", "send, upload, overview, download (Path and stream), confirm, search",
        "every transfer intact (SHA-256), one initialize per send, one token request per scope set");
  }

  static String sha256(byte[] data) throws Exception {
    return sha256(new ByteArrayInputStream(data));
  }

  /** Reads the stream to its end. */
  static String sha256(InputStream in) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  // ------------------------------------------------------------------------------------------------ the document

  @AfterAll
  static void matrixIsDocumentedAndNoSecretLeaked() throws Exception {
    StringBuilder t = new StringBuilder("| fault | operation | outcome | test |\n|---|---|---|---|\n");
    ROWS.forEach((k, v) -> t.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    Path doc = Path.of("..", "RELIABILITY.md");
    String start = "<!-- matrix:start -->\n";
    String end = "<!-- matrix:end -->";
    String s = Files.readString(doc);
    int a = s.indexOf(start);
    int z = s.indexOf(end);
    assertTrue(a >= 0 && z > a, "RELIABILITY.md needs the matrix markers");
    String current = s.substring(a + start.length(), z);
    if (Boolean.getBoolean("reliability.write")) {
      Files.writeString(doc, s.substring(0, a + start.length()) + t + s.substring(z));
    } else if (RAN.containsAll(Stream.of(ReliabilityMatrixTest.class.getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(Test.class)).map(java.lang.reflect.Method::getName).toList())) {
      // Every row test ran (not a -Dtest=…#one run): the document must match exactly.
      assertEquals(t.toString(), current, "RELIABILITY.md is out of date: run the examples tests with"
          + " -Dreliability.write=true");
    }
    List<String> all = new ArrayList<>(TEXTS);
    all.addAll(CapturedLogs.lines());
    assertTrue(CapturedLogs.lines().stream().anyMatch(l -> l.startsWith("DEBUG")),
        "logging at TRACE/DEBUG is captured");
    for (String line : all) {
      assertFalse(line.contains(SUBSCRIPTION_KEY), "subscription key leaked: " + line);
      assertFalse(line.contains(WEBHOOK_SECRET), "webhook secret leaked: " + line);
      assertFalse(line.contains("eyJ"), "a token or grant leaked: " + line);
      assertFalse(line.contains("\"d\":") || line.contains("PRIVATE KEY"), "key material leaked: " + line);
      assertFalse(line.contains("assertion="), "a grant form leaked: " + line);
    }
  }
}
