package no.brokerclient.benchmarks;

import io.tus.java.client.TusClient;
import io.tus.java.client.TusUploader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import no.brokerclient.BrokerClient;
import no.brokerclient.ProgressListener;
import no.brokerclient.Role;
import no.brokerclient.UploadMode;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.interop.LoopbackProxy;
import no.brokerclient.interop.TusJavaServerBroker;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testkit.FakeAltinn;

/**
 * Large files over a WAN: a {@link LoopbackProxy} in front of FakeAltinn (and of tus-java-server dressed as Broker)
 * adds {@value #ONE_WAY_MS} ms each way (a {@value #RTT_MS} ms round trip) and caps every connection at {@value
 * #CAP_MB_S} MB/s per direction, so one TCP stream is bound as by its window over a real WAN. One file, in one run:
 * streamed POST, TUS sequential and TUS in 4 parts, the official {@code io.tus.java.client:tus-java-client} against
 * the same endpoint as ours, download with 1 and 4 ranges, and a
 * 4-part upload whose connections are all cut at 50 %, resumed in-process (bytes re-sent counted at the server).
 */
final class WanBench {
  static final int ONE_WAY_MS = 10;
  static final int RTT_MS = 2 * ONE_WAY_MS;
  static final int CAP_MB_S = 25;
  /** Bytes per PATCH: 8 MiB (Broker's reference default) in the full run, smaller in the smoke run. */
  private static long chunk = 8L << 20;
  static final int PARTS = 4;
  private static final String SENDER = "991825827";
  private static final String RECIPIENT = "986252932";

  private WanBench() {}

  /** Upload timings: until the server acknowledged the last byte, and until the call returned. */
  record Timing(double wireSeconds, double totalSeconds) {}

  /**
   * @param report where the rows go
   * @param size the file size
   * @param chunkSize bytes per TUS PATCH
   * @throws Exception on failure
   */
  static void run(Report report, long size, long chunkSize) throws Exception {
    chunk = chunkSize;
    String mib = size / (1 << 20) + " MiB";
    System.out.println("WAN: " + mib + " through a loopback proxy, " + RTT_MS + " ms round trip, " + CAP_MB_S
        + " MB/s per connection");
    Path dir = Files.createTempDirectory("broker-wan-bench");
    try (FakeAltinn fake = FakeAltinn.start()) {
      fake.virusScanDelay(Duration.ofMillis(20));
      fake.tus().finalizeDelay(Duration.ofMillis(20));
      fake.resource("wan-resource", "974760673", SENDER, RECIPIENT);
      Path file = dir.resolve("wan.bin");
      String md5 = write(file, size);
      try (LoopbackProxy wan = wan(URI.create(fake.platformUrl()).getPort());
          Maskinporten senderTokens = tokens(fake, "wan-sender", SENDER, "altinn:broker.write");
          Maskinporten recipientTokens = tokens(fake, "wan-recipient", RECIPIENT, "altinn:broker.read");
          BrokerClient sender = sender(wan.url(), senderTokens.forBroker(), 1, chunk);
          BrokerClient bigChunks = sender(wan.url(), senderTokens.forBroker(), 1, 4 * chunk);
          BrokerClient parallel = sender(wan.url(), senderTokens.forBroker(), PARTS, chunk)) {
        Timing post = upload(fake, sender, file, size, md5, UploadMode.STREAM);
        Timing seq = upload(fake, sender, file, size, md5, UploadMode.TUS);
        Timing big = upload(fake, bigChunks, file, size, md5, UploadMode.TUS);
        Timing par = upload(fake, parallel, file, size, md5, UploadMode.TUS_PARALLEL);
        double postMbs = size / post.totalSeconds();
        double seqMbs = size / seq.totalSeconds();
        double bigMbs = size / big.totalSeconds();
        double parMbs = size / par.totalSeconds();
        report.add("WAN upload " + mib + ": streamed POST, one connection", Report.mbs(postMbs), "", "", "reported",
            true);
        report.add("WAN upload " + mib + ": TUS sequential (" + chunk / 1024 + " KiB chunks) vs streamed POST",
            Report.mbs(seqMbs), Report.mbs(postMbs), ratio(seqMbs / postMbs), "≥ 0.9", seqMbs / postMbs >= 0.9);
        report.add("WAN upload " + mib + ": TUS sequential, " + 4 * chunk / 1024 + " KiB chunks, vs streamed POST",
            Report.mbs(bigMbs), Report.mbs(postMbs), ratio(bigMbs / postMbs), "reported", true);
        report.add("WAN upload " + mib + ": TUS " + PARTS + " parts vs TUS sequential", Report.mbs(parMbs),
            Report.mbs(seqMbs), ratio(parMbs / seqMbs), "≥ 3.5", parMbs / seqMbs >= 3.5);
        report.note(String.format("Upload times are end to end: until upload() returned, which for TUS includes"
            + " waiting (polling the overview: 1 s, then 1.5× longer) for FakeAltinn's asynchronous finalize, which"
            + " joins the parts and hashes the whole file on the same 2 cores (Broker does this on Azure). Streamed"
            + " POST %.1f s; TUS sequential %.1f s, of which the last byte was acknowledged at %.1f s; %d KiB chunks"
            + " %.1f s (%.1f s); %d parts %.1f s (%.1f s). Each PATCH waits for its answer before the next starts:"
            + " about one round trip plus the proxy's queue per chunk.", post.totalSeconds(), seq.totalSeconds(),
            seq.wireSeconds(), 4 * chunk / 1024, big.totalSeconds(), big.wireSeconds(), PARTS, par.totalSeconds(),
            par.wireSeconds()));
        downloads(report, fake, wan.url(), recipientTokens.forBroker(), sender, file, size, md5, dir);
        // Last, on its own client: the cut resets every connection through the proxy, idle pooled ones included,
        // and the SDK does not resend a non-idempotent POST (initialize) that met a dead pooled connection.
        try (BrokerClient cut = sender(wan.url(), senderTokens.forBroker(), PARTS, chunk)) {
          resumed(report, fake, wan, cut, file, size, md5);
        }
      }
      tusJavaClient(report, dir, file, size, md5);
    } finally {
      deleteTree(dir);
    }
  }

