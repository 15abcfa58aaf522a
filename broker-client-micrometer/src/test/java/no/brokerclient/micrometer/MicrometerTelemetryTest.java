package no.brokerclient.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import no.brokerclient.BrokerClient;
import no.brokerclient.RetryPolicy;
import no.brokerclient.Role;
import no.brokerclient.SendOptions;
import no.brokerclient.TelemetryListener;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.auth.MaskinportenView;
import no.brokerclient.events.BrokerEvent;
import no.brokerclient.events.BrokerEventPoller;
import no.brokerclient.events.EventRole;
import no.brokerclient.events.EventSubscriptions;
import no.brokerclient.events.EventsClient;
import no.brokerclient.events.WebhookServer;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testkit.FakeAltinn;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One full run against the embedded FakeAltinn (a 503 on initialize, send, webhook validation and delivery, a
 * delivery with a bad secret, a poll that catches a missed event, download, confirm) with MicrometerTelemetry on a
 * SimpleMeterRegistry, next to a listener that captures every event: the meters and their tags, bounded tag values,
 * no secret in any event or meter, and README's table against the meters registered.
 */
class MicrometerTelemetryTest {
  static final String SENDER = "991825827";
  static final String RECIPIENT = "986252932";
  static final String OWNER = "974760673";
  static final String RESOURCE = "metrics-resource";
  static final String SUBSCRIPTION_KEY = "subkey-5f1e0c8a9b7d4e3f";
  static final String WEBHOOK_SECRET = "webhook-secret-a8c3e1f0d2b4";
  static final int SIZE = 200_000;
  static final Pattern UUID_LIKE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-");

  @TempDir static Path dir;
  static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  static final List<String> events = new CopyOnWriteArrayList<>();
  static UUID sentId;

  /** Feeds MicrometerTelemetry and records every event's text. */
  static final class Tee extends TelemetryListener {
    final MicrometerTelemetry meters = new MicrometerTelemetry(registry);

    @Override
    public void httpAttempt(HttpAttempt a) {
      events.add(a.toString());
      meters.httpAttempt(a);
    }

    @Override
    public void retry(Retry r) {
      events.add(r.toString());
      meters.retry(r);
    }

    @Override
    public void tokenFetch(TokenFetch f) {
      events.add(f.toString());
      meters.tokenFetch(f);
    }

    @Override
    public void clockOffset(Duration offset) {
      events.add(offset.toString());
      meters.clockOffset(offset);
    }

    @Override
    public void transfer(Transfer t) {
      events.add(t.toString());
      meters.transfer(t);
    }

    @Override
    public void webhookDelivery(WebhookOutcome o) {
      events.add(o.toString());
      meters.webhookDelivery(o);
    }

    @Override
    public void pollerCaughtMissedEvent(String type) {
      events.add(type);
      meters.pollerCaughtMissedEvent(type);
    }
  }

