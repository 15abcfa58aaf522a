package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import no.brokerclient.RetryPolicy;
import no.brokerclient.TelemetryListener;
import org.junit.jupiter.api.Test;

class RetrierTest {
  private final List<Duration> sleeps = new ArrayList<>();
  private final List<TelemetryListener.Retry> retries = new ArrayList<>();
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private final Retrier retrier = new Retrier(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(100))
      .maxBackoff(Duration.ofSeconds(1)).maxRetryAfter(Duration.ofSeconds(30)).build(), sleeps::add, clock,
      Telemetry.of(new TelemetryListener() {
        @Override
        public void retry(Retry r) {
          retries.add(r);
        }
      }));

  private static final Retrier.Call GET = new Retrier.Call("getOverview", "GET /x", true, true);
  private static final Retrier.Call POST = new Retrier.Call("initialize", "POST /x", false, true);

  @Test
  void theClassifierIsTheOnePlaceThatSaysWhatIsRepeated() {
    for (int s : new int[] {429, 503}) {
      assertTrue(Retrier.shouldRetry(s, false), s + " means the server did not act");
      assertTrue(Retrier.shouldRetry(s, true));
    }
    for (int s : new int[] {502, 504}) {
      assertFalse(Retrier.shouldRetry(s, false), s + " may have acted: not for a non-idempotent call");
      assertTrue(Retrier.shouldRetry(s, true));
    }
    for (int s : new int[] {400, 401, 403, 404, 409, 413, 500, 501}) {
      assertFalse(Retrier.shouldRetry(s, true), Integer.toString(s));
    }
    assertTrue(Retrier.shouldRetry(new ConnectException("refused"), false), "never left");
    assertFalse(Retrier.shouldRetry(new SocketTimeoutException("timeout"), false), "may have been sent");
    assertTrue(Retrier.shouldRetry(new SocketTimeoutException("connect timed out"), false), "never connected");
    assertTrue(Retrier.shouldRetry(new IOException("reset"), true));
  }

  @Test
  void retriesATransientStatusUpToThePolicyThenThrowsTheAttemptsError() {
    AtomicInteger calls = new AtomicInteger();
    IllegalStateException error = new IllegalStateException("503");
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> retrier.run(GET, n -> {
      calls.incrementAndGet();
      return Retrier.Outcome.failure(503, null, null, error);
    }, e -> new IllegalStateException(e)));
    assertSame(error, thrown);
    assertEquals(3, calls.get(), "one attempt and two retries");
    assertEquals(2, sleeps.size());
    assertEquals(List.of(1, 2), retries.stream().map(TelemetryListener.Retry::retry).toList());
    assertEquals("503", retries.get(0).reason());
    assertEquals("getOverview", retries.get(0).operation());
  }

  @Test
  void aNonIdempotentCallIsNotRepeatedAfterAnAmbiguousStatusNorAfterAFailureThatMayHaveBeenSent() {
    AtomicInteger calls = new AtomicInteger();
    assertThrows(IllegalStateException.class, () -> retrier.run(POST, n -> {
      calls.incrementAndGet();
      return Retrier.Outcome.failure(502, null, null, new IllegalStateException("502"));
    }, e -> new IllegalStateException(e)));
    assertEquals(1, calls.get());
    IOException reset = new IOException("connection reset");
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> retrier.run(POST, n -> {
      calls.incrementAndGet();
      throw reset;
    }, IllegalStateException::new));
    assertSame(reset, thrown.getCause());
    assertEquals(2, calls.get());
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void aRefusedConnectionIsRetriedEvenForANonIdempotentCallButNeverWithABodyThatCannotBeResent() {
    AtomicInteger calls = new AtomicInteger();
    assertEquals("ok", retrier.run(POST, n -> {
      if (calls.incrementAndGet() < 3) {
        throw new ConnectException("refused");
      }
      return Retrier.Outcome.success("ok");
    }, IllegalStateException::new));
    assertEquals(3, calls.get());
    Retrier.Call stream = new Retrier.Call("upload", "POST /upload", false, false);
    assertThrows(IllegalStateException.class, () -> retrier.run(stream, n -> {
      calls.incrementAndGet();
      throw new ConnectException("refused");
    }, IllegalStateException::new));
    assertEquals(4, calls.get(), "an InputStream body is gone after the first attempt");
  }

  @Test
  void retryAfterIsHonouredAndCappedAndBackoffIsUsedWithoutIt() {
    List<String> headers = new ArrayList<>(List.of("7", "3600"));
    assertThrows(IllegalStateException.class, () -> retrier.run(GET,
        n -> Retrier.Outcome.failure(429, headers.isEmpty() ? null : headers.remove(0), null,
            new IllegalStateException("429")), IllegalStateException::new));
    assertEquals(Duration.ofSeconds(7), sleeps.get(0));
    assertEquals(Duration.ofSeconds(30), sleeps.get(1), "capped by maxRetryAfter");
  }

  @Test
  void aRepeatDoesNotCountAgainstThePolicyAndKeepsTheAttemptNumber() {
    List<Integer> numbers = new ArrayList<>();
    boolean[] refreshed = {false};
    assertThrows(IllegalStateException.class, () -> retrier.run(GET, n -> {
      numbers.add(n);
      if (!refreshed[0]) {
        refreshed[0] = true;
        return Retrier.Outcome.repeat("token rejected");
      }
      return Retrier.Outcome.failure(503, null, null, new IllegalStateException("503"));
    }, IllegalStateException::new));
    assertEquals(List.of(1, 1, 2, 3), numbers, "the repeat is free; then one attempt and two retries");
    assertEquals(2, sleeps.size(), "no pause before the repeat");
  }

  @Test
  void aFailureWithoutAStatusIsNeverRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThrows(IllegalArgumentException.class, () -> retrier.run(GET, n -> {
      calls.incrementAndGet();
      return Retrier.Outcome.fail(new IllegalArgumentException("redirect"));
    }, IllegalStateException::new));
    assertEquals(1, calls.get());
  }

  @Test
  void zeroRetriesMeansOneAttempt() {
    Retrier none = new Retrier(RetryPolicy.NONE, sleeps::add, clock, Telemetry.NONE);
    AtomicInteger calls = new AtomicInteger();
    assertThrows(IllegalStateException.class, () -> none.run(GET, n -> {
      calls.incrementAndGet();
      throw new ConnectException("refused");
    }, IllegalStateException::new));
    assertEquals(1, calls.get());
  }
}
