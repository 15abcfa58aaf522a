package no.brokerclient.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import no.brokerclient.RetryPolicy;
import no.brokerclient.TelemetryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry loop every HTTP caller in the SDK goes through (Broker, Events, Resource Registry, Authentication,
 * Maskinporten and the Altinn token exchange), after openai-java's {@code RetryingHttpClient}. It owns the
 * {@linkplain RetryPolicy numbers}, the {@linkplain #shouldRetry(int, boolean) classifier} (the single place that
 * decides what may be repeated), the jittered backoff, {@code Retry-After} (capped, measured on the server's clock),
 * the sleeper and the telemetry and INFO line of each retry.
 *
 * <p>A caller describes its call once ({@link Call}: names for logs and telemetry, whether it is idempotent, whether
 * its body can be sent again) and supplies one {@link Attempt} that performs a single exchange and says what came
 * of it ({@link Outcome}). Rules:
 *
 * <ul>
 *   <li>An {@link IOException} from an attempt is retried when the body is repeatable and either the call is
 *       idempotent or the request certainly never left ({@link #maySent}); otherwise {@code onFailure} turns it into
 *       the caller's exception.
 *   <li>{@link Outcome#failure} with a status is retried when the body is repeatable and {@link #shouldRetry(int,
 *       boolean)} says so, waiting {@code Retry-After} when the server gave one, the backoff otherwise.
 *   <li>{@link Outcome#repeat} asks for one more attempt that does not count against the policy (a token refreshed
 *       after a bodiless 401, a grant re-dated after a clock correction); the attempt itself makes sure it asks only
 *       once.
 * </ul>
 *
 * Thread-safe and stateless apart from its collaborators. Internal.
 */
public final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger("no.brokerclient.http");

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final Clock clock;
  private final Telemetry telemetry;

  /**
   * @param policy the numbers: retries, backoff, the {@code Retry-After} cap
   * @param sleeper waits between attempts
   * @param clock measures {@code Retry-After} dates against the response's {@code Date}
   * @param telemetry receives each retry
   */
  public Retrier(RetryPolicy policy, Sleeper sleeper, Clock clock, Telemetry telemetry) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
  }

  /** @return the policy */
  public RetryPolicy policy() {
    return policy;
  }

  /** @return the sleeper */
  public Sleeper sleeper() {
    return sleeper;
  }

  /** @return the clock */
  public Clock clock() {
    return clock;
  }

  /**
   * The classifier for answers. 429 (rate limited) and 503 (unavailable) mean the server did not act, so any call
   * may be repeated; 502 and 504 (a gateway lost the answer) leave open whether it acted, so only an idempotent call
   * is repeated. 500 is never repeated: Altinn's servers answer it for an unhandled exception, which a repeat
   * meets again, and Maskinporten's token endpoint behaves the same; the caller sees it at once.
   *
   * @param status the HTTP status
   * @param idempotent whether repeating the call cannot change the outcome
   * @return whether the call may be attempted again
   */
  public static boolean shouldRetry(int status, boolean idempotent) {
    return status == 429 || status == 503 || (idempotent && (status == 502 || status == 504));
  }

  /**
   * The classifier for failed exchanges: an idempotent call is always repeated; another only when the request
   * certainly never reached the server.
   *
   * @param e the failure
   * @param idempotent whether repeating the call cannot change the outcome
   * @return whether the call may be attempted again
   */
  public static boolean shouldRetry(IOException e, boolean idempotent) {
    return idempotent || !maySent(e);
  }

  /**
   * @param e a failed exchange
   * @return {@code false} only when the request certainly never left this host (refused, unresolvable, unroutable,
   *     or a timeout while connecting)
   */
  public static boolean maySent(IOException e) {
    if (e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException) {
      return false;
    }
    if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
      String m = e.getMessage();
      return m == null || !m.toLowerCase(Locale.ROOT).contains("connect");
    }
    return true;
  }

  /**
   * @param retry 1 for the first retry
   * @return the jittered exponential backoff before that retry
   */
  public Duration backoff(int retry) {
    return Backoff.delay(policy, retry);
  }

  /**
   * @param header a {@code Retry-After} value, or {@code null}
   * @param date the response's {@code Date} header, or {@code null}
   * @return the wait it asks for, capped by the policy, or {@code null} when absent or unreadable
   */
  public Duration retryAfter(String header, String date) {
    return Backoff.retryAfter(policy, header, date, clock);
  }

  /**
   * Runs the call until an attempt succeeds, fails for good, or the policy's retries are spent.
   *
   * @param call what is called
   * @param attempt one exchange; {@code n} is 1 for the first attempt and counts only counted attempts
   * @param onFailure turns a final {@link IOException} into the caller's exception
   * @param <T> the result
   * @return the successful attempt's value
   */
  public <T> T run(Call call, Attempt<T> attempt, Function<IOException, ? extends RuntimeException> onFailure) {
    int n = 0;
    while (true) {
      n++;
      Outcome<T> outcome;
      try {
        outcome = Objects.requireNonNull(attempt.run(n), "outcome");
      } catch (IOException e) {
        if (call.repeatable && shouldRetry(e, call.idempotent) && n <= policy.maxRetries()) {
          pause(call, backoff(n), "I/O error " + e.getClass().getSimpleName(), "io", n);
          continue;
        }
        throw onFailure.apply(e);
      }
      switch (outcome.kind) {
        case SUCCESS:
          return outcome.value;
        case REPEAT:
          n--;
          LOG.debug("{}: {}, repeating once", call.description, outcome.why);
          continue;
        default:
          if (outcome.status > 0 && call.repeatable && shouldRetry(outcome.status, call.idempotent)
              && n <= policy.maxRetries()) {
            Duration wait = retryAfter(outcome.retryAfter, outcome.date);
            pause(call, wait != null ? wait : backoff(n), "HTTP " + outcome.status, Integer.toString(outcome.status),
                n);
            continue;
          }
          throw outcome.error;
      }
    }
  }

  private void pause(Call call, Duration wait, String why, String reason, int retry) {
    telemetry.retry(new TelemetryListener.Retry(call.operation, reason, retry, wait));
    LOG.info("Retrying {} after {} in {} ms (retry {} of {})", call.description, why, wait.toMillis(), retry,
        policy.maxRetries());
    Interruptible.sleep(sleeper, wait, "waiting to retry");
  }

  /**
   * What is called, once per logical call.
   *
   * @param operation the telemetry operation name (see {@link TelemetryListener})
   * @param description for log lines, e.g. {@code "GET /broker/api/v1/filetransfer/{id}"}; never secrets
   * @param idempotent whether repeating it cannot change the outcome
   * @param repeatable whether its body can be sent again (an {@code InputStream} body cannot)
   */
  public record Call(String operation, String description, boolean idempotent, boolean repeatable) {
    /** Checks the names. */
    public Call {
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(description, "description");
    }
  }

  /**
   * One exchange.
   *
   * @param <T> the result
   */
  @FunctionalInterface
  public interface Attempt<T> {
    /**
     * @param n 1 for the first attempt; repeats asked for with {@link Outcome#repeat} keep the number
     * @return what came of it
     * @throws IOException when the exchange itself failed
     */
    Outcome<T> run(int n) throws IOException;
  }

  /**
   * What one attempt came to.
   *
   * @param <T> the result
   */
  public static final class Outcome<T> {
    private enum Kind {
      SUCCESS, REPEAT, FAILURE
    }

    private final Kind kind;
    private final T value;
    private final String why;
    private final int status;
    private final String retryAfter;
    private final String date;
    private final RuntimeException error;

    private Outcome(Kind kind, T value, String why, int status, String retryAfter, String date,
        RuntimeException error) {
      this.kind = kind;
      this.value = value;
      this.why = why;
      this.status = status;
      this.retryAfter = retryAfter;
      this.date = date;
      this.error = error;
    }

    /**
     * @param value the result
     * @param <T> the result type
     * @return success
     */
    public static <T> Outcome<T> success(T value) {
      return new Outcome<>(Kind.SUCCESS, value, null, 0, null, null, null);
    }

    /**
     * @param why for the DEBUG line, e.g. "token rejected with 401"
     * @param <T> the result type
     * @return a request for one more attempt that does not count
     */
    public static <T> Outcome<T> repeat(String why) {
      return new Outcome<>(Kind.REPEAT, null, Objects.requireNonNull(why, "why"), 0, null, null, null);
    }

    /**
     * @param status the HTTP status that failed, or 0 for a failure that is never retried
     * @param retryAfter the response's {@code Retry-After}, or {@code null}
     * @param date the response's {@code Date}, or {@code null}
     * @param error thrown when the status is not retried or retries are spent
     * @param <T> the result type
     * @return a failure, retried as the classifier says
     */
    public static <T> Outcome<T> failure(int status, String retryAfter, String date, RuntimeException error) {
      return new Outcome<>(Kind.FAILURE, null, null, status, retryAfter, date, Objects.requireNonNull(error, "error"));
    }

    /**
     * @param error thrown as it is
     * @param <T> the result type
     * @return a failure that is never retried
     */
    public static <T> Outcome<T> fail(RuntimeException error) {
      return failure(0, null, null, error);
    }
  }
}