  @BeforeAll
  static void fullRun() throws Exception {
    Tee tee = new Tee();
    RetryPolicy fast = RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(5))
        .maxBackoff(Duration.ofMillis(20)).build();
    byte[] data = new byte[SIZE];
    new Random(7).nextBytes(data);
    Path file = Files.write(dir.resolve("m.bin"), data);
    try (FakeAltinn fake = FakeAltinn.start()) {
      fake.virusScanDelay(Duration.ofMillis(20));
      fake.webhookRetryDelays(Duration.ofMillis(50));
      fake.resource(RESOURCE, OWNER, SENDER, RECIPIENT);
      String[] scopes = {AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE, AltinnScopes.BROKER_READ,
          AltinnScopes.EVENTS_SUBSCRIBE};
      Maskinporten senderMp = maskinporten(fake, "sender-system", SENDER, tee, scopes);
      Maskinporten recipientMp = maskinporten(fake, "recipient-system", RECIPIENT, tee, scopes);
      MaskinportenView senderTokens = senderMp.withSystemUser(OrganizationNumber.of(SENDER));
      MaskinportenView recipientTokens = recipientMp.withSystemUser(OrganizationNumber.of(RECIPIENT));
      WebhookHandler handler = WebhookHandler.builder().secret(WEBHOOK_SECRET).telemetry(tee)
          .listener(e -> { }).build();
      var server = WebhookServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "/hook",
          handler);
      String hook = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
      try (BrokerClient sender = broker(fake, senderTokens, Role.SENDER, tee, fast);
          BrokerClient recipient = broker(fake, recipientTokens, Role.RECIPIENT, tee, fast);
          EventsClient events = EventsClient.builder().platformUrl(fake.platformUrl())
              .accessTokenProvider(recipientTokens.forEvents()).subscriptionKey(SUBSCRIPTION_KEY).telemetry(tee)
              .build()) {
        int id = events.ensure(EventSubscriptions.builder().platformUrl(fake.platformUrl()).resourceId(RESOURCE)
            .subject(OrganizationNumber.of(RECIPIENT)).endpoint(hook).webhookSecret(WEBHOOK_SECRET)
            .recipientEvents().build(), false).entries().get(0).subscription().id();
        for (int i = 0; i < 200 && !events.get(id).validated(); i++) {
          Thread.sleep(20);
        }
        fake.failNext("POST", "/broker/api/v1/filetransfer", FakeAltinn.Failure.status(503));
        sentId = sender.send(FileTransferInitialize.builder().resourceId(RESOURCE).fileName("m.bin")
            .sender(OrganizationNumber.of(SENDER)).recipient(OrganizationNumber.of(RECIPIENT)).build(), file,
            SendOptions.builder().awaitPublished(Duration.ofSeconds(30)).build()).fileTransferId();
        for (int i = 0; i < 200 && fake.deliveries().stream().noneMatch(
            d -> "no.altinn.broker.published".equals(d.type()) && d.status() == 200); i++) {
          Thread.sleep(20);
        }
        postWithWrongSecret(hook);
        // A poller with its own window: to it, the published transfer is an event the webhook missed.
        List<BrokerEvent> polled = new CopyOnWriteArrayList<>();
        BrokerEventPoller.builder().client(recipient).resourceId(RESOURCE)
            .organization(OrganizationNumber.of(RECIPIENT))
            .role(EventRole.RECIPIENT).listener(polled::add).telemetry(tee).build().pollOnce();
        assertEquals(1, polled.size());
        recipient.download(sentId, dir.resolve("out.bin"));
        recipient.confirmDownload(sentId);
      } finally {
        server.close();
        senderMp.close();
        recipientMp.close();
      }
    }
  }

  @AfterAll
  static void close() {
    registry.close();
  }

  static Maskinporten maskinporten(FakeAltinn fake, String clientId, String org, TelemetryListener tee,
      String... scopes) {
    return Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId(clientId)
        .signer(GrantSigners.jwk(fake.client(clientId, org, scopes))).altinnPlatformUrl(fake.platformUrl())
        .subscriptionKey(SUBSCRIPTION_KEY).telemetry(tee).build();
  }

  static BrokerClient broker(
      FakeAltinn fake, MaskinportenView tokens, Role role, TelemetryListener tee, RetryPolicy r) {
    return BrokerClient.builder().baseUrl(fake.platformUrl()).accessTokenProvider(tokens.forBroker()).roles(role)
        .subscriptionKey(SUBSCRIPTION_KEY).retryPolicy(r).telemetry(tee).build();
  }

  static void postWithWrongSecret(String hook) throws Exception {
    OkHttpClient http = new OkHttpClient();
    try (Response r = http.newCall(new Request.Builder().url(hook + "?code=wrong-secret-0000000000")
        .post(RequestBody.create("{}", MediaType.get("application/json"))).build()).execute()) {
      assertEquals(401, r.code());
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  static double count(String name, String... tags) {
    Meter m = registry.find(name).tags(tags).meter();
    assertNotNull(m, name + " " + String.join(",", tags) + " in " + meterIds());
    if (m instanceof Timer t) {
      return t.count();
    }
    if (m instanceof Counter c) {
      return c.count();
    }
    return ((DistributionSummary) m).count();
  }

  static String meterIds() {
    return registry.getMeters().stream().map(m -> m.getId().toString()).collect(Collectors.joining("\n"));
  }

  @Test
  void httpAttemptsAreTimedByOperationStatusAndOutcome() {
    assertEquals(1, count("brokerclient.http.requests", "operation", "initialize", "status", "503", "outcome",
        "SERVER_ERROR", "method", "POST", "uri", "/broker/api/v1/filetransfer"));
    assertEquals(1, registry.find("brokerclient.http.requests").tags("operation", "initialize", "outcome", "SUCCESS")
        .timers().stream().mapToLong(Timer::count).sum());
    assertEquals(1, count("brokerclient.http.requests", "operation", "upload", "outcome", "SUCCESS", "uri",
        "/broker/api/v1/filetransfer/{fileTransferId}/upload"));
    assertEquals(1, count("brokerclient.http.requests", "operation", "download", "status", "200"));
    assertEquals(1, count("brokerclient.http.requests", "operation", "confirmDownload", "outcome", "SUCCESS"));
    assertTrue(count("brokerclient.http.requests", "operation", "createSubscription") >= 1);
  }

  @Test
  void the503RetryIsCounted() {
    assertEquals(1, count("brokerclient.http.retries", "operation", "initialize", "reason", "503"));
    assertEquals(1, registry.find("brokerclient.http.retries").counters().stream().mapToDouble(Counter::count).sum());
  }

  @Test
  void tokenFetchesTransfersAndClockOffset() {
    assertTrue(count("brokerclient.token.fetches", "kind", "maskinporten", "outcome", "success", "error", "none") >= 2);
    assertTrue(count("brokerclient.token.fetches", "kind", "altinnTokenExchange", "outcome", "success") >= 2);
    DistributionSummary up = registry.find("brokerclient.transfer.bytes").tag("direction", "upload").summary();
    DistributionSummary down = registry.find("brokerclient.transfer.bytes").tag("direction", "download").summary();
    assertEquals(SIZE, up.totalAmount());
    assertEquals(SIZE, down.totalAmount());
    assertEquals("bytes", up.getId().getBaseUnit());
    assertEquals(1, count("brokerclient.transfers", "direction", "download"));
    TimeGauge offset = registry.find("brokerclient.clock.offset").timeGauge();
    assertEquals(0, offset.value());
    assertEquals("seconds", offset.getId().getBaseUnit());
  }

  @Test
  void theClockOffsetGaugeOutlivesTheTelemetryObject() {
    SimpleMeterRegistry alone = new SimpleMeterRegistry();
    new MicrometerTelemetry(alone); // nobody keeps it: a weakly held gauge value reads NaN once it is collected
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    assertEquals(0, alone.find(MicrometerTelemetry.CLOCK_OFFSET).timeGauge().value());
  }

  @Test
  void webhookOutcomesAndPollerCatches() {
    assertEquals(1, count("brokerclient.webhook.deliveries", "outcome", "bad_secret"));
    assertTrue(count("brokerclient.webhook.deliveries", "outcome", "validation") >= 1);
    assertTrue(count("brokerclient.webhook.deliveries", "outcome", "ok") >= 1);
    assertEquals(1, count("brokerclient.poller.missed.events", "type", "no.altinn.broker.published"));
  }

  @Test
  void tagValuesAreBoundedNoIdsOrgNumbersOrUrls() {
    for (Meter m : registry.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        String v = t.getValue();
        assertFalse(UUID_LIKE.matcher(v).find() || v.contains(SENDER) || v.contains(RECIPIENT) || v.contains("://")
            || v.contains("?") || v.contains("127.0.0.1") || v.contains(RESOURCE), m.getId().toString());
      }
    }
  }

  @Test
  void noSecretReachesAnyEventOrMeter() {
    String all = String.join("\n", events) + "\n" + meterIds();
    assertTrue(events.size() > 20, "the run produced events: " + events.size());
    assertFalse(all.contains(SUBSCRIPTION_KEY), "subscription key");
    assertFalse(all.contains("eyJ"), "a token");
    assertFalse(all.contains(WEBHOOK_SECRET), "webhook secret");
    assertFalse(all.contains("wrong-secret"), "the wrong secret a caller sent");
  }

  @Test
  void readmeDocumentsEveryMeterWithItsTypeTagsAndUnit() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("## Metrics and tracing");
    assertTrue(start >= 0, "README has a Metrics and tracing section");
    String section = readme.substring(start, readme.indexOf("\n## ", start + 1) < 0 ? readme.length()
        : readme.indexOf("\n## ", start + 1));
    Map<String, String> documented = new TreeMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `(brokerclient\\.[a-z.]+)` \\| (\\w+) \\| ([^|]*) \\| ([^|]*) \\|")
        .matcher(section);
    while (row.find()) {
      List<String> tags = Pattern.compile("`([a-z_]+)`").matcher(row.group(3)).results().map(r -> r.group(1))
          .sorted().toList();
      documented.put(row.group(1), row.group(2) + " " + tags + " " + row.group(4).strip());
    }
    Map<String, String> registered = new TreeMap<>();
    for (Meter m : registry.getMeters()) {
      String type = m instanceof TimeGauge ? "gauge" : m instanceof Timer ? "timer" : m instanceof Counter ? "counter"
          : m instanceof DistributionSummary ? "summary" : m.getId().getType().name();
      String unit = m instanceof Timer ? "seconds" : m.getId().getBaseUnit() == null ? "-" : m.getId().getBaseUnit();
      registered.put(m.getId().getName(), type + " " + m.getId().getTags().stream().map(Tag::getKey).sorted().toList()
          + " " + unit);
    }
    assertEquals(registered, documented);
  }
}
