package no.brokerclient.durable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import no.brokerclient.durable.internal.DriverDataSource;
import no.brokerclient.durable.internal.Requests;

/**
 * The {@link DurableStore} on plain JDBC: PostgreSQL (12 or newer) in production, H2 2.x in file mode as the
 * embedded default ({@link #h2(Path)}). Both run the same SQL but for the claim: it selects due rows with {@code FOR
 * UPDATE SKIP LOCKED} (so instances never wait on each other's rows) and stamps them with an owner, a claim token
 * and a lease, on PostgreSQL in one {@code UPDATE … RETURNING}, on H2 in one transaction of three statements;
 * every later write names the token, so an instance whose lease ran out cannot overwrite the new owner's work.
 *
 * <pre>{@code
 * DataSource ds = ...;                                   // your pool (HikariCP, the container's), PostgreSQL
 * JdbcDurableStore store = JdbcDurableStore.builder(ds)
 *     .tablePrefix("broker_")       // the default: broker_inbox, broker_outbox, broker_upload_checkpoint, …
 *     .build();
 * }</pre>
 *
 * <h2>Schema</h2>
 * On first use ({@link #initialize()}) the store creates its tables from {@code no/brokerclient/durable/schema/v1.sql}
 * and {@code v2.sql} (shipped in the jar for DBAs; a database at version 1 gets only {@code v2.sql}, the {@linkplain
 * #uploadCheckpoints() upload checkpoint} table) and records version {@value #SCHEMA_VERSION} in {@code
 * <prefix>schema_version}. With {@link Builder#createSchema createSchema(false)} it only checks that the version is
 * there. A database with a newer version than this SDK knows is refused.
 *
 * <p>Each operation takes a connection from the {@link DataSource} and returns it; use a pool. Thread-safe.
 * Timestamps are written from the inbox's and outbox's clocks: keep the instances' clocks in NTP sync (leases are
 * minutes, so seconds of skew are harmless).
 *
 * <p>Size: every SQL statement of the schema, for both PostgreSQL and H2, lives here on purpose, so one file shows
 * what the store does to the database (claims, leases; the upload checkpoints are in {@link
 * JdbcUploadCheckpointStore}).
 */