  static LoopbackProxy wan(int port) throws Exception {
    return LoopbackProxy.builder(port).oneWayDelay(Duration.ofMillis(ONE_WAY_MS)).bytesPerSecond(CAP_MB_S * 1_000_000L)
        .start();
  }

  static Maskinporten tokens(FakeAltinn fake, String clientId, String org, String scope) {
    return Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId(clientId)
        .signer(GrantSigners.jwk(fake.client(clientId, org, "altinn:authorization:pdp", scope)))
        .altinnPlatformUrl(fake.platformUrl()).build();
  }

  static BrokerClient sender(String url, AccessTokenProvider tokens, int parts, long chunkSize) {
    return BrokerClient.builder().baseUrl(url).accessTokenProvider(tokens).roles(Role.SENDER)
        .tusChunkSize(chunkSize).tusParallelParts(parts).build();
  }

  static FileTransferInitialize meta(String md5) {
    return FileTransferInitialize.builder().resourceId("wan-resource").fileName("wan.bin")
        .sender(OrganizationNumber.of(SENDER)).recipient(OrganizationNumber.of(RECIPIENT)).checksum(md5).build();
  }

  /** Uploads once; checks that the server's MD5 is the file's. */
  static Timing upload(FakeAltinn fake, BrokerClient c, Path file, long size, String md5, UploadMode mode) {
    UUID id = c.initialize(meta(md5));
    long start = System.nanoTime();
    AtomicLong wireDone = new AtomicLong();
    ProgressListener wire = (done, total) -> {
      if (done == total) {
        wireDone.compareAndSet(0, System.nanoTime());
      }
    };
    c.upload(id, file, wire, mode);
    long end = System.nanoTime();
    FileTransferOverview o = c.awaitStatus(id, FileTransferStatus.UPLOAD_PROCESSING, Duration.ofMinutes(5));
    if (!md5.equals(o.checksum())) {
      throw new IllegalStateException(mode + ": server MD5 " + o.checksum() + ", file " + md5);
    }
    System.out.printf("  %s: %.1f s (last byte acknowledged at %.1f s)%n", mode, (end - start) / 1e9,
        (wireDone.get() - start) / 1e9);
    fake.purge(id);
    return new Timing((wireDone.get() == 0 ? end - start : wireDone.get() - start) / 1e9, (end - start) / 1e9);
  }

  /** Every connection of a 4-part upload is reset when half the file has passed; the parts resume in-process. */
  static void resumed(Report report, FakeAltinn fake, LoopbackProxy wan, BrokerClient c, Path file, long size,
      String md5) {
    UUID id = c.initialize(meta(md5));
    int cutsBefore = wan.cuts();
    wan.cutWhenUpstreamReaches(wan.upstreamBytes() + size / 2);
    long start = System.nanoTime();
    c.upload(id, file, ProgressListener.NONE, UploadMode.TUS_PARALLEL);
    double seconds = (System.nanoTime() - start) / 1e9;
    FileTransferOverview o = c.awaitStatus(id, FileTransferStatus.UPLOAD_PROCESSING, Duration.ofMinutes(5));
    if (!md5.equals(o.checksum()) || wan.cuts() != cutsBefore + 1) {
      throw new IllegalStateException("resumed upload: server MD5 " + o.checksum() + ", cuts " + wan.cuts());
    }
    long resent = fake.tus().bytesReceived(id) - size;
    long allowed = PARTS * chunk;
    report.add("WAN upload, " + PARTS + " parts, every connection cut at 50 %: bytes re-sent (counted by the"
        + " server)", String.format("%,d B (%.2f chunks)", resent, resent / (double) chunk), "", "",
        "≤ 1 chunk per part (" + PARTS + " × " + chunk / 1024 + " KiB)", resent >= 0 && resent <= allowed);
    report.note(String.format("The cut upload took %.1f s end to end, resuming after the retry policy's backoff.",
        seconds));
    fake.purge(id);
  }

