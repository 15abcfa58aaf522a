package no.brokerclient.benchmarks;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import no.brokerclient.BrokerClient;
import no.brokerclient.ProgressListener;
import no.brokerclient.Role;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testing.GeneratedStream;
import no.brokerclient.testing.StreamingBrokerServer;
import no.brokerclient.testkit.FakeMaskinporten;
import no.ks.fiks.maskinporten.Maskinportenklient;
import no.ks.fiks.maskinporten.MaskinportenklientBuilder;
import no.ks.fiks.maskinporten.MaskinportenklientPropertiesBuilder;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark and prints the table {@code BENCHMARKS.md} shows.
 *
 * <pre>
 * ./mvnw -B -q -Pbench verify                               # full run (about 5 minutes)
 * ./mvnw -B -q -Pbench verify -Dbench.args="--full --write" # and write the table into BENCHMARKS.md
 * ./mvnw -B -q -Pbench verify -Dbench.args=--smoke          # seconds; what CI runs
 * ./mvnw -B -q -Pbench verify -Dbench.args=--durable-only   # only the durable inbox rows (full mode)
 * ./mvnw -B -q -Pbench verify -Dbench.args="--wan-only --write" # only the WAN rows (1 GiB; about 5 minutes)
 * ./mvnw -B -q -Pbench verify -Dbench.args=--streaming-only # only SDK vs raw OkHttp streaming, 2 GiB each way
 * </pre>
 */
public final class RunAll {
  static final String SLF4J_SIMPLE = "org.slf4j.simple.SimpleServiceProvider";

  private RunAll() {}

  /**
   * @param args {@code --smoke} or {@code --full}, optionally {@code --write}
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    // The JDK HTTP server otherwise leaves small answers to Nagle + delayed ACK (about 40 ms each).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // Core's test-jar (for the streaming server) also carries a test-only log-capturing SLF4J provider; use the
    // real one.
    System.setProperty("slf4j.provider", SLF4J_SIMPLE);
    // Maven passes -Dbench.args="--full --write" as one argument.
    List<String> flags = List.of(String.join(" ", args).trim().split("\\s+"));
    boolean smoke = flags.contains("--smoke");
    boolean write = flags.contains("--write");
    Report report = new Report();
    System.out.println("broker-client benchmarks (" + (smoke ? "smoke" : "full") + ") on "
        + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version"));
    if (flags.contains("--streaming-only")) { // only the SDK-vs-raw-OkHttp streaming rows (full size unless --smoke)
      streaming(report, smoke ? 64L << 20 : 2L << 30, smoke ? 1 : 2);
      rangedDownload(report, smoke ? 32L << 20 : 256L << 20);
      System.out.println("\n" + report.markdown("Streaming only, " + Runtime.getRuntime().availableProcessors()
          + " cores, Java " + System.getProperty("java.version")));
      return;
    }
    boolean only = flags.contains("--durable-only") || flags.contains("--wan-only");
    Report wan = new Report();
    String loadBefore = loadAverage();
    if (!only || flags.contains("--wan-only")) { // in --full about 5 minutes: 1 GiB at 25 MB/s per connection
      WanBench.run(wan, smoke ? 8L << 20 : 1L << 30, smoke ? 256L << 10 : 8L << 20);
    }
    String loadAfter = loadAverage();
    if (!only) {
      streaming(report, smoke ? 64L << 20 : 2L << 30, smoke ? 1 : 2);
      rangedDownload(report, smoke ? 32L << 20 : 256L << 20);
      tokenCacheKeys(report, smoke ? 20 : 1000);
      tokenCacheOneKey(report, smoke ? 500 : 10_000);
      jmh(report, smoke);
    }
    if (!smoke && (!only || flags.contains("--durable-only"))) { // full mode only: starts PostgreSQL
      DurableInboxBench.run(report, 400);
    }
    String header = "Run " + Instant.now() + " (" + (smoke ? "smoke" : "full") + "), "
        + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch");
    Path out = Path.of("target", "benchmark-results.md");
    Files.createDirectories(out.getParent());
    String table = report.markdown(header);
    String wanTable = wan.markdown(header.replace("Run ", "WAN run ") + ", load average " + loadBefore
        + " before and " + loadAfter + " after (1, 5, 15 min)");
    Files.writeString(out, (report.isEmpty() ? "" : table + "\n") + (wan.isEmpty() ? "" : wanTable));
    if (!report.isEmpty()) {
      System.out.println("\n" + table);
    }
    if (!wan.isEmpty()) {
      System.out.println("\n" + wanTable);
    }
    if (write && !report.isEmpty() && !flags.contains("--wan-only")) {
      Report.writeInto(Path.of("..", "BENCHMARKS.md"), "results", table);
      System.out.println("wrote the table into BENCHMARKS.md");
    }
    if (write && !wan.isEmpty()) {
      Report.writeInto(Path.of("..", "BENCHMARKS.md"), "wan", wanTable);
      System.out.println("wrote the WAN table into BENCHMARKS.md");
    }
    System.exit(0);
  }

  /** @return the 1, 5 and 15 minute load averages ({@code /proc/loadavg}), or "unknown" */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  // ------------------------------------------------------------------------------------------------ streaming

