package no.brokerclient.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.testkit.FakeMaskinporten;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** JMH: the SDK's warm paths. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WarmPaths {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");
  static final String OVERVIEW = "{\"fileTransferId\":\"" + ID + "\",\"resourceId\":\"r\",\"fileName\":\"a.zip\","
      + "\"sendersFileTransferReference\":\"ref\",\"checksum\":\"9e107d9d372bb6826bd81d3542a419d6\","
      + "\"useVirusScan\":true,\"fileTransferSize\":1000,\"fileTransferStatus\":\"Published\","
      + "\"fileTransferStatusText\":\"Ready for download\","
      + "\"fileTransferStatusChanged\":\"2026-08-01T10:15:30.123456+00:00\",\"created\":\"2026-08-01T10:00:00+00:00\","
      + "\"expirationTime\":\"2026-08-31T10:00:00+00:00\",\"sender\":\"0192:991825827\",\"recipients\":[{\"recipient\":"
      + "\"0192:986252932\",\"currentRecipientFileTransferStatusCode\":\"Initialized\","
      + "\"currentRecipientFileTransferStatusText\":\"Initialized\",\"currentRecipientFileTransferStatusChanged\":"
      + "\"2026-08-01T10:00:00+00:00\"}],\"propertyList\":{},\"published\":\"2026-08-01T10:15:30+00:00\"}";

  /** A warm Maskinporten cache against the fake. */
  @State(Scope.Benchmark)
  public static class Tokens {
    FakeMaskinporten fake;
    Maskinporten mp;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      var key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("bench").generate();
      fake = new FakeMaskinporten("bench", AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE);
      fake.registerKey("bench", key.toRSAPublicKey());
      mp = Maskinporten.builder().issuer(fake.issuer()).clientId("bench").signer(GrantSigners.jwk(key.toJSONString()))
          .build();
      mp.accessToken(AltinnScopes.SENDER);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      mp.close();
      fake.close();
    }
  }

  /** A loopback server answering overview requests, and two clients. */
  @State(Scope.Benchmark)
  public static class Overview {
    HttpServer server;
    BrokerClient sdk;
    OkHttpClient raw;
    String url;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      byte[] body = OVERVIEW.getBytes(StandardCharsets.UTF_8);
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      server.createContext("/", ex -> {
        try (ex) {
          ex.getRequestBody().readAllBytes();
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
        }
      });
      server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
      server.start();
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      url = base + "/broker/api/v1/filetransfer/" + ID;
      sdk = BrokerClient.builder().baseUrl(base).accessTokenProvider(AccessTokenProvider.fixed("token"))
          .roles(Role.SENDER).build();
      raw = new OkHttpClient();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      sdk.close();
      raw.dispatcher().executorService().shutdown();
      raw.connectionPool().evictAll();
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  /** A webhook handler and a Broker event body. */
  @State(Scope.Thread)
  public static class Webhook {
    WebhookHandler handler;
    final AtomicLong n = new AtomicLong();
    final URI uri = URI.create("/events?code=bench-secret-0123456789");

    @Setup(Level.Trial)
    public void setUp() {
      handler = WebhookHandler.builder().secret("bench-secret-0123456789").listener(e -> { }).build();
    }

    byte[] next() {
      return ("{\"specversion\":\"1.0\",\"id\":\"" + n.incrementAndGet() + "\","
          + "\"source\":\"https://platform.tt02.altinn.no"
          + "/broker/api/v1/filetransfer\",\"type\":\"no.altinn.broker.published\",\"subject\":"
          + "\"urn:altinn:organization:identifier-no:986252932\",\"time\":\"2026-08-18T11:40:51.1234567Z\","
          + "\"resource\":"
          + "\"urn:altinn:resource:my-broker-resource\",\"resourceinstance\":\"" + new UUID(0, n.get()) + "\",\"data\":"
          + "{\"Role\":\"Recipient\"}}").getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * @param t warm cache
   * @return the cached token
   */
  @Benchmark
  public String cachedTokenLookup(Tokens t) {
    return t.mp.accessToken(AltinnScopes.SENDER);
  }

  /**
   * @param o server and clients
   * @return the parsed overview
   */
  @Benchmark
  public FileTransferOverview overviewViaBrokerClient(Overview o) {
    return o.sdk.getOverview(ID);
  }

  /**
   * @param o server and clients
   * @return the body
   * @throws Exception on failure
   */
  @Benchmark
  public String overviewViaBareOkHttp(Overview o) throws Exception {
    try (Response r = o.raw.newCall(new Request.Builder().url(o.url).header("Authorization", "Bearer token")
        .header("Accept", "application/json").build()).execute()) {
      return r.body().string();
    }
  }

  /**
   * @param w handler and bodies
   * @return the status
   */
  @Benchmark
  public int webhookEventParse(Webhook w) {
    return w.handler.handle("POST", w.uri, Map.of(), new ByteArrayInputStream(w.next())).status();
  }

  static Set<String> names() {
    return Set.of("cachedTokenLookup", "overviewViaBrokerClient", "overviewViaBareOkHttp", "webhookEventParse");
  }
}