  static void downloads(Report report, FakeAltinn fake, String url, AccessTokenProvider tokens, BrokerClient sender,
      Path file, long size, String md5, Path dir) throws Exception {
    UUID id = sender.initialize(meta(md5));
    sender.upload(id, file, ProgressListener.NONE, UploadMode.TUS_PARALLEL);
    sender.awaitStatus(id, FileTransferStatus.PUBLISHED, Duration.ofMinutes(5));
    BrokerClient.Builder one = BrokerClient.builder().baseUrl(url).accessTokenProvider(tokens).roles(Role.RECIPIENT);
    double oneMbs = download(one.build(), id, size, dir.resolve("down-1"));
    String mib = size / (1 << 20) + " MiB";
    BrokerClient.Builder four = BrokerClient.builder().baseUrl(url).accessTokenProvider(tokens).roles(Role.RECIPIENT)
        .downloadRanges(PARTS);
    double fourMbs = download(four.build(), id, size, dir.resolve("down-4"));
    report.add("WAN download " + mib + ": " + PARTS + " ranges vs 1 range", Report.mbs(fourMbs), Report.mbs(oneMbs),
        ratio(fourMbs / oneMbs), "≥ 3.5", fourMbs / oneMbs >= 3.5);
    fake.purge(id);
  }

  static double download(BrokerClient c, UUID id, long size, Path target) {
    try (c) {
      long start = System.nanoTime();
      var r = c.download(id, target);
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!r.checksumVerified() || r.size() != size) {
        throw new IllegalStateException("download not verified: " + r);
      }
      System.out.printf("  download: %.1f s%n", seconds);
      Files.deleteIfExists(target);
      return size / seconds;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ours and tus-java-client, sequentially, against the same endpoint: tus-java-server behind the same WAN. */
  static void tusJavaClient(Report report, Path dir, Path file, long size, String md5) throws Exception {
    try (TusJavaServerBroker server = new TusJavaServerBroker(Files.createDirectories(dir.resolve("tus-server")));
        LoopbackProxy wan = wan(server.port());
        BrokerClient ours = sender(wan.url(), AccessTokenProvider.fixed("wan"), 1, chunk)) {
      UUID a = ours.initialize(meta(md5));
      long start = System.nanoTime();
      ours.upload(a, file, ProgressListener.NONE, UploadMode.TUS);
      double oursSeconds = (System.nanoTime() - start) / 1e9;
      check(server, a, file);

      UUID b = ours.initialize(meta(md5));
      start = System.nanoTime();
      TusClient client = new TusClient();
      client.setUploadCreationURL(URI.create(wan.url() + TusJavaServerBroker.TUS + b).toURL());
      io.tus.java.client.TusUpload upload = new io.tus.java.client.TusUpload(file.toFile());
      TusUploader uploader = client.createUpload(upload);
      uploader.setChunkSize(64 * 1024);
      uploader.setRequestPayloadSize((int) chunk);
      // Stop at the end: one more uploadChunk() sends an empty PATCH with Expect: 100-continue, the server answers
      // 204 at once, and HttpURLConnection takes that for "Server rejected operation".
      while (uploader.getOffset() < size && uploader.uploadChunk() > -1) {
        // until the whole file is sent
      }
      uploader.finish();
      ours.awaitStatus(b, FileTransferStatus.UPLOAD_PROCESSING, Duration.ofMinutes(5)); // as ours waits
      double theirsSeconds = (System.nanoTime() - start) / 1e9;
      check(server, b, file);
      System.out.printf("  tus-java-server: ours %.1f s, tus-java-client %.1f s%n", oursSeconds, theirsSeconds);
      double oursMbs = size / oursSeconds;
      double theirsMbs = size / theirsSeconds;
      report.add("WAN upload " + size / (1 << 20) + " MiB to tus-java-server 1.0.0-3.0, TUS sequential, "
          + chunk / 1024 + " KiB PATCHes: ours vs tus-java-client 0.5.1", Report.mbs(oursMbs), Report.mbs(theirsMbs),
          ratio(oursMbs / theirsMbs), "≥ 1.0", oursMbs / theirsMbs >= 1.0);
    }
  }

  private static void check(TusJavaServerBroker server, UUID id, Path file) throws Exception {
    String stored = server.sha256(id);
    String ours = sha256(file);
    if (!ours.equals(stored)) {
      throw new IllegalStateException("tus-java-server stored " + stored + ", file " + ours);
    }
  }

  static String ratio(double r) {
    return String.format("%.2f", r);
  }

  /** Writes {@code size} pseudo-random bytes; returns their MD5. */
  static String write(Path file, long size) throws Exception {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    byte[] block = new byte[1 << 20];
    new Random(33).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long off = 0; off < size; off += block.length) {
        block[0] = (byte) (off >>> 20); // every MiB differs
        block[1] = (byte) (off >>> 28);
        int n = (int) Math.min(block.length, size - off);
        out.write(block, 0, n);
        md5.update(block, 0, n);
      }
    }
    return HexFormat.of().formatHex(md5.digest());
  }

  static String sha256(Path file) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 20];
    try (var in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
