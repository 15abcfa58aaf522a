package no.brokerclient.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;





import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import no.brokerclient.ApiError;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerIOException;
import no.brokerclient.BrokerInvalidResponseException;
import no.brokerclient.BrokerRedirectException;
import no.brokerclient.RetryPolicy;
import no.brokerclient.TelemetryListener;
import no.brokerclient.TelemetryListener.Operation;
import no.brokerclient.auth.AccessTokenProvider;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one logical call: adds the bearer token for the call's scope set, the subscription key, user agent and
 * Accept; retries per {@link RetryPolicy} and the call's idempotency; refreshes the token once on a bodiless 401;
 * logs one DEBUG line per attempt (method, path, status, duration; never headers); maps error responses to the
 * {@link BrokerApiException} tree and a redirect to {@link BrokerRedirectException} (the client, from {@link
 * HttpClients}, never follows one); reads JSON answers within a size limit ({@link #readJson}); reports each attempt
 * and retry to its {@link Telemetry}, tags each request with its {@link Operation} and puts the operation and file
 * transfer id in the MDC while a call runs ({@link Mdc}). Thread-safe. Internal.
 */
public final class Transport {
  /** Default limit for a JSON answer: 1 MiB, after decoding. */
  public static final long DEFAULT_MAX_RESPONSE_SIZE = 1024 * 1024;
  /** The subscription-key header name. */
  public static final String SUBSCRIPTION_KEY_HEADER = "Ocp-Apim-Subscription-Key";

  private static final Logger LOG = LoggerFactory.getLogger("no.brokerclient.http");

  private final OkHttpClient http;
  private final AccessTokenProvider tokens;
  private final String subscriptionKey;
  private final String userAgent;
  private final Retrier retrier;
  private final long maxResponseSize;
  private final Telemetry telemetry;

  /**
   * @param http the client (with OkHttp's own silent retries disabled)
   * @param tokens the token provider
   * @param subscriptionKey the APIM key, or {@code null}
   * @param userAgent the User-Agent value
   * @param retry the retry policy
   * @param sleeper waits between attempts
   * @param clock for {@code Retry-After} dates
   * @param maxResponseSize the largest JSON answer accepted, in decoded bytes, unless a call sets its own
   */
  public Transport(OkHttpClient http, AccessTokenProvider tokens, String subscriptionKey, String userAgent,
      RetryPolicy retry, Sleeper sleeper, Clock clock, long maxResponseSize) {
    this(http, tokens, subscriptionKey, userAgent, retry, sleeper, clock, maxResponseSize, Telemetry.NONE);
  }

  /**
   * As {@link #Transport(OkHttpClient, AccessTokenProvider, String, String, RetryPolicy, Sleeper, Clock, long)},
   * reporting each attempt and retry to {@code telemetry}.
   *
   * @param http the client
   * @param tokens the token provider
   * @param subscriptionKey the APIM key, or {@code null}
   * @param userAgent the User-Agent value
   * @param retry the retry policy
   * @param sleeper waits between attempts
   * @param clock for {@code Retry-After} dates
   * @param maxResponseSize the largest JSON answer accepted
   * @param telemetry receives attempts and retries
   */
  public Transport(OkHttpClient http, AccessTokenProvider tokens, String subscriptionKey, String userAgent,
      RetryPolicy retry, Sleeper sleeper, Clock clock, long maxResponseSize, Telemetry telemetry) {
    this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    this.http = http;
    this.tokens = tokens;
    this.subscriptionKey = subscriptionKey;
    this.userAgent = userAgent;
    this.retrier = new Retrier(retry, sleeper, clock, telemetry);
    this.maxResponseSize = maxResponseSize;
  }

  /** @return the retry policy */
  public RetryPolicy retryPolicy() {
    return retrier.policy();
  }

  /** @return the telemetry dispatcher */
  public Telemetry telemetry() {
    return telemetry;
  }

  /** @return the sleeper */
  public Sleeper sleeper() {
    return retrier.sleeper();
  }

  /**
   * Executes the call and returns the successful (2xx) response, open; the caller closes it.
   *
   * @param call the call
   * @return the open 2xx response
   * @throws BrokerApiException on an error status (after retries); {@link BrokerRedirectException} on a 3xx
   * @throws BrokerIOException on a network failure (after retries)
   */
  public Response execute(Call call) {
    Operation op = Operations.of(call.method, call.url);
    Mdc mdc = Mdc.open(op.name(), Operations.fileTransferId(call.url));
    try {
      return execute(call, op);
    } finally {
      mdc.close();
    }
  }

  private Response execute(Call call, Operation op) {
    boolean[] tokenRefreshed = {false};
    Retrier.Call spec = new Retrier.Call(op.name(), call.method + " " + call.loggedPath(), call.idempotent,
        call.repeatable);
    return retrier.run(spec, n -> attempt(call, op, n, tokenRefreshed),
        e -> new BrokerIOException(call.method + " " + call.loggedPath() + " failed", e, Retrier.maySent(e)));
  }

  private Retrier.Outcome<Response> attempt(Call call, Operation op, int n, boolean[] tokenRefreshed)
      throws IOException {
    String token = tokens.accessToken(call.scopes);
    Request request = build(call, token, op);
    long start = System.nanoTime();
    Response response;
    try {
      response = Interruptible.execute(http.newCall(request), call.method + " " + call.loggedPath());
    } catch (IOException e) {
      LOG.debug("{} {} -> {} after {} ms (attempt {})", call.method, call.loggedPath(), e.getClass().getSimpleName(),
          (System.nanoTime() - start) / 1_000_000, n);
      attempted(op, call, 0, start, n);
      throw e;
    }
    int code = response.code();
    LOG.debug("{} {} -> {} in {} ms (attempt {})", call.method, call.loggedPath(), code,
        (System.nanoTime() - start) / 1_000_000, n);
    attempted(op, call, code, start, n);
    if (response.isSuccessful()) {
      return Retrier.Outcome.success(response);
    }
    if (HttpClients.isRedirect(code)) {
      String location = HttpClients.location(response);
      return Retrier.Outcome.fail(SharedSecrets.exceptions().redirect(readError(call, response), location));
    }
    String retryAfter = response.header("Retry-After");
    String date = response.header("Date");
    ApiError error = readError(call, response);
    if (error.code() != null || error.traceId() != null) {
      LOG.debug("{} {} -> {} {} traceId {}", call.method, call.loggedPath(), code, error.code(), error.traceId());
    }
    if (code == 401 && error.rawBody().isBlank() && !tokenRefreshed[0] && call.repeatable) {
      // The JWT layer rejected the token before any handler ran: safe to repeat with a fresh token.
      tokens.invalidate(call.scopes, token);
      tokenRefreshed[0] = true;
      return Retrier.Outcome.repeat("token rejected with 401, fresh token");
    }
    return Retrier.Outcome.failure(code, retryAfter, date,
        toException(error, call.hint == null ? null : call.hint.apply(error)));
  }

  private void attempted(Operation op, Call call, int status, long startNanos, int attempt) {
    telemetry.httpAttempt(new TelemetryListener.HttpAttempt(op.name(), call.method, op.pathTemplate(), status,
        TelemetryListener.Outcome.of(status), Duration.ofNanos(System.nanoTime() - startNanos), attempt - 1));
  }

  private Request build(Call call, String token, Operation op) {
    Request.Builder b = new Request.Builder()
        .url(call.url)
        .tag(Operation.class, op)
        .method(call.method, call.body == null ? emptyBodyFor(call.method) : call.body.get())
        .header("Authorization", "Bearer " + token)
        .header("User-Agent", userAgent);
    if (call.accept != null) {
      b.header("Accept", call.accept);
    }
    if (subscriptionKey != null) {
      b.header(SUBSCRIPTION_KEY_HEADER, subscriptionKey);
    }
    if (call.range != null) {
      b.header("Range", call.range);
    }
    call.headers.forEach(b::header);
    return b.build();
  }

  private static RequestBody emptyBodyFor(String method) {
    return "POST".equals(method) || "PUT".equals(method) ? RequestBody.create(new byte[0], null) : null;
  }

  /**
   * Sleeps, turning interruption into a {@link no.brokerclient.BrokerInterruptedException} with the interrupt flag set.
   *
   * @param sleeper the sleeper
   * @param wait how long
   */
  public static void sleep(Sleeper sleeper, Duration wait) {
    Interruptible.sleep(sleeper, wait, "waiting to retry");
  }

  /**
   * @param attempt 1 for the first retry
   * @return the jittered exponential backoff for that retry
   */
  public Duration backoff(int attempt) {
    return retrier.backoff(attempt);
  }

  private static ApiError readError(Call call, Response response) {
    String body = "";
    try (ResponseBody rb = response.body()) {
      body = Bodies.prefix(rb, ErrorBodies.MAX_BODY_CHARS);
    } catch (IOException | RuntimeException e) {
      LOG.debug("{} {}: could not read error body: {}", call.method, call.loggedPath(), e.toString());
    }
    return ErrorBodies.parse(call.method, call.loggedPath(), response.code(), response.headers().toMultimap(), body);
  }

  /**
   * Executes the call and reads its JSON answer; see {@link #readJson}.
   *
   * @param call the call
   * @param type the type to read
   * @param <T> the type
   * @return the value, never {@code null}
   * @throws BrokerInvalidResponseException when the answer is not valid JSON for {@code type}, is {@code null},
   *     or is larger than the call's limit
   */
  public <T> T executeJson(Call call, Class<T> type) {
    try (Response r = execute(call)) {
      return readJson(r, call, type);
    }
  }

  /**
   * Reads a 2xx answer's JSON within the call's size limit (decoded bytes, counted while reading), and rejects a
   * {@code null} value. A failure of the connection itself stays a plain {@link BrokerIOException}.
   *
   * @param response the 2xx response; the caller closes it
   * @param call the call it answers
   * @param type the type to read
   * @param <T> the type
   * @return the value, never {@code null} (nor a JSON {@code null} node)
   * @throws BrokerInvalidResponseException when the answer cannot be accepted
   */
  public <T> T readJson(Response response, Call call, Class<T> type) {
    long limit = call.maxResponseSize > 0 ? call.maxResponseSize : maxResponseSize;
    T value;
    try (InputStream in = Bodies.bounded(response.body(), limit)) {
      value = Json.read(in, type);
    } catch (IOException e) {
      Bodies.TooLargeException tooLarge = Bodies.tooLarge(e);
      if (tooLarge != null) {
        throw invalid(call, "is larger than the limit of " + tooLarge.limit() + " bytes (after decoding; raise"
            + " it with maxResponseSize on the builder)", e);
      }
      if (e instanceof JacksonException j) {
        throw invalid(call, "is not valid JSON for " + type.getSimpleName() + jsonPath(j) + ": "
            + Text.clean(j.getOriginalMessage(), 200), e);
      }
      throw new BrokerIOException(call.method + " " + call.loggedPath() + ": reading the response failed", e, true);
    }
    if (value == null || value instanceof JsonNode n && (n.isNull() || n.isMissingNode())) {
      throw invalid(call, "is empty or null where " + type.getSimpleName() + " was expected", null);
    }
    return value;
  }

  /** Where in the body a mapping failed, e.g. {@code " at fileTransferSize"}; empty when unknown. */
  private static String jsonPath(JacksonException e) {
    if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
      return "";
    }
    StringBuilder at = new StringBuilder(" at ");
    for (JsonMappingException.Reference r : m.getPath()) {
      at.append(r.getFieldName() != null ? (at.length() > 4 ? "." : "") + r.getFieldName() : "[" + r.getIndex() + "]");
    }
    return Text.clean(at.toString(), 200);
  }

  /**
   * @param call the call
   * @param what what is wrong with its 2xx answer, e.g. {@code "has no fileTransferId"}
   * @param cause the parse failure, or {@code null}
   * @return the exception to throw
   */
  public static BrokerInvalidResponseException invalid(Call call, String what, Throwable cause) {
    return new BrokerInvalidResponseException(call.method + " " + call.loggedPath() + " answered with a body that "
        + what, cause);
  }

  /**
   * Maps an error to the exception tree ({@link SharedSecrets.ExceptionAccess#forStatus} decides the subclass), with
   * the default advice for a 401.
   *
   * @param e the error
   * @param hint advice for the message, or {@code null} for the default advice
   * @return the exception to throw
   */
  public static BrokerApiException toException(ApiError e, String hint) {
    String h = hint;
    if (h == null && e.status() == 401) {
      h = e.rawBody().isBlank()
          ? "The access token was rejected (expired, for the wrong environment, or lacking the scope); Broker"
              + " validates expiry with zero clock skew"
          : "The token is valid, but Altinn's authorization denied it: use a token that represents a system user"
              + " with rights to the resource for the organisation";
    }
    return SharedSecrets.exceptions().forStatus(e, h);
  }

  /**
   * One logical request. Mutable, not thread-safe: the caller configures it (each setter returns {@code this}) on
   * one thread, then hands it to {@link #execute}, which only reads it; do not change a call while it executes.
   */
  public static final class Call {
    final String method;
    final HttpUrl url;
    final Set<String> scopes;
    final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    Supplier<RequestBody> body;
    boolean repeatable = true;
    boolean idempotent;
    String accept = "application/json";
    String range;
    Function<ApiError, String> hint;
    long maxResponseSize;

    private Call(String method, HttpUrl url, Set<String> scopes, boolean idempotent) {
      this.method = method;
      this.url = Objects.requireNonNull(url);
      this.scopes = Objects.requireNonNull(scopes);
      this.idempotent = idempotent;
    }

    /**
     * @param method HTTP method
     * @param url the URL
     * @param scopes token scopes
     * @param idempotent whether repeating it is safe after it may have reached the server
     * @return a new call
     */
    public static Call of(String method, HttpUrl url, Set<String> scopes, boolean idempotent) {
      return new Call(method, url, scopes, idempotent);
    }

    /**
     * @param body creates a fresh body for each attempt
     * @param repeatable whether {@code body} can be called more than once
     * @return this
     */
    public Call body(Supplier<RequestBody> body, boolean repeatable) {
      this.body = body;
      this.repeatable = repeatable;
      return this;
    }

    /**
     * @param accept the Accept header, or {@code null} for none
     * @return this
     */
    public Call accept(String accept) {
      this.accept = accept;
      return this;
    }

    /**
     * @param range a Range header value, or {@code null}
     * @return this
     */
    public Call range(String range) {
      this.range = range;
      return this;
    }

    /**
     * @param bytes the largest JSON answer accepted for this call, overriding the transport's limit
     * @return this
     */
    public Call maxResponseSize(long bytes) {
      this.maxResponseSize = bytes;
      return this;
    }

    /**
     * @param hint advice for error messages, given the parsed error; may return {@code null}
     * @return this
     */
    public Call hint(Function<ApiError, String> hint) {
      this.hint = hint;
      return this;
    }

    /**
     * @param name a request header such as {@code If-Match}; not one Transport sets itself
     * @param value its value
     * @return this
     */
    public Call header(String name, String value) {
      if (Set.of("authorization", "user-agent", "accept", "range", SUBSCRIPTION_KEY_HEADER.toLowerCase(Locale.ROOT))
          .contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("Transport sets " + name + " itself");
      }
      headers.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    /** @return the method */
    public String method() {
      return method;
    }

    String loggedPath() {
      String q = url.encodedQuery();
      return url.encodedPath() + (q == null ? "" : "?" + q);
    }
  }
}
