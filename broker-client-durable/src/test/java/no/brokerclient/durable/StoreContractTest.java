package no.brokerclient.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import no.brokerclient.model.FileTransferInitialize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store's promises (idempotent records, exclusive claims, fencing, schema, TUS checkpoints: replace, load,
 * delete, bounds, the v1 → v2 upgrade), on PostgreSQL and on H2.
 */
class StoreContractTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration LEASE = Duration.ofMinutes(1);
  @TempDir Path dir;
  private final List<JdbcDurableStore> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(JdbcDurableStore::close);
  }

  private JdbcDurableStore store(Databases.Engine engine) {
    JdbcDurableStore s = engine.store(dir);
    s.initialize();
    opened.add(s);
    return s;
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void schemaIsCreatedOnceAndVersioned(Databases.Engine engine) throws Exception {
    JdbcDurableStore s = store(engine);
    JdbcDurableStore again = JdbcDurableStore.builder(s.dataSource()).tablePrefix(s.tablePrefix()).build();
    again.initialize();
    assertEquals(List.of("1", "2"), column(s, "SELECT version FROM " + s.tablePrefix() + "schema_version ORDER BY"
        + " version"));
    JdbcDurableStore checkOnly = JdbcDurableStore.builder(s.dataSource()).tablePrefix(s.tablePrefix())
        .createSchema(false).build();
    checkOnly.initialize(); // the schema is there: no error
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void newerSchemaIsRefused(Databases.Engine engine) throws Exception {
    JdbcDurableStore s = store(engine);
    exec(s, "INSERT INTO " + s.tablePrefix() + "schema_version VALUES (3, 'future', CURRENT_TIMESTAMP)");
    DurableStoreException e = assertThrows(DurableStoreException.class,
        () -> JdbcDurableStore.builder(s.dataSource()).tablePrefix(s.tablePrefix()).build().initialize());
    assertTrue(e.getMessage().contains("newer than this SDK"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void missingSchemaWithoutCreateFailsClearly(Databases.Engine engine) {
    JdbcDurableStore s = store(engine);
    DurableStoreException e = assertThrows(DurableStoreException.class,
        () -> JdbcDurableStore.builder(s.dataSource()).tablePrefix("nothing_here_").createSchema(false).build()
            .initialize());
    assertTrue(e.getMessage().contains("schema/v1.sql"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void prefixesKeepTablesApart(Databases.Engine engine) {
    JdbcDurableStore a = store(engine);
    JdbcDurableStore b = JdbcDurableStore.builder(a.dataSource()).tablePrefix("other_" + a.tablePrefix()).build();
    b.initialize();
    UUID id = UUID.randomUUID();
    assertTrue(a.offerInbox(id, "OFFER", T0));
    assertTrue(b.inboxEntry(id).isEmpty());
    assertTrue(b.offerInbox(id, "OFFER", T0));
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void offersAreIdempotentUnderConcurrency(Databases.Engine engine) throws Exception {
    JdbcDurableStore s = store(engine);
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(UUID.randomUUID());
    }
    AtomicInteger added = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        fs.add(pool.submit(() -> ids.forEach(id -> {
          if (s.offerInbox(id, "WEBHOOK", T0)) {
            added.incrementAndGet();
          }
        })));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(20, added.get());
    assertEquals(Map.of(InboxState.DISCOVERED, 20L), s.inboxCounts());
    InboxEntry e = s.inboxEntry(ids.get(0)).orElseThrow();
    assertEquals(InboxState.DISCOVERED, e.state());
    assertEquals("WEBHOOK", e.source());
    assertEquals(0, e.attempts());
    assertNull(e.claim());
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void concurrentClaimsNeverShareARow(Databases.Engine engine) throws Exception {
    JdbcDurableStore s = store(engine);
    for (int i = 0; i < 100; i++) {
      s.offerInbox(UUID.randomUUID(), "OFFER", T0);
    }
    List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String owner = "owner-" + t;
        fs.add(pool.submit(() -> {
          List<InboxEntry> got;
          while (!(got = s.claimInbox(owner, 3, T0, LEASE)).isEmpty()) {
            got.forEach(e -> {
              assertEquals(owner, e.claim().owner());
              claimed.add(e.fileTransferId());
            });
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(100, claimed.size());
    assertEquals(100, new HashSet<>(claimed).size());
  }

  /** Offers file transfer {@code id} at {@link #T0} and lets owner {@code a} claim it then. */
  static InboxEntry claimedByA(JdbcDurableStore s, UUID id) {
    s.offerInbox(id, "OFFER", T0);
    return s.claimInbox("a", 1, T0, LEASE).get(0);
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void anExpiredLeaseCanBeTakenOverAndFencesTheOldOwner(Databases.Engine engine) {
    JdbcDurableStore s = store(engine);
    InboxEntry a = claimedByA(s, UUID.randomUUID());
    UUID id = a.fileTransferId();
    assertEquals(1, a.claims());
    assertTrue(s.claimInbox("b", 1, T0.plusSeconds(30), LEASE).isEmpty(), "lease still running");
    InboxEntry b = s.claimInbox("b", 1, T0.plusSeconds(61), LEASE).get(0);
    assertEquals("b", b.claim().owner());
    assertEquals(2, b.claims());
    assertFalse(s.saveInbox(a.to(InboxState.HANDLED), InboxState.DISCOVERED, false, T0), "old owner is fenced");
    assertFalse(s.renew("inbox", id, new Claim("a", a.claim().token(), T0.plusSeconds(120))));
    assertFalse(s.release("inbox", id, a.claim().token()));
    assertTrue(s.saveInbox(b.downloaded(Path.of("x.bin"), 5, "abc"), InboxState.DISCOVERED, false, T0));
    assertFalse(s.saveInbox(b.to(InboxState.CONFIRMED), InboxState.DISCOVERED, true, T0), "state changed since");
    InboxEntry stored = s.inboxEntry(id).orElseThrow();
    assertEquals(InboxState.DOWNLOADED, stored.state());
    assertEquals(Path.of("x.bin"), stored.path());
    assertEquals(5L, stored.size());
    assertEquals("abc", stored.md5());
    assertEquals(b.claim().token(), stored.claim().token());
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void renewalKeepsTheClaimAndBackoffHidesTheRowUntilDue(Databases.Engine engine) {
    JdbcDurableStore s = store(engine);
    InboxEntry a = claimedByA(s, UUID.randomUUID());
    assertTrue(s.renew("inbox", a.fileTransferId(), new Claim("a", a.claim().token(), T0.plusSeconds(600))));
    assertTrue(s.claimInbox("b", 1, T0.plusSeconds(300), LEASE).isEmpty(), "renewed lease still running");
    Instant retry = T0.plusSeconds(900);
    assertTrue(s.saveInbox(a.failed(InboxState.DISCOVERED, 1, retry, "boom"), InboxState.DISCOVERED, true, T0));
    assertTrue(s.claimInbox("b", 1, T0.plusSeconds(899), LEASE).isEmpty(), "not due yet");
    InboxEntry b = s.claimInbox("b", 1, retry, LEASE).get(0);
    assertEquals(1, b.attempts());
    assertEquals("boom", b.lastError());
    assertEquals(retry, b.nextAttemptAt());
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void finalRowsAreNeverClaimed(Databases.Engine engine) {
    JdbcDurableStore s = store(engine);
    for (InboxState end : List.of(InboxState.CONFIRMED, InboxState.QUARANTINED, InboxState.GONE)) {
      InboxEntry e = claimedByA(s, UUID.randomUUID());
      assertTrue(s.saveInbox(e.to(end), InboxState.DISCOVERED, true, T0));
    }
    assertTrue(s.claimInbox("a", 10, T0.plusSeconds(3600), LEASE).isEmpty());
    assertEquals(Set.of(InboxState.CONFIRMED, InboxState.QUARANTINED, InboxState.GONE), s.inboxCounts().keySet());
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void outboxRecordsOncePerReferenceAndKeepsTheRequest(Databases.Engine engine) {
    JdbcDurableStore s = store(engine);
    FileTransferInitialize request = FileTransferInitialize.builder().resourceId("my-resource").fileName("a b.xml")
        .sender("991825827").recipient("986252932").recipient("974760673").property("case", "42")
        .property("kind", "æøå").checksum("0123456789abcdef0123456789abcdef").build();
    OutboxEntry first = s.insertOutbox(new OutboxEntry(UUID.randomUUID(), OutboxState.RECORDED, request,
        Path.of("/data/a b.xml"), null, 0, 0, T0, null, null, null, null, null, T0, T0));
    OutboxEntry second = s.insertOutbox(new OutboxEntry(UUID.randomUUID(), OutboxState.RECORDED, request,
        Path.of("/data/other.xml"), null, 0, 0, T0, null, null, null, null, null, T0, T0));
    assertEquals(first.submissionId(), second.submissionId(), "same reference: the first submission");
    assertEquals(request, second.request());
    assertEquals(request.propertyList(), second.request().propertyList());
    assertEquals(Path.of("/data/a b.xml"), second.file());
    OutboxEntry claimed = s.claimOutbox("a", 5, T0, LEASE).get(0);
    UUID transfer = UUID.randomUUID();
    assertTrue(s.saveOutbox(claimed.to(OutboxState.UPLOADED, transfer, "UploadProcessing"), OutboxState.RECORDED,
        false, T0));
    assertFalse(s.advanceOutbox(transfer, OutboxState.INITIALIZED, OutboxState.FAILED, "Failed", T0));
    assertTrue(s.advanceOutbox(transfer, OutboxState.UPLOADED, OutboxState.PUBLISHED, "Published", T0));
    assertTrue(s.markAllConfirmed(transfer, T0));
    OutboxEntry done = s.outboxEntry(first.submissionId()).orElseThrow();
    assertEquals(OutboxState.PUBLISHED, done.state());
    assertEquals(transfer, done.fileTransferId());
    assertEquals("Published", done.brokerStatus());
    assertEquals(T0, done.allConfirmedAt());
    assertNull(done.claim(), "an event drops the claim");
    assertFalse(s.saveOutbox(claimed.to(OutboxState.FAILED, transfer, "x"), OutboxState.UPLOADED, true, T0),
        "the old claimant is fenced after the event");
  }

  @org.junit.jupiter.api.Test
  void noPasswordInToString() {
    var ds = new no.brokerclient.durable.internal.DriverDataSource(
        "jdbc:postgresql://db:5432/app?user=app&password=s3cret");
    JdbcDurableStore s = JdbcDurableStore.builder(ds).build();
    assertEquals("DriverDataSource[jdbc:postgresql://db:5432/app]", ds.toString());
    assertFalse(s.toString().contains("s3cret"), s.toString());
  }

  // ---------------------------------------------------------------------------------------------- TUS checkpoints

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void checkpointsAreSavedReplacedLoadedByIdAndDeleted(Databases.Engine engine) {
    JdbcUploadCheckpointStore c = store(engine).uploadCheckpoints();
    UUID id = UUID.randomUUID();
    Path file = dir.resolve("big.bin");
    assertEquals(Optional.empty(), c.load(id, file));
    c.save(id, file, "{\"version\":1,\"a\":1}");
    c.save(id, file, "{\"version\":1,\"a\":2}");
    assertEquals(Optional.of("{\"version\":1,\"a\":2}"), c.load(id, file), "a save replaces");
    assertEquals(Optional.of("{\"version\":1,\"a\":2}"), c.load(id, Path.of("/mnt/elsewhere/big.bin")),
        "keyed by the transfer alone: another replica may mount the file elsewhere");
    assertEquals(Optional.empty(), c.load(UUID.randomUUID(), file));
    c.delete(id, file);
    assertEquals(Optional.empty(), c.load(id, file));
    c.delete(id, file); // nothing there: no error
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void concurrentSavesOfOneTransferLeaveOneRow(Databases.Engine engine) throws Exception {
    JdbcDurableStore s = store(engine);
    JdbcUploadCheckpointStore c = s.uploadCheckpoints();
    UUID id = UUID.randomUUID();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String json = "{\"n\":" + i + "}";
        all.add(pool.submit(() -> c.save(id, dir.resolve("f"), json)));
      }
      for (Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of("1"), column(s, "SELECT COUNT(*) FROM " + s.tablePrefix()
        + "upload_checkpoint WHERE file_transfer_id = '" + id + "'"));
    assertTrue(c.load(id, dir.resolve("f")).orElseThrow().startsWith("{\"n\":"));
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void anOversizeCheckpointIsRefusedAndNothingIsStored(Databases.Engine engine) {
    JdbcUploadCheckpointStore c = store(engine).uploadCheckpoints();
    UUID id = UUID.randomUUID();
    String huge = "x".repeat(JdbcUploadCheckpointStore.MAX_CHECKPOINT_CHARS + 1);
    assertThrows(IllegalArgumentException.class, () -> c.save(id, dir.resolve("f"), huge));
    assertEquals(Optional.empty(), c.load(id, dir.resolve("f")));
    String largest = "x".repeat(JdbcUploadCheckpointStore.MAX_CHECKPOINT_CHARS);
    c.save(id, dir.resolve("f"), largest);
    assertEquals(largest, c.load(id, dir.resolve("f")).orElseThrow());
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void rowsNotWrittenSinceTheCutoffAreDeleted(Databases.Engine engine) throws Exception {
    JdbcDurableStore s = store(engine);
    JdbcUploadCheckpointStore c = s.uploadCheckpoints();
    UUID old = UUID.randomUUID();
    UUID fresh = UUID.randomUUID();
    c.save(old, dir.resolve("a"), "{}");
    c.save(fresh, dir.resolve("b"), "{}");
    exec(s, "UPDATE " + s.tablePrefix() + "upload_checkpoint SET updated_at = TIMESTAMP WITH TIME"
        + " ZONE '2026-01-01 00:00:00+00' WHERE file_transfer_id = '" + old + "'");
    assertEquals(1, c.deleteOlderThan(Instant.parse("2026-06-01T00:00:00Z")));
    assertEquals(Optional.empty(), c.load(old, dir.resolve("a")));
    assertEquals(Optional.of("{}"), c.load(fresh, dir.resolve("b")));
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void aVersion1DatabaseIsUpgradedWithTheCheckpointTable(Databases.Engine engine) throws Exception {
    JdbcDurableStore base = store(engine);
    JdbcDurableStore s = JdbcDurableStore.builder(base.dataSource()).tablePrefix("v1_" + base.tablePrefix()).build();
    String v1 = JdbcDurableStore.schemaSql().split("broker-client-durable schema, version 2")[0]
        .replaceAll("(?m)--.*$", "").replace("broker_", s.tablePrefix());
    for (String statement : v1.split(";")) {
      if (!statement.isBlank()) {
        exec(s, statement);
      }
    }
    assertEquals(List.of("1"), column(s, "SELECT version FROM " + s.tablePrefix()
        + "schema_version"), "a database as version 1 left it");
    DurableStoreException e = assertThrows(DurableStoreException.class, () -> JdbcDurableStore
        .builder(s.dataSource()).tablePrefix(s.tablePrefix()).createSchema(false).build().initialize());
    assertTrue(e.getMessage().contains("schema/v2.sql"), e.getMessage());
    s.initialize();
    assertEquals(List.of("1", "2"), column(s, "SELECT version FROM " + s.tablePrefix()
        + "schema_version ORDER BY version"));
    UUID id = UUID.randomUUID();
    s.uploadCheckpoints().save(id, dir.resolve("f"), "{}");
    assertEquals(Optional.of("{}"), s.uploadCheckpoints().load(id, dir.resolve("f")));
  }

  static List<String> column(JdbcDurableStore s, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = s.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet r = st.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  static void exec(JdbcDurableStore s, String sql) throws Exception {
    try (Connection c = s.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
