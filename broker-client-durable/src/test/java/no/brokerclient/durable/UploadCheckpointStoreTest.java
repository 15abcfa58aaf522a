package no.brokerclient.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link JdbcUploadCheckpointStore} on PostgreSQL and H2: replace, load, delete, bounds, the v1 → v2 upgrade. */
class UploadCheckpointStoreTest {
  @TempDir Path dir;
  private final List<JdbcDurableStore> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(JdbcDurableStore::close);
  }

  private JdbcDurableStore store(Databases.Engine engine) {
    JdbcDurableStore s = engine.store(dir);
    opened.add(s);
    return s;
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void checkpointsAreSavedReplacedLoadedByIdAndDeleted(Databases.Engine engine) {
    JdbcUploadCheckpointStore c = store(engine).uploadCheckpoints(); // creates the schema on first use
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
    assertEquals(List.of("1"), StoreContractTest.column(s, "SELECT COUNT(*) FROM " + s.tablePrefix()
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
    StoreContractTest.exec(s, "UPDATE " + s.tablePrefix() + "upload_checkpoint SET updated_at = TIMESTAMP WITH TIME"
        + " ZONE '2026-01-01 00:00:00+00' WHERE file_transfer_id = '" + old + "'");
    assertEquals(1, c.deleteOlderThan(Instant.parse("2026-06-01T00:00:00Z")));
    assertEquals(Optional.empty(), c.load(old, dir.resolve("a")));
    assertEquals(Optional.of("{}"), c.load(fresh, dir.resolve("b")));
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void aVersion1DatabaseIsUpgradedWithTheCheckpointTable(Databases.Engine engine) throws Exception {
    JdbcDurableStore s = store(engine);
    String v1 = JdbcDurableStore.schemaSql().split("broker-client-durable schema, version 2")[0]
        .replaceAll("(?m)--.*$", "").replace("broker_", s.tablePrefix());
    for (String statement : v1.split(";")) {
      if (!statement.isBlank()) {
        StoreContractTest.exec(s, statement);
      }
    }
    assertEquals(List.of("1"), StoreContractTest.column(s, "SELECT version FROM " + s.tablePrefix()
        + "schema_version"), "a database as version 1 left it");
    DurableStoreException e = assertThrows(DurableStoreException.class, () -> JdbcDurableStore
        .builder(s.dataSource()).tablePrefix(s.tablePrefix()).createSchema(false).build().initialize());
    assertTrue(e.getMessage().contains("schema/v2.sql"), e.getMessage());
    s.initialize();
    assertEquals(List.of("1", "2"), StoreContractTest.column(s, "SELECT version FROM " + s.tablePrefix()
        + "schema_version ORDER BY version"));
    UUID id = UUID.randomUUID();
    s.uploadCheckpoints().save(id, dir.resolve("f"), "{}");
    assertEquals(Optional.of("{}"), s.uploadCheckpoints().load(id, dir.resolve("f")));
  }
}
