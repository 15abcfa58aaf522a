package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import no.brokerclient.AltinnEnvironment;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** The one place the client builders' shared rules and the pool's ownership are decided. */
class ClientOptionsTest {
  static final HttpClients.Timeouts DEFAULTS =
      new HttpClients.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));

  static ClientOptions.Builder builder() {
    ClientOptions.Builder b = new ClientOptions.Builder("platformUrl", DEFAULTS);
    b.url("http://127.0.0.1:1");
    return b;
  }

  static String buildError(ClientOptions.Builder b) {
    return assertThrows(IllegalStateException.class, b::build).getMessage();
  }

  @Test
  void urlRules() {
    ClientOptions.Builder both = builder();
    both.environment(AltinnEnvironment.TT02);
    assertTrue(buildError(both).contains("either environment(...) or platformUrl(...), not both"));
    assertTrue(buildError(new ClientOptions.Builder("platformUrl", DEFAULTS)).contains("is required"));
    for (String bad : new String[] {"http://platform.altinn.no", "ftp://x", "https://x.example/?q=1",
        "https://x.example/#f", "not a url"}) {
      ClientOptions.Builder b = builder();
      b.url(bad);
      assertThrows(IllegalStateException.class, b::build, bad);
    }
    ClientOptions.Builder blank = builder();
    blank.subscriptionKey(" ");
    assertTrue(buildError(blank).contains("blank"));
  }

  @Test
  void durationsAndUserAgentAreCheckedWhenSet() {
    ClientOptions.Builder b = builder();
    assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.readTimeout(Duration.ofSeconds(-1)));
    assertThrows(NullPointerException.class, () -> b.connectTimeout(null));
    assertThrows(IllegalArgumentException.class, () -> b.maxResponseSize(1023));
    assertThrows(IllegalArgumentException.class, () -> b.userAgent("a\u00e6b"));
    assertThrows(IllegalArgumentException.class, () -> b.userAgent(" "));
    assertThrows(IllegalArgumentException.class, () -> ClientOptions.positive("x", Duration.ofNanos(-1)));
  }

  @Test
  void defaultsApplyToTheSdksClientExplicitTimeoutsToAny() {
    ClientOptions own = builder().build();
    assertEquals(1_000, own.http().connectTimeoutMillis());
    assertEquals(2_000, own.http().readTimeoutMillis());
    assertEquals(3_000, own.http().writeTimeoutMillis());
    assertTrue(own.pool().owned());
    own.close();

    OkHttpClient mine = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(9)).build();
    ClientOptions.Builder b = builder();
    b.httpClient(mine);
    b.writeTimeout(Duration.ofSeconds(4));
    ClientOptions shared = b.build();
    assertEquals(9_000, shared.http().readTimeoutMillis(), "the caller's, not the default");
    assertEquals(4_000, shared.http().writeTimeoutMillis());
    assertFalse(shared.pool().owned());
    shared.close();
    assertFalse(mine.dispatcher().executorService().isShutdown(), "a caller's client is never closed");
    mine.dispatcher().executorService().shutdown();
  }

  @Test
  void toBuilderSharesThePoolWhichTheLastCloseReleases() {
    ClientOptions parent = builder().build();
    ClientOptions.Builder d = parent.toBuilder();
    d.readTimeout(Duration.ofSeconds(8));
    ClientOptions derived = d.build();
    assertSame(parent.http().connectionPool(), derived.http().connectionPool());
    assertSame(parent.pool(), derived.pool());
    assertEquals(8_000, derived.http().readTimeoutMillis());
    assertEquals(1_000, derived.http().connectTimeoutMillis(), "the rest inherited");
    assertEquals(2, parent.pool().uses());
    assertTrue(parent.close());
    assertFalse(parent.close(), "idempotent");
    assertFalse(derived.http().dispatcher().executorService().isShutdown());
    derived.close();
    assertTrue(derived.http().dispatcher().executorService().isShutdown());
    assertThrows(IllegalStateException.class, () -> parent.toBuilder().build(), "nothing left to share");
  }
}
