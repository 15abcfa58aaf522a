package no.brokerclient.durable;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import no.brokerclient.BrokerClient;
import no.brokerclient.UploadCheckpointStore;

/**
 * Keeps {@link BrokerClient}'s TUS upload checkpoints in the {@link JdbcDurableStore}'s database (table {@code
 * <prefix>upload_checkpoint}, schema version 2), so that any instance can {@linkplain BrokerClient#resumeUpload
 * resume} an upload another instance started. One row per file transfer, keyed by its id alone (the file's path is
 * kept for diagnostics but not compared: replicas may mount the same file under different paths; the checkpoint's
 * size and modification time still guard against a changed file).
 *
 * <pre>{@code
 * JdbcDurableStore store = JdbcDurableStore.builder(dataSource).build();
 * BrokerClient client = BrokerClient.builder()...uploadCheckpoints(store.uploadCheckpoints()).build();
 * Outbox outbox = Outbox.builder().client(client).store(store).build().start();
 * }</pre>
 *
 * <p>Rows are small (a few hundred bytes per part; at most {@value #MAX_CHECKPOINT_CHARS} characters, larger ones
 * are refused) and short-lived: the client deletes a row when Broker accepted the upload, the {@link Outbox} when
 * it finishes or abandons the transfer. Rows left by plain clients that crashed and never resumed can be removed
 * with {@link #deleteOlderThan}: Broker expires an incomplete upload after 24 h without a PATCH or HEAD, so a row
 * not written for longer than that rarely helps. Get it from {@link JdbcDurableStore#uploadCheckpoints()}; the
 * schema is created (or checked) on first use as for the store. Thread-safe.
 */
public final class JdbcUploadCheckpointStore implements UploadCheckpointStore {
  /** The longest checkpoint document accepted (64 parts need about 10,000 characters). */
  public static final int MAX_CHECKPOINT_CHARS = 65_535;
  private static final int MAX_PATH_CHARS = 4000;

  private final JdbcDurableStore store;
  private final String table;
  private final Clock clock;

  JdbcUploadCheckpointStore(JdbcDurableStore store, Clock clock) {
    this.store = store;
    this.table = store.tablePrefix() + "upload_checkpoint";
    this.clock = clock;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the document is longer than {@value #MAX_CHECKPOINT_CHARS} characters
   * @throws DurableStoreException when the database cannot be reached
   */
  @Override
  public void save(UUID fileTransferId, Path file, String json) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(json, "json");
    if (json.length() > MAX_CHECKPOINT_CHARS) {
      throw new IllegalArgumentException("a TUS checkpoint of " + json.length() + " characters is longer than "
          + MAX_CHECKPOINT_CHARS);
    }
    String path = String.valueOf(file == null ? "" : file.toAbsolutePath());
    if (path.length() > MAX_PATH_CHARS) {
      path = path.substring(0, MAX_PATH_CHARS);
    }
    store.initialize();
    String what = "saving the TUS checkpoint of " + fileTransferId;
    Object now = JdbcDurableStore.ts(clock.instant());
    String update = "UPDATE " + table + " SET file_path = ?, checkpoint_json = ?, updated_at = ? WHERE"
        + " file_transfer_id = ?";
    // Portable upsert (H2 has no ON CONFLICT DO UPDATE): update; else insert; a racing insert → update again.
    if (store.update(what, update, path, json, now, fileTransferId) == 1) {
      return;
    }
    if (store.update(what, "INSERT INTO " + table + " (file_transfer_id, file_path, checkpoint_json, created_at,"
        + " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", fileTransferId, path, json, now, now) == 1) {
      return;
    }
    store.update(what, update, path, json, now, fileTransferId);
  }

  /** @throws DurableStoreException when the database cannot be reached */
  @Override
  public Optional<String> load(UUID fileTransferId, Path file) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    store.initialize();
    return store.query("SELECT checkpoint_json FROM " + table + " WHERE file_transfer_id = ?", r -> r.getString(1),
        fileTransferId).stream().findFirst();
  }

  /** @throws DurableStoreException when the database cannot be reached */
  @Override
  public void delete(UUID fileTransferId, Path file) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    store.initialize();
    store.update("deleting the TUS checkpoint of " + fileTransferId, "DELETE FROM " + table
        + " WHERE file_transfer_id = ?", fileTransferId);
  }

  /**
   * Deletes checkpoints last written before a time (uploads that were never finished nor resumed).
   *
   * @param cutoff rows with an older {@code updated_at} go, e.g. {@code Instant.now().minus(Duration.ofDays(2))}
   * @return how many rows were deleted
   * @throws DurableStoreException when the database cannot be reached
   */
  public int deleteOlderThan(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    store.initialize();
    return store.update("deleting old TUS checkpoints", "DELETE FROM " + table + " WHERE updated_at < ?",
        JdbcDurableStore.ts(cutoff));
  }

  @Override
  public String toString() {
    return "JdbcUploadCheckpointStore[" + table + "]";
  }
}
