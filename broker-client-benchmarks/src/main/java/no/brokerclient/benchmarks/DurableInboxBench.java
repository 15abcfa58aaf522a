package no.brokerclient.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.durable.Claim;
import no.brokerclient.durable.DurableStore;
import no.brokerclient.durable.Inbox;
import no.brokerclient.durable.InboxEntry;
import no.brokerclient.durable.InboxState;
import no.brokerclient.durable.JdbcDurableStore;
import no.brokerclient.durable.OutboxEntry;
import no.brokerclient.durable.OutboxState;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testkit.FakeAltinn;

/**
 * Durable inbox throughput with 1, 2 and 4 instances (one {@code BrokerClient} each, 4 workers each) sharing one
 * embedded PostgreSQL through a HikariCP pool of 20 connections, against FakeAltinn with small files already
 * published and recorded. Measures files/s and the store's share of the workers' time (time inside store calls /
 * (wall time × workers)), and checks that no file is lost or confirmed twice.
 */
final class DurableInboxBench {
  private static final String SENDER = "991825827";
  private static final String RECIPIENT = "986252932";
  private static final String RESOURCE = "bench-resource";
  private static final int WORKERS = 4;

  private DurableInboxBench() {}

  static void run(Report report, int files) throws Exception {
    System.out.println("Durable inbox: " + files + " files of 1 KiB, 1/2/4 instances on embedded PostgreSQL");
    Path dir = Files.createTempDirectory("durable-bench");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        HikariDataSource pool = pool(pg)) {
      round(pool, dir.resolve("warmup"), 2, files / 4); // JIT and pool warm-up, not reported
      double one = 0;
      double[] perFile = new double[3];
      double[] callsPerFile = new double[3];
      int k = 0;
      for (int instances : new int[] {1, 2, 4}) {
        Result r = round(pool, dir.resolve("run" + instances), instances, files);
        if (instances == 1) {
          one = r.filesPerSecond;
        }
        callsPerFile[k] = r.callsPerFile;
        perFile[k++] = r.storeMillisPerFile;
        boolean scales = instances != 2 || r.filesPerSecond >= 1.8 * one;
        report.add("Durable inbox, " + instances + " instance" + (instances > 1 ? "s" : "") + " × " + WORKERS
            + " workers, PostgreSQL: throughput", String.format("%.0f files/s", r.filesPerSecond), "",
            instances == 1 ? "" : String.format("%.2f× one", r.filesPerSecond / one),
            instances == 2 ? "≥ 1.8× one" : "reported", scales);
        report.add("Durable inbox, " + instances + " instance" + (instances > 1 ? "s" : "")
            + ": store's share of worker time", String.format("%.1f %%", 100 * r.storeShare), "", "", "≤ 10 %",
            r.storeShare <= 0.10);
        report.add("Durable inbox, " + instances + " instance" + (instances > 1 ? "s" : "")
            + ": lost / doubled confirms", r.lost + " / " + r.doubled, "", "", "0 / 0", r.lost == 0 && r.doubled == 0);
      }
      report.note(String.format("Durable inbox: time inside the store per file (claim, three state writes, the"
          + " occasional lease renewal; each one statement and commit on PostgreSQL) %.1f / %.1f / %.1f ms with"
          + " 1 / 2 / 4 instances, in %.1f / %.1f / %.1f store calls per file (idle workers' empty claims"
          + " included).", perFile[0], perFile[1], perFile[2], callsPerFile[0], callsPerFile[1], callsPerFile[2]));
      double[] alone = storeAlone(pool, files);
      report.note(String.format("Durable inbox: the store alone (no FakeAltinn, no HTTP: %d rows through claim,"
          + " DOWNLOADED, HANDLED, CONFIRMED by %d threads, as the workers call it) took %.2f ms of store time per"
          + " file, %.0f files/s.", files, WORKERS, alone[0], alone[1]));
      report.note(String.format("Durable inbox: one bare round trip (SELECT 1 through the same pool, one thread,"
          + " after the rounds, no commit) took %.2f ms on average.", roundTripMillis(pool)));
      report.note("The durable inbox rows run FakeAltinn, PostgreSQL and every instance on the same cores, so"
          + " instances compete with the server they call; the store's share is the time inside store calls"
          + " divided by wall time × workers.");
    }
  }

  /**
   * Runs {@code files} rows through the store's per-file calls on {@link #WORKERS} threads, with nothing else
   * running: the store's own cost per file, apart from the CPU the rest of a round takes.
   *
   * @return store milliseconds per file, and files per second
   */
  private static double[] storeAlone(DataSource pool, int files) throws Exception {
    TimedStore store = new TimedStore(JdbcDurableStore.builder(pool).tablePrefix("bench_alone_").build());
    store.initialize();
    for (int i = 0; i < files; i++) {
      store.offerInbox(UUID.randomUUID(), "OFFER", Instant.now());
    }
    store.reset();
    Path file = Path.of("alone.bin").toAbsolutePath();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      Thread t = new Thread(() -> {
        List<InboxEntry> claimed;
        while (!(claimed = store.claimInbox("alone", 1, Instant.now(), Duration.ofMinutes(5))).isEmpty()) {
          InboxEntry e = claimed.get(0);
          InboxEntry downloaded = new InboxEntry(e.fileTransferId(), InboxState.DOWNLOADED, e.source(),
              e.attempts(), e.claims(), e.nextAttemptAt(), null, e.claim(), file, 1024L,
              "0f343b0931126a20f133d67c2b018a3b", e.created(), e.updated());
          store.saveInbox(downloaded, InboxState.DISCOVERED, false, Instant.now());
          InboxEntry handled = new InboxEntry(e.fileTransferId(), InboxState.HANDLED, e.source(), e.attempts(),
              e.claims(), e.nextAttemptAt(), null, e.claim(), file, 1024L, downloaded.md5(), e.created(),
              e.updated());
          store.saveInbox(handled, InboxState.DOWNLOADED, false, Instant.now());
          store.saveInbox(new InboxEntry(e.fileTransferId(), InboxState.CONFIRMED, e.source(), e.attempts(),
              e.claims(), e.nextAttemptAt(), null, e.claim(), file, 1024L, downloaded.md5(), e.created(),
              e.updated()), InboxState.HANDLED, true, Instant.now());
        }
      }, "store-alone-" + w);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long confirmed = store.inboxCounts().getOrDefault(InboxState.CONFIRMED, 0L);
    if (confirmed != files) {
      throw new IllegalStateException("the store-alone run confirmed " + confirmed + " of " + files + " rows");
    }
    return new double[] {store.nanos.get() / 1e6 / files, files / seconds};
  }

  /** @return the mean time of a {@code SELECT 1} through the pool, over 500 calls after 100 warm-up calls */
  private static double roundTripMillis(DataSource pool) throws java.sql.SQLException {
    long start = 0;
    for (int i = 0; i < 600; i++) {
      if (i == 100) {
        start = System.nanoTime();
      }
      try (java.sql.Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement();
          java.sql.ResultSet r = s.executeQuery("SELECT 1")) {
        r.next();
      }
    }
    return (System.nanoTime() - start) / 1e6 / 500;
  }

  private record Result(double filesPerSecond, double storeShare, double storeMillisPerFile, double callsPerFile,
      int lost, int doubled) {}

  /** A pooled data source, as production runs it (a new PostgreSQL connection per call costs milliseconds). */
  private static HikariDataSource pool(EmbeddedPostgres pg) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
    c.setMaximumPoolSize(20);
    return new HikariDataSource(c);
  }

  private static Result round(DataSource pg, Path dir, int instances, int files) throws Exception {
    Files.createDirectories(dir);
    try (FakeAltinn fake = FakeAltinn.start()) {
      fake.virusScanDelay(Duration.ofMillis(1));
      String[] scopes = {AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE, AltinnScopes.BROKER_READ};
      Maskinporten senderTokens = tokens(fake, "sender", SENDER, scopes);
      Maskinporten recipientTokens = tokens(fake, "recipient", RECIPIENT, scopes);
      fake.resource(RESOURCE, "974760673", SENDER, RECIPIENT);
      TimedStore store = new TimedStore(JdbcDurableStore.builder(pg)
          .tablePrefix("bench_" + dir.getFileName() + "_").build());
      store.initialize();
      List<UUID> ids = new ArrayList<>();
      try (BrokerClient sender = client(fake, senderTokens, Role.SENDER)) {
        Path f = Files.write(dir.resolve("small.bin"), new byte[1024]);
        for (int i = 0; i < files; i++) {
          UUID id = sender.send(FileTransferInitialize.builder().resourceId(RESOURCE).fileName("f" + i + ".bin")
              .sender(SENDER).recipient(RECIPIENT).build(), f).fileTransferId();
          ids.add(id);
        }
        for (UUID id : ids) {
          sender.awaitStatus(id, no.brokerclient.model.FileTransferStatus.PUBLISHED, Duration.ofMinutes(1));
        }
      }
      for (UUID id : ids) {
        store.offerInbox(id, "OFFER", Instant.now());
      }
      store.reset();
      Map<UUID, Boolean> handled = new ConcurrentHashMap<>();
      List<BrokerClient> clients = new ArrayList<>();
      List<Inbox> inboxes = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < instances; i++) {
        BrokerClient c = client(fake, recipientTokens, Role.RECIPIENT);
        clients.add(c);
        inboxes.add(Inbox.builder().client(c).store(store).organization(OrganizationNumber.of(RECIPIENT))
            .directory(dir.resolve("inbox" + i)).concurrency(WORKERS).instanceId("bench-" + i)
            .pollInterval(Duration.ofMillis(20)).handler(file -> handled.put(file.fileTransferId(), true))
            .build().start());
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (store.inboxCounts().getOrDefault(InboxState.CONFIRMED, 0L) < files && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long storeNanos = store.nanos.get();
      long storeCalls = store.calls.get();
      inboxes.forEach(Inbox::close);
      clients.forEach(BrokerClient::close);
      senderTokens.close();
      recipientTokens.close();
      Map<String, Long> confirms = new ConcurrentHashMap<>();
      fake.calls().stream().filter(c -> c.method().equals("POST") && c.path().endsWith("/confirmdownload"))
          .forEach(c -> confirms.merge(c.path(), 1L, Long::sum));
      int doubled = (int) confirms.values().stream().filter(n -> n > 1).count();
      Set<UUID> confirmed = new java.util.HashSet<>();
      for (UUID id : ids) {
        if (store.inboxEntry(id).map(e -> e.state() == InboxState.CONFIRMED).orElse(false) && handled.containsKey(id)) {
          confirmed.add(id);
        }
      }
      double share = storeNanos / 1e9 / (seconds * instances * WORKERS);
      System.out.printf("  %d instance(s): %d files in %.2f s, store %.2f s in %d calls%n", instances, files,
          seconds, storeNanos / 1e9, storeCalls);
      return new Result(files / seconds, share, storeNanos / 1e6 / files, (double) storeCalls / files,
          files - confirmed.size(), doubled);
    }
  }

  private static Maskinporten tokens(FakeAltinn fake, String clientId, String org, String... scopes) {
    return Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId(clientId)
        .signer(GrantSigners.jwk(fake.client(clientId, org, scopes))).altinnPlatformUrl(fake.platformUrl()).build();
  }

  private static BrokerClient client(FakeAltinn fake, Maskinporten tokens, Role role) {
    return BrokerClient.builder().baseUrl(fake.platformUrl()).accessTokenProvider(tokens.forBroker()).roles(role)
        .build();
  }

  /** A store that adds up the time spent inside it. */
  private static final class TimedStore implements DurableStore {
    private final DurableStore d;
    final AtomicLong nanos = new AtomicLong();
    final AtomicLong calls = new AtomicLong();

    TimedStore(DurableStore d) {
      this.d = d;
    }

    void reset() {
      nanos.set(0);
      calls.set(0);
    }

    private <T> T timed(Supplier<T> call) {
      long t = System.nanoTime();
      try {
        return call.get();
      } finally {
        nanos.addAndGet(System.nanoTime() - t);
        calls.incrementAndGet();
      }
    }

    @Override
    public void initialize() {
      d.initialize();
    }

    @Override
    public boolean offerInbox(UUID id, String source, Instant now) {
      return timed(() -> d.offerInbox(id, source, now));
    }

    @Override
    public List<InboxEntry> claimInbox(String owner, int max, Instant now, Duration lease) {
      return timed(() -> d.claimInbox(owner, max, now, lease));
    }

    @Override
    public boolean saveInbox(InboxEntry e, InboxState expected, boolean release, Instant now) {
      return timed(() -> d.saveInbox(e, expected, release, now));
    }

    @Override
    public Optional<InboxEntry> inboxEntry(UUID id) {
      return d.inboxEntry(id);
    }

    @Override
    public List<InboxEntry> inboxEntries(InboxState state, int limit) {
      return d.inboxEntries(state, limit);
    }

    @Override
    public Map<InboxState, Long> inboxCounts() {
      return d.inboxCounts();
    }

    @Override
    public OutboxEntry insertOutbox(OutboxEntry entry) {
      return timed(() -> d.insertOutbox(entry));
    }

    @Override
    public List<OutboxEntry> claimOutbox(String owner, int max, Instant now, Duration lease) {
      return timed(() -> d.claimOutbox(owner, max, now, lease));
    }

    @Override
    public boolean saveOutbox(OutboxEntry e, OutboxState expected, boolean release, Instant now) {
      return timed(() -> d.saveOutbox(e, expected, release, now));
    }

    @Override
    public boolean advanceOutbox(UUID id, OutboxState from, OutboxState to, String status, Instant now) {
      return timed(() -> d.advanceOutbox(id, from, to, status, now));
    }

    @Override
    public boolean markAllConfirmed(UUID id, Instant now) {
      return timed(() -> d.markAllConfirmed(id, now));
    }

    @Override
    public Optional<OutboxEntry> outboxEntry(UUID id) {
      return d.outboxEntry(id);
    }

    @Override
    public List<OutboxEntry> outboxEntries(OutboxState state, int limit) {
      return d.outboxEntries(state, limit);
    }

    @Override
    public boolean renew(String table, UUID key, Claim claim) {
      return timed(() -> d.renew(table, key, claim));
    }

    @Override
    public boolean release(String table, UUID key, UUID token) {
      return timed(() -> d.release(table, key, token));
    }
  }
}