public final class JdbcDurableStore implements DurableStore, AutoCloseable {
  /** The schema version this SDK writes and reads: 1 inbox and outbox, 2 upload checkpoints. */
  public static final int SCHEMA_VERSION = 2;
  /** The table prefix when none is set. */
  public static final String DEFAULT_PREFIX = "broker_";
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,29}");
  private static final Pattern TABLES =
      Pattern.compile("\\bbroker_(?=(inbox|outbox|schema_version|upload_checkpoint)\\b"
          + "|inbox_|outbox_|upload_checkpoint_)");
  private static final String INBOX_COLUMNS = "file_transfer_id, state, source, attempts, claims, next_attempt_at,"
      + " last_error, owner, claim_token, lease_until, file_path, file_size, md5, created_at, updated_at";
  private static final String OUTBOX_COLUMNS = "submission_id, state, request_json, file_path, file_transfer_id,"
      + " attempts, claims, next_attempt_at, last_error, owner, claim_token, lease_until, initializing_at,"
      + " broker_status, all_confirmed_at, created_at, updated_at";

  private final DataSource dataSource;
  private final String prefix;
  private final boolean createSchema;
  private final boolean embedded;
  private final JdbcUploadCheckpointStore uploadCheckpoints;
  private volatile boolean initialized;

  private JdbcDurableStore(Builder b, boolean embedded) {
    this.dataSource = b.dataSource;
    this.prefix = b.prefix;
    this.createSchema = b.createSchema;
    this.embedded = embedded;
    this.uploadCheckpoints = new JdbcUploadCheckpointStore(this, Clock.systemUTC());
  }

  /**
   * @param dataSource where the tables live (PostgreSQL, or H2 in PostgreSQL mode)
   * @return a builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * The embedded default: an H2 database in one file (created if missing), nothing to install. For one process:
   * several inboxes and outboxes in one JVM may share the store; for several replicas use PostgreSQL. Make one store
   * per file and JVM: {@link #close()} shuts the database down for every user of the file in this JVM.
   *
   * @param file the database file without extension (H2 adds {@code .mv.db}), e.g. {@code data/broker}
   * @return the store (schema created on first use, prefix {@value #DEFAULT_PREFIX}); close it at shutdown
   */
  public static JdbcDurableStore h2(Path file) {
    return new JdbcDurableStore(builder(new DriverDataSource(h2Url(file))), true);
  }

  /**
   * PostgreSQL mode with its lower-case names and null ordering; kept open until {@link #close()}; every commit
   * written to the file before it returns ({@code WRITE_DELAY=0}: a killed process loses no committed state).
   */
  static String h2Url(Path file) {
    return "jdbc:h2:file:" + file.toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
        + ";DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
  }

  /** @return the table prefix */
  public String tablePrefix() {
    return prefix;
  }

  /**
   * The TUS upload checkpoints in this store's database, for {@link
   * no.brokerclient.BrokerClient.Builder#uploadCheckpoints} (so that any instance can resume an upload another one
   * started) and for the {@link Outbox}.
   *
   * @return the checkpoint store on table {@code <prefix>upload_checkpoint}
   */
  public JdbcUploadCheckpointStore uploadCheckpoints() {
    return uploadCheckpoints;
  }

  /** @return the embedded store's data source (to run your own queries); or the one given to the builder */
  public DataSource dataSource() {
    return dataSource;
  }

  // ---------------------------------------------------------------------------------------------- schema

  @Override
  public void initialize() {
    if (initialized) {
      return;
    }
    synchronized (this) {
      if (initialized) {
        return;
      }
      int version = schemaVersion();
      if (version < SCHEMA_VERSION) {
        if (!createSchema) {
          throw new DurableStoreException("The database has no " + prefix + "schema_version " + SCHEMA_VERSION
              + " (found " + version + "): run no/brokerclient/durable/schema/v" + (version + 1) + ".sql"
              + (version + 1 < SCHEMA_VERSION ? " to v" + SCHEMA_VERSION + ".sql" : "") + " from"
              + " broker-client-durable (with the prefix " + prefix + ") or build the store with createSchema(true)",
              null);
        }
        createSchema(version);
      } else if (version > SCHEMA_VERSION) {
        throw new DurableStoreException("The database schema " + prefix + "schema_version is " + version
            + ", newer than this SDK (" + SCHEMA_VERSION + "): upgrade broker-client-durable", null);
      }
      initialized = true;
    }
  }

  private int schemaVersion() {
    try (Connection c = connection(); Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT MAX(version) FROM " + prefix + "schema_version")) {
        return r.next() ? r.getInt(1) : 0;
      } catch (SQLException e) {
        if (isMissingTable(e)) {
          return 0;
        }
        throw e;
      }
    } catch (SQLException e) {
      throw fail("reading the schema version", e);
    }
  }

  private static boolean isMissingTable(SQLException e) {
    // PostgreSQL: 42P01 undefined_table; H2: 42S02 / 42S04 (table not found), 42P01 in PostgreSQL mode.
    String state = e.getSQLState();
    return state != null && (state.equals("42P01") || state.startsWith("42S0"));
  }

  /** Runs the schema files after {@code from} (0: all) in one transaction. */
  private void createSchema(int from) {
    StringBuilder all = new StringBuilder();
    for (int v = from + 1; v <= SCHEMA_VERSION; v++) {
      all.append(schemaSql(v)).append('\n');
    }
    String sql = TABLES.matcher(all).replaceAll(prefix);
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String statement : statements(sql)) {
          s.execute(statement);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        // Another instance may have created it at the same moment.
        if (schemaVersion() >= SCHEMA_VERSION) {
          return;
        }
        throw e;
      }
    } catch (SQLException e) {
      throw fail("creating the schema", e);
    }
  }

  /**
   * @return the shipped schema SQL, every version in order ({@code schema/v1.sql}, {@code schema/v2.sql}; table
   *     names with the default prefix); each file can be run again without harm
   */
  public static String schemaSql() {
    StringBuilder all = new StringBuilder();
    for (int v = 1; v <= SCHEMA_VERSION; v++) {
      all.append(schemaSql(v)).append('\n');
    }
    return all.toString();
  }

  private static String schemaSql(int version) {
    String name = "schema/v" + version + ".sql";
    try (InputStream in = JdbcDurableStore.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing from broker-client-durable");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }

  private static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("--")) {
        continue;
      }
      int comment = line.indexOf("--");
      current.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
      if (l.endsWith(";") || (comment >= 0 && line.substring(0, comment).strip().endsWith(";"))) {
        String s = current.toString().strip();
        out.add(s.substring(0, s.length() - 1));
        current.setLength(0);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------- inbox

  @Override
  public boolean offerInbox(UUID fileTransferId, String source, Instant now) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    return update("recording " + fileTransferId, "INSERT INTO " + prefix + "inbox (file_transfer_id, state, source,"
        + " attempts, claims, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, 0, 0, ?, ?, ?)"
        + " ON CONFLICT DO NOTHING", fileTransferId, InboxState.DISCOVERED.name(), source, ts(now), ts(now),
        ts(now)) == 1;
  }

  @Override
  public List<InboxEntry> claimInbox(String owner, int max, Instant now, Duration lease) {
    return claim("inbox", "file_transfer_id", INBOX_COLUMNS, openStates(InboxState.values()), owner, max, now, lease,
        JdbcDurableStore::inboxRow);
  }

  @Override
  public boolean saveInbox(InboxEntry e, InboxState expected, boolean release, Instant now) {
    return update("saving " + e.fileTransferId(), "UPDATE " + prefix + "inbox SET state = ?, attempts = ?,"
        + " next_attempt_at = ?, last_error = ?, file_path = ?, file_size = ?, md5 = ?, updated_at = ?"
        + (release ? ", owner = NULL, claim_token = NULL, lease_until = NULL" : "")
        + " WHERE file_transfer_id = ? AND claim_token = ? AND state = ?",
        e.state().name(), e.attempts(), ts(e.nextAttemptAt()), e.lastError(),
        e.path() == null ? null : e.path().toString(), e.size(), e.md5(), ts(now), e.fileTransferId(),
        e.claim().token(), expected.name()) == 1;
  }

  @Override
  public Optional<InboxEntry> inboxEntry(UUID fileTransferId) {
    List<InboxEntry> l = query("SELECT " + INBOX_COLUMNS + " FROM " + prefix + "inbox WHERE file_transfer_id = ?",
        JdbcDurableStore::inboxRow, fileTransferId);
    return l.stream().findFirst();
  }

  @Override
  public List<InboxEntry> inboxEntries(InboxState state, int limit) {
    return query("SELECT " + INBOX_COLUMNS + " FROM " + prefix + "inbox WHERE state = ? ORDER BY created_at LIMIT ?",
        JdbcDurableStore::inboxRow, state.name(), limit);
  }

  @Override
  public Map<InboxState, Long> inboxCounts() {
    Map<InboxState, Long> counts = new EnumMap<>(InboxState.class);
    query("SELECT state, COUNT(*) FROM " + prefix + "inbox GROUP BY state", r -> {
      counts.put(InboxState.valueOf(r.getString(1)), r.getLong(2));
      return null;
    });
    return counts;
  }

  private static InboxEntry inboxRow(ResultSet r) throws SQLException {
    String path = r.getString(11);
    long size = r.getLong(12);
    Long sizeOrNull = r.wasNull() ? null : size;
    return new InboxEntry(r.getObject(1, UUID.class), InboxState.valueOf(r.getString(2)), r.getString(3),
        r.getInt(4), r.getInt(5), instant(r, 6), r.getString(7), claim(r, 8), path == null ? null : Path.of(path),
        sizeOrNull, r.getString(13), instant(r, 14), instant(r, 15));
  }

  // ---------------------------------------------------------------------------------------------- outbox

  @Override
  public OutboxEntry insertOutbox(OutboxEntry e) {
    FileTransferInitializeColumns cols = new FileTransferInitializeColumns(e);
    update("recording submission " + e.submissionId(), "INSERT INTO " + prefix + "outbox (submission_id, resource_id,"
        + " senders_reference, state, request_json, file_path, attempts, claims, next_attempt_at, created_at,"
        + " updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?) ON CONFLICT DO NOTHING", e.submissionId(),
        cols.resourceId, cols.reference, e.state().name(), Requests.toJson(e.request()), e.file().toString(),
        ts(e.nextAttemptAt()), ts(e.created()), ts(e.created()));
    return query("SELECT " + OUTBOX_COLUMNS + " FROM " + prefix + "outbox WHERE resource_id = ? AND"
        + " senders_reference = ?", JdbcDurableStore::outboxRow, cols.resourceId, cols.reference).get(0);
  }

  private record FileTransferInitializeColumns(String resourceId, String reference) {
    FileTransferInitializeColumns(OutboxEntry e) {
      this(e.request().resourceId().id(), e.request().sendersFileTransferReference());
    }
  }

  @Override
  public List<OutboxEntry> claimOutbox(String owner, int max, Instant now, Duration lease) {
    return claim("outbox", "submission_id", OUTBOX_COLUMNS, openStates(OutboxState.values()), owner, max, now, lease,
        JdbcDurableStore::outboxRow);
  }

  @Override
  public boolean saveOutbox(OutboxEntry e, OutboxState expected, boolean release, Instant now) {
    return update("saving submission " + e.submissionId(), "UPDATE " + prefix + "outbox SET state = ?,"
        + " file_transfer_id = ?, attempts = ?, next_attempt_at = ?, last_error = ?, initializing_at = ?,"
        + " broker_status = ?, updated_at = ?"
        + (release ? ", owner = NULL, claim_token = NULL, lease_until = NULL" : "")
        + " WHERE submission_id = ? AND claim_token = ? AND state = ?", e.state().name(), e.fileTransferId(),
        e.attempts(), ts(e.nextAttemptAt()), e.lastError(), ts(e.initializingAt()), e.brokerStatus(), ts(now),
        e.submissionId(), e.claim().token(), expected.name()) == 1;
  }

  @Override
  public boolean advanceOutbox(UUID fileTransferId, OutboxState from, OutboxState to, String brokerStatus,
      Instant now) {
    return update("updating submission of " + fileTransferId, "UPDATE " + prefix + "outbox SET state = ?,"
        + " broker_status = ?, updated_at = ?, owner = NULL, claim_token = NULL, lease_until = NULL"
        + " WHERE file_transfer_id = ? AND state = ?", to.name(), brokerStatus, ts(now), fileTransferId,
        from.name()) > 0;
  }

  @Override
  public boolean markAllConfirmed(UUID fileTransferId, Instant now) {
    return update("updating submission of " + fileTransferId, "UPDATE " + prefix + "outbox SET all_confirmed_at = ?,"
        + " updated_at = ? WHERE file_transfer_id = ? AND all_confirmed_at IS NULL", ts(now), ts(now),
        fileTransferId) > 0;
  }

  @Override
  public Optional<OutboxEntry> outboxEntry(UUID submissionId) {
    return query("SELECT " + OUTBOX_COLUMNS + " FROM " + prefix + "outbox WHERE submission_id = ?",
        JdbcDurableStore::outboxRow, submissionId).stream().findFirst();
  }

  @Override
  public List<OutboxEntry> outboxEntries(OutboxState state, int limit) {
    return query("SELECT " + OUTBOX_COLUMNS + " FROM " + prefix + "outbox WHERE state = ? ORDER BY created_at"
        + " LIMIT ?", JdbcDurableStore::outboxRow, state.name(), limit);
  }

  private static OutboxEntry outboxRow(ResultSet r) throws SQLException {
    return new OutboxEntry(r.getObject(1, UUID.class), OutboxState.valueOf(r.getString(2)),
        Requests.fromJson(r.getString(3)), Path.of(r.getString(4)), r.getObject(5, UUID.class), r.getInt(6),
        r.getInt(7), instant(r, 8), r.getString(9), claim(r, 10), instant(r, 13), r.getString(14), instant(r, 15),
        instant(r, 16), instant(r, 17));
  }

  // ---------------------------------------------------------------------------------------------- claims

  interface Row<T> {
    T read(ResultSet r) throws SQLException;
  }

  private static <E extends Enum<E>> List<String> openStates(E[] states) {
    List<String> open = new ArrayList<>();
    for (E s : states) {
      boolean done = s instanceof InboxState i ? i.isFinal() : ((OutboxState) s).isFinal();
      if (!done) {
        open.add(s.name());
      }
    }
    return open;
  }

  private <T> List<T> claim(String table, String key, String columns, List<String> states, String owner, int max,
      Instant now, Duration lease, Row<T> row) {
    String t = prefix + table;
    String in = String.join(", ", states.stream().map(s -> "'" + s + "'").toList());
    UUID token = UUID.randomUUID();
    Instant until = now.plus(lease);
    try (Connection c = connection()) {
      if (isPostgres(c)) {
        return claimInOneStatement(c, t, key, columns, in, owner, token, max, now, until, row);
      }
      c.setAutoCommit(false);
      try {
        List<UUID> keys = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + key + " FROM " + t + " WHERE state IN (" + in
            + ") AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at"
            + " LIMIT ? FOR UPDATE SKIP LOCKED")) {
          bind(s, ts(now), ts(now), max);
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
              keys.add(r.getObject(1, UUID.class));
            }
          }
        }
        List<T> claimed = new ArrayList<>();
        try (PreparedStatement u = c.prepareStatement("UPDATE " + t + " SET owner = ?, claim_token = ?,"
            + " lease_until = ?, claims = claims + 1, updated_at = ? WHERE " + key + " = ?"
            + " AND (lease_until IS NULL OR lease_until < ?)");
            PreparedStatement s = c.prepareStatement("SELECT " + columns + " FROM " + t + " WHERE " + key + " = ?")) {
          for (UUID k : keys) {
            bind(u, owner, token, ts(until), ts(now), k, ts(now));
            if (u.executeUpdate() == 1) {
              bind(s, k);
              try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                  claimed.add(row.read(r));
                }
              }
            }
          }
        }
        c.commit();
        return claimed;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw fail("claiming " + table + " rows", e);
    }
  }

  /**
   * PostgreSQL claims in one round trip: the due rows are locked ({@code FOR UPDATE SKIP LOCKED}, rechecked against
   * their newest version) and stamped by the same statement, which returns them. H2 cannot lock in a subquery, so
   * it takes the select, update and read-back of {@link #claim} in one transaction instead.
   */
  private static <T> List<T> claimInOneStatement(Connection c, String t, String key, String columns, String in,
      String owner, UUID token, int max, Instant now, Instant until, Row<T> row) throws SQLException {
    List<T> claimed = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("UPDATE " + t + " SET owner = ?, claim_token = ?,"
        + " lease_until = ?, claims = claims + 1, updated_at = ? WHERE " + key + " IN (SELECT " + key + " FROM " + t
        + " WHERE state IN (" + in + ") AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)"
        + " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) AND (lease_until IS NULL OR lease_until < ?)"
        + " RETURNING " + columns)) {
      bind(s, owner, token, ts(until), ts(now), ts(now), ts(now), max, ts(now));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          claimed.add(row.read(r));
        }
      }
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
    return claimed;
  }

  private static boolean isPostgres(Connection c) throws SQLException {
    return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
  }

  @Override
  public boolean renew(String table, UUID key, Claim claim) {
    return update("renewing a claim", "UPDATE " + prefix + table(table) + " SET lease_until = ? WHERE "
        + key(table) + " = ? AND claim_token = ?", ts(claim.leaseUntil()), key, claim.token()) == 1;
  }

  @Override
  public boolean release(String table, UUID key, UUID token) {
    return update("releasing a claim", "UPDATE " + prefix + table(table) + " SET owner = NULL, claim_token = NULL,"
        + " lease_until = NULL WHERE " + key(table) + " = ? AND claim_token = ?", key, token) == 1;
  }

  private static String table(String table) {
    if (!table.equals("inbox") && !table.equals("outbox")) {
      throw new IllegalArgumentException("table must be inbox or outbox, got " + table);
    }
    return table;
  }

  private static String key(String table) {
    return table.equals("inbox") ? "file_transfer_id" : "submission_id";
  }

  private static Claim claim(ResultSet r, int ownerColumn) throws SQLException {
    String owner = r.getString(ownerColumn);
    UUID token = r.getObject(ownerColumn + 1, UUID.class);
    Instant until = instant(r, ownerColumn + 2);
    return token == null ? null : new Claim(owner, token, until);
  }

  // ---------------------------------------------------------------------------------------------- JDBC

  private Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  int update(String what, String sql, Object... args) {
    try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw fail(what, e);
    }
  }

  <T> List<T> query(String sql, Row<T> row, Object... args) {
    try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      List<T> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(row.read(r));
        }
      }
      return out;
    } catch (SQLException e) {
      throw fail("reading", e);
    }
  }

  private static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      s.setObject(i + 1, args[i]);
    }
  }

  static OffsetDateTime ts(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet r, int column) throws SQLException {
    OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private DurableStoreException fail(String what, SQLException e) {
    return new DurableStoreException("Database error " + what + " (tables " + prefix + "*, SQLState "
        + e.getSQLState() + "): " + e.getMessage(), e);
  }

  /** Shuts the embedded H2 database down; does nothing for a data source given to the builder (you own it). */
  @Override
  public void close() {
    if (!embedded) {
      return;
    }
    try (Connection c = connection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      // already closed
    }
  }

  @Override
  public String toString() {
    return "JdbcDurableStore[prefix=" + prefix + (embedded ? ", embedded H2" : "") + "]";
  }

  /** Builds a {@link JdbcDurableStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String prefix = DEFAULT_PREFIX;
    private boolean createSchema = true;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * @param prefix the start of every table name: lower-case letters, digits and {@code _}, starting with a
     *     letter, at most 30 characters; default {@value JdbcDurableStore#DEFAULT_PREFIX}
     * @return this
     */
    public Builder tablePrefix(String prefix) {
      if (prefix == null || !PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException("tablePrefix must match " + PREFIX.pattern() + ", got " + prefix);
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * @param create create the tables on first use when missing; default {@code true}. With {@code false} the
     *     schema must have been installed by a DBA from {@code schema/v1.sql} and {@code v2.sql}
     * @return this
     */
    public Builder createSchema(boolean create) {
      this.createSchema = create;
      return this;
    }

    /** @return the store (no connection is made until {@link JdbcDurableStore#initialize()}) */
    public JdbcDurableStore build() {
      return new JdbcDurableStore(this, false);
    }
  }
}
