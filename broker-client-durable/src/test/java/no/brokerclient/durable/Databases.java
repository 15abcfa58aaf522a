package no.brokerclient.durable;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Real databases for the tests: one embedded PostgreSQL server per test JVM (binaries from Maven Central, started
 * once, stopped at exit) and H2 files. Each test gets its own table prefix, so tests never see each other's rows.
 */
final class Databases {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private Databases() {}

  static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
      EmbeddedPostgres pg = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (IOException e) {
          // exiting anyway
        }
      }));
    }
    return postgres;
  }

  static DataSource postgresDataSource() {
    return postgres().getPostgresDatabase();
  }

  /** @return the JDBC URL of the embedded server (for child JVMs) */
  static String postgresUrl() {
    return postgres().getJdbcUrl("postgres", "postgres");
  }

  static String freshPrefix() {
    return "t" + ProcessHandle.current().pid() + "_" + PREFIXES.incrementAndGet() + "_";
  }

  static JdbcDurableStore postgresStore() {
    return JdbcDurableStore.builder(postgresDataSource()).tablePrefix(freshPrefix()).build();
  }

  static JdbcDurableStore h2Store(Path dir) {
    return JdbcDurableStore.h2(dir.resolve("broker-" + PREFIXES.incrementAndGet()));
  }

  /** The two engines the same suites run on. */
  enum Engine {
    POSTGRESQL, H2;

    JdbcDurableStore store(Path dir) {
      return this == POSTGRESQL ? postgresStore() : h2Store(dir);
    }
  }
}