  static void streaming(Report report, long size, int rounds) throws Exception {
    System.out.println("Streaming " + size / (1 << 20) + " MiB each way through a -Xmx64m JVM, best of " + rounds);
    double md5 = md5Speed(Math.min(size, 1L << 30));
    String downloadMd5 = md5Of(size, 22);
    String uploadMd5 = md5Of(size, 11);
    Map<String, String> r = new HashMap<>();
    try (StreamingBrokerServer server = new StreamingBrokerServer(size, 22, downloadMd5)) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-Xmx64m", "-Dslf4j.provider=" + SLF4J_SIMPLE, "-cp",
          System.getProperty("java.class.path"),
          StreamingChild.class.getName(), server.baseUrl(), Long.toString(size), "11", Integer.toString(rounds))
          .redirectErrorStream(true).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("streaming child failed:\n" + out);
      }
      String line = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no result from child:\n" + out));
      for (String kv : line.substring(7).split(" ")) {
        String[] x = kv.split("=", 2);
        r.put(x[0], x[1]);
      }
      if (!uploadMd5.equals(server.uploadedMd5()) || !uploadMd5.equals(r.get("sdkMd5"))) {
        throw new IllegalStateException("upload MD5 mismatch: expected " + uploadMd5 + ", server "
            + server.uploadedMd5() + ", SDK " + r.get("sdkMd5"));
      }
    }
    double sdkUp = Double.parseDouble(r.get("sdkUp"));
    double rawUp = Double.parseDouble(r.get("rawUp"));
    double sdkDown = Double.parseDouble(r.get("sdkDown"));
    double rawDown = Double.parseDouble(r.get("rawDown"));
    long peak = Long.parseLong(r.get("peakHeap"));
    long max = Long.parseLong(r.get("maxHeap"));
    report.add("Single-core MD5 (bounds the SDK, which hashes every byte)", Report.mbs(md5), "", "", "", true);
    double upBound = Math.min(rawUp, md5);
    report.add("Upload " + size / (1 << 20) + " MiB, SDK vs raw OkHttp", Report.mbs(sdkUp), Report.mbs(rawUp),
        String.format("%.2f", sdkUp / rawUp), "≥ 0.9 × min(raw, MD5)", sdkUp >= 0.9 * upBound);
    double downBound = Math.min(rawDown, md5);
    report.add("Download " + size / (1 << 20) + " MiB, SDK vs raw OkHttp", Report.mbs(sdkDown), Report.mbs(rawDown),
        String.format("%.2f", sdkDown / rawDown), "≥ 0.9 × min(raw, MD5)", sdkDown >= 0.9 * downBound);
    double upSerial = 1 / (1 / rawUp + 1 / md5);
    double downSerial = 1 / (1 / rawDown + 1 / md5);
    report.note(String.format("The SDK hashes on a thread of its own; hashing on the transferring thread would bound it"
        + " at 1/(1/raw + 1/MD5): upload %.0f MB/s"
        + " (SDK reached %.2f of it), download %.0f MB/s (SDK reached %.2f of it). The streaming server runs on the"
        + " same 2 cores.", upSerial / 1e6, sdkUp / upSerial, downSerial / 1e6, sdkDown / downSerial));
    report.add("Peak heap of the -Xmx64m JVM during both transfers", peak / (1 << 20) + " MiB",
        "max " + max / (1 << 20) + " MiB", "", "bounded (< 64 MiB)", peak < 64L << 20);
  }

  /**
   * Downloads {@code size} bytes to a file in one stream and in 4 ranges from a server that caps each connection
   * (a pause after every 256 KiB: about 25 MB/s), as a window-bound TCP stream over a WAN is capped. Not a WAN
   * (no round-trip delay), but it shows what ranges buy when a single connection is the limit.
   */
  static void rangedDownload(Report report, long size) throws Exception {
    String md5 = md5Of(size, 44);
    Path dir = Files.createTempDirectory("bench-ranges");
    double[] speed = new double[2];
    try (StreamingBrokerServer server = new StreamingBrokerServer(size, 44, md5).throttle(Duration.ofMillis(10));
        BrokerClient client = BrokerClient.builder().baseUrl(server.baseUrl())
            .accessTokenProvider(AccessTokenProvider.fixed("bench-token")).roles(Role.RECIPIENT).build()) {
      int[] ranges = {1, 4};
      for (int i = 0; i < ranges.length; i++) {
        Path target = dir.resolve("ranges-" + ranges[i] + ".bin");
        long t0 = System.nanoTime();
        DownloadResult r = client.download(UUID.randomUUID(), target, ranges[i], ProgressListener.NONE);
        speed[i] = size / ((System.nanoTime() - t0) / 1e9);
        if (!r.checksumVerified() || !md5.equals(r.md5())) {
          throw new IllegalStateException("ranged download MD5 mismatch with " + ranges[i] + " ranges");
        }
        Files.delete(target);
      }
    } finally {
      Files.deleteIfExists(dir);
    }
    report.add("Download " + size / (1 << 20) + " MiB, 4 ranges vs 1, ~25 MB/s per connection", Report.mbs(speed[1]),
        Report.mbs(speed[0]), String.format("%.2f", speed[1] / speed[0]), "≥ 3.5 × one range",
        speed[1] >= 3.5 * speed[0]);
  }

  static double md5Speed(long bytes) throws Exception {
    MessageDigest md = MessageDigest.getInstance("MD5");
    byte[] buf = new byte[1 << 20];
    new java.util.Random(1).nextBytes(buf);
    for (int i = 0; i < 64; i++) {
      md.update(buf); // warm-up
    }
    long t0 = System.nanoTime();
    for (long done = 0; done < bytes; done += buf.length) {
      md.update(buf);
    }
    md.digest();
    return bytes / ((System.nanoTime() - t0) / 1e9);
  }

  static String md5Of(long size, long seed) throws Exception {
    MessageDigest md = MessageDigest.getInstance("MD5");
    byte[] buf = new byte[1 << 20];
    try (InputStream in = new GeneratedStream(size, seed)) {
      int n;
      while ((n = in.read(buf)) != -1) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  // ------------------------------------------------------------------------------------------------ tokens

  static List<String> orgs(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 10_000_000; out.size() < n; i++) {
      String o = no.brokerclient.testing.TestKeys.orgNumber(Integer.toString(i));
      if (o != null) {
        out.add(o);
      }
    }
    return out;
  }

  static void tokenCacheKeys(Report report, int keys) throws Exception {
    System.out.println(
        "Token cache: " + keys + " distinct keys (consumer organisations) at once, 50 ms token endpoint");
    RSAKey key = new RSAKeyGenerator(2048).keyID("bench-kid").generate();
    List<String> orgs = orgs(keys);
    double ours;
    double fiks;
    int oursRequests;
    int fiksRequests;
    try (FakeMaskinporten fake =
        new FakeMaskinporten("bench", AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE)) {
      fake.registerKey("bench-kid", key.toRSAPublicKey());
      fake.latency(50);
      try (Maskinporten mp = Maskinporten.builder().issuer(fake.issuer()).clientId("bench")
          .signer(GrantSigners.jwk(key.toJSONString())).cacheSize(keys + 10).build()) {
        mp.withConsumerOrg(OrganizationNumber.of("991825827")).accessToken(AltinnScopes.SENDER); // warm discovery
        int before = fake.tokenRequests();
        ours = timeParallel(keys,
            i -> mp.withConsumerOrg(OrganizationNumber.of(orgs.get(i))).accessToken(AltinnScopes.SENDER));
        oursRequests = fake.tokenRequests() - before;
      }
      Maskinportenklient peer = new MaskinportenklientBuilder()
          .withPrivateKey(key.toPrivateKey())
          .usingAsymmetricKey("bench-kid")
          .withProperties(new MaskinportenklientPropertiesBuilder()
              .audience(fake.issuer()).tokenEndpoint(fake.issuer() + "token").issuer("bench")
              .numberOfSecondsLeftBeforeExpire(10).timeoutMillis(600_000).build())
          .build();
      peer.getAccessToken(fiksRequest("991825827"));
      int before = fake.tokenRequests();
      fiks = timeParallel(keys, i -> peer.getAccessToken(fiksRequest(orgs.get(i))));
      fiksRequests = fake.tokenRequests() - before;
    }
    report.add(keys + " keys at once (100 threads): wall time, ours vs fiks-maskinporten 3.6.0",
        String.format("%.2f s", ours), String.format("%.2f s", fiks), String.format("%.1f×", fiks / ours), "≥ 20×",
        fiks / ours >= 20);
    report.note("token requests made for " + keys + " keys: ours " + oursRequests + ", fiks " + fiksRequests);
    // The CPU floor: the same race with no endpoint latency. Every token costs an RSA signature on our side (the
    // grant) and one on the fake's (the token), both on this machine's cores.
    try (FakeMaskinporten fake =
            new FakeMaskinporten("bench", AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE);
        Maskinporten mp = Maskinporten.builder().issuer(fake.issuer()).clientId("bench")
            .signer(GrantSigners.jwk(key.toJSONString())).cacheSize(keys + 10).build()) {
      fake.registerKey("bench-kid", key.toRSAPublicKey());
      mp.withConsumerOrg(OrganizationNumber.of("991825827")).accessToken(AltinnScopes.SENDER);
      double floor = timeParallel(keys, i -> mp.withConsumerOrg(OrganizationNumber.of(orgs.get(i)))
          .accessToken(AltinnScopes.SENDER));
      report.note(String.format("CPU floor on this machine: the same %d keys with a 0 ms endpoint take %.2f s for"
          + " ours (client and fake token server share the cores); with 50 ms latency ours took %.2f s, so latency"
          + " added %.2f s; fiks took %.2f s, %.1f× the floor.", keys, floor, ours, ours - floor, fiks, fiks / floor));
    }
  }

  /** The same scopes (and consumer organisation) our client asks for. */
  static no.ks.fiks.maskinporten.AccessTokenRequest fiksRequest(String consumerOrg) {
    no.ks.fiks.maskinporten.AccessTokenRequestBuilder b = new no.ks.fiks.maskinporten.AccessTokenRequestBuilder()
        .scopes(java.util.Set.of(AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE));
    if (consumerOrg != null) {
      b.consumerOrg(consumerOrg);
    }
    return b.build();
  }

  interface IndexedCall {
    String call(int i) throws Exception;
  }

  static double timeParallel(int n, IndexedCall call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(100);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int idx = i;
        Callable<String> c = () -> {
          go.await();
          return call.call(idx);
        };
        fs.add(pool.submit(c));
      }
      long t0 = System.nanoTime();
      go.countDown();
      for (Future<String> f : fs) {
        f.get(30, TimeUnit.MINUTES);
      }
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      pool.shutdownNow();
    }
  }

  static void tokenCacheOneKey(Report report, int perThread) throws Exception {
    int threads = 64;
    System.out.println("Token cache: " + threads + " threads × " + perThread + " requests for one key");
    RSAKey key = new RSAKeyGenerator(2048).keyID("bench-kid").generate();
    try (FakeMaskinporten fake =
        new FakeMaskinporten("bench", AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE)) {
      fake.registerKey("bench-kid", key.toRSAPublicKey());
      fake.latency(50);
      double ours;
      int requests;
      try (Maskinporten mp = Maskinporten.builder().issuer(fake.issuer()).clientId("bench")
          .signer(GrantSigners.jwk(key.toJSONString())).build()) {
        ours = hammer(threads, perThread, () -> mp.accessToken(AltinnScopes.SENDER));
        requests = fake.tokenRequests();
      }
      Maskinportenklient peer = new MaskinportenklientBuilder().withPrivateKey(key.toPrivateKey())
          .usingAsymmetricKey("bench-kid").withProperties(new MaskinportenklientPropertiesBuilder()
              .audience(fake.issuer()).tokenEndpoint(fake.issuer() + "token").issuer("bench")
              .numberOfSecondsLeftBeforeExpire(10).timeoutMillis(60_000).build()).build();
      int before = fake.tokenRequests();
      double fiks = hammer(threads, perThread, () -> peer.getAccessToken(fiksRequest(null)));
      int fiksRequests = fake.tokenRequests() - before;
      report.add(threads + " threads × " + perThread + " calls, one key: token requests made",
          Integer.toString(requests), Integer.toString(fiksRequests), "", "exactly 1", requests == 1);
      report.add(threads + " threads × " + perThread + " calls, one key: throughput",
          String.format("%,.0f calls/s", ours), String.format("%,.0f calls/s", fiks),
          String.format("%.1f×", ours / fiks), "reported", true);
    }
  }

  static double hammer(int threads, int perThread, Callable<String> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            call.call();
          }
          return null;
        }));
      }
      long t0 = System.nanoTime();
      go.countDown();
      for (Future<?> f : fs) {
        f.get(30, TimeUnit.MINUTES);
      }
      return (double) threads * perThread / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------------------------------------ JMH

  static void jmh(Report report, boolean smoke) throws Exception {
    System.out.println("JMH warm paths");
    Options opts = new OptionsBuilder()
        .include(WarmPaths.class.getName() + "\\.")
        .forks(smoke ? 0 : 1)
        .warmupIterations(smoke ? 1 : 3).warmupTime(TimeValue.milliseconds(smoke ? 200 : 1000))
        .measurementIterations(smoke ? 2 : 5).measurementTime(TimeValue.milliseconds(smoke ? 200 : 1000))
        .jvmArgsAppend("-Xmx256m", "-Dsun.net.httpserver.nodelay=true", "-Dslf4j.provider=" + SLF4J_SIMPLE)
        .shouldFailOnError(true)
        .build();
    Map<String, Double> ns = new HashMap<>();
    Map<String, Double> err = new HashMap<>();
    for (RunResult r : new Runner(opts).run()) {
      String name = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
      ns.put(name, r.getPrimaryResult().getScore());
      err.put(name, r.getPrimaryResult().getScoreError());
    }
    double token = ns.get("cachedTokenLookup");
    report.add("Cached token lookup (JMH, average)",
        String.format("%.0f ns ± %.0f", token, err.get("cachedTokenLookup")), "", "", "≤ 1 µs", token <= 1000);
    double sdk = ns.get("overviewViaBrokerClient");
    double raw = ns.get("overviewViaBareOkHttp");
    report.add("Overview call on loopback: BrokerClient vs bare OkHttp (JMH)",
        String.format("%.0f µs ± %.0f", sdk / 1000, err.get("overviewViaBrokerClient") / 1000),
        String.format("%.0f µs ± %.0f", raw / 1000, err.get("overviewViaBareOkHttp") / 1000),
        String.format("%.2f", sdk / raw), "≤ 1.15", sdk / raw <= 1.15);
    double parse = ns.get("webhookEventParse");
    report.add("Webhook event handled (parse, checks, dedupe) (JMH)", String.format("%,.0f events/s", 1e9 / parse),
        "", "", "reported", true);
  }
}
