package no.brokerclient.testing;

import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * An OkHttp client on a connection pool of its own, for tests that hand it to the SDK with {@code httpClient(...)}
 * and then check that no connection stayed checked out. Close it after the SDK clients that use it.
 */
public final class SharedPool implements AutoCloseable {
  private final ConnectionPool pool = new ConnectionPool();
  private final OkHttpClient client = new OkHttpClient.Builder().connectionPool(pool).build();

  /** @return the client to hand the SDK */
  public OkHttpClient client() {
    return client;
  }

  /** Waits (bounded) until every connection of the pool is idle or gone: {@link Connections#assertNoneInUse}. */
  public void assertNoneInUse() {
    Connections.assertNoneInUse(pool);
  }

  /** Stops the client's dispatcher threads and closes the pool's connections. */
  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    pool.evictAll();
  }
}
