package no.brokerclient.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.ApiError;
import no.brokerclient.RetryPolicy;
import no.brokerclient.TelemetryListener;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.internal.ClientOptions;
import no.brokerclient.internal.HttpClients;
import no.brokerclient.internal.Json;
import no.brokerclient.internal.Sleeper;
import no.brokerclient.internal.Transport;
import no.brokerclient.internal.Transport.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Altinn Events subscriptions API ({@code {platform}/events/api/v1/subscriptions}): create, get, list, delete,
 * and {@link #ensure} to reconcile. Needs <b>exchanged Altinn tokens</b> with {@code altinn:events.subscribe}
 * ({@link no.brokerclient.auth.Maskinporten#forEvents()}); the Events API rejects raw Maskinporten tokens.
 *
 * <p>Errors arrive as a JSON string, ValidationProblemDetails or an empty body; all become {@link
 * no.brokerclient.BrokerApiException}s with the server's text as {@code detail()}. Create is idempotent on the
 * server (an identical request returns the same subscription and re-sends the validation event), so it is retried
 * like reads. A redirect is never followed ({@link no.brokerclient.BrokerRedirectException}); an answer that is
 * malformed or larger than {@link Builder#maxResponseSize} is a {@link
 * no.brokerclient.BrokerInvalidResponseException}. Thread-safe; close it to release the connections it created.
 */
public final class EventsClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventsClient.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final Set<String> SCOPES = AltinnScopes.EVENTS;

  private final HttpUrl base;
  private final Transport transport;
  private final ClientOptions options;

  private EventsClient(ClientOptions options) {
    this.options = options;
    this.base = options.url().newBuilder().addPathSegments("events/api/v1/subscriptions").build();
    this.transport = options.transport(options.tokens());
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder(new ClientOptions.Builder("platformUrl", Builder.DEFAULT_TIMEOUTS));
  }

  /**
   * A builder preloaded with this client's settings, whose {@link Builder#build()} shares this client's connection
   * pool and dispatcher (unless given another {@link Builder#httpClient}). Each client holds its own use of the
   * pool: closing the derived client leaves this one working and the other way round; a pool the SDK created is
   * released when the last of them closes.
   *
   * @return the builder
   */
  public Builder newBuilder() {
    return new Builder(options.toBuilder());
  }

  /**
   * Creates a subscription (or gets the identical existing one). It receives events only after Altinn has
   * validated the endpoint, and may miss events for up to an hour (the Events service caches subscriptions).
   *
   * @param request from {@link EventSubscriptions}
   * @return the subscription, usually not yet validated
   */
  public Subscription create(SubscriptionRequest request) {
    Objects.requireNonNull(request, "request");
    String body = Json.write(request.toJson());
    Call call = Call.of("POST", url(), SCOPES, true).body(() -> RequestBody.create(body, JSON), true)
        .hint(hint(request));
    Subscription s = read(call, Subscription.class);
    LOG.debug("Subscription {} for {} type {} (validated {})", s.id(), request.resourceFilter(), request.typeFilter(),
        s.validated());
    return s;
  }

  /**
   * @param id the subscription id
   * @return the subscription
   * @throws no.brokerclient.BrokerNotFoundException if unknown
   */
  public Subscription get(int id) {
    return read(Call.of("GET", url(Integer.toString(id)), SCOPES, true), Subscription.class);
  }

  /** @return every subscription the caller created, validated or not */
  public List<Subscription> list() {
    Call call = Call.of("GET", url(), SCOPES, true);
    JsonNode n = read(call, JsonNode.class);
    JsonNode items = n.path("subscriptions");
    if (!items.isArray()) {
      throw Transport.invalid(call, "has no subscriptions array", null);
    }
    List<Subscription> out = new ArrayList<>();
    for (JsonNode s : items) {
      try {
        out.add(Json.MAPPER.convertValue(s, Subscription.class));
      } catch (IllegalArgumentException e) {
        throw Transport.invalid(call, "has a subscription that cannot be read", e);
      }
    }
    return out;
  }

  /**
   * Deletes a subscription. Deliveries may continue for up to an hour (the Events service's cache).
   *
   * @param id the subscription id
   */
  public void delete(int id) {
    transport.execute(Call.of("DELETE", url(Integer.toString(id)), SCOPES, true)).close();
  }

  /**
   * Makes the requested subscriptions exist: reuses identical validated ones, posts again identical ones that are
   * not validated (which re-sends the validation event), creates missing ones, and, when {@code deleteStale},
   * deletes the caller's other subscriptions for the same endpoint and resource. Safe to run at every start-up.
   *
   * @param requests from {@link EventSubscriptions}
   * @param deleteStale whether to delete subscriptions for the same endpoint and resource that were not requested
   * @return what was done; check {@link EnsureResult#allValidated()}
   */
  public EnsureResult ensure(List<SubscriptionRequest> requests, boolean deleteStale) {
    List<Subscription> existing = list();
    List<EnsureResult.Entry> entries = new ArrayList<>();
    for (SubscriptionRequest r : requests) {
      Subscription match = existing.stream().filter(r::matches).findFirst().orElse(null);
      if (match != null && match.validated()) {
        entries.add(new EnsureResult.Entry(r, match, EnsureResult.Outcome.EXISTING));
      } else {
        Subscription s = create(r);
        entries.add(new EnsureResult.Entry(r, s, match != null
            ? EnsureResult.Outcome.REVALIDATION_REQUESTED : EnsureResult.Outcome.CREATED));
      }
    }
    List<Subscription> deleted = new ArrayList<>();
    if (deleteStale) {
      for (Subscription e : existing) {
        boolean ours = requests.stream().anyMatch(r -> r.endPoint().equals(e.endPoint())
            && r.resourceFilter().equals(e.resourceFilter()));
        boolean wanted = requests.stream().anyMatch(r -> r.matches(e));
        if (ours && !wanted) {
          delete(e.id());
          deleted.add(e);
        }
      }
    }
    return new EnsureResult(entries, deleted);
  }

  /**
   * Gives up this client's use of its connection pool; the last client using a pool the SDK created (this one and
   * those from {@link #newBuilder()}) shuts it down. A caller-supplied {@link OkHttpClient} is never closed.
   * Idempotent.
   */
  @Override
  public void close() {
    options.close();
  }

  @Override
  public String toString() {
    return "EventsClient{" + base.encodedPath() + "}";
  }

  private Function<ApiError, String> hint(SubscriptionRequest r) {
    return e -> {
      if (e.status() == 403) {
        return "Creating a subscription needs an exchanged Altinn token with altinn:events.subscribe, and the"
            + " resource's policy must give your organisation the 'subscribe' right for the subject "
            + r.subjectFilter() + " (only the service owner may omit the subject)";
      }
      if (e.status() == 400 && e.detail() != null && e.detail().startsWith("Source filter is not supported")) {
        return "Today's Events service rejects sourceFilter for Broker resources: build without sendSourceFilter()";
      }
      if (e.status() == 401) {
        return "The Events API accepts only exchanged Altinn tokens (Maskinporten.forEvents()), not raw"
            + " Maskinporten tokens";
      }
      return null;
    };
  }

  private <T> T read(Call call, Class<T> type) {
    return transport.executeJson(call, type);
  }

  private HttpUrl url(String... segments) {
    HttpUrl.Builder b = base.newBuilder();
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b.build();
  }

  /**
   * Builds an {@link EventsClient}. Required: environment or platform URL (not both), token provider. The rules
   * shared with the SDK's other clients (URL, https, durations, key, User-Agent, HTTP client) are decided in one
   * place for all of them.
   */
  public static final class Builder {
    static final HttpClients.Timeouts DEFAULT_TIMEOUTS =
        new HttpClients.Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));

    private final ClientOptions.Builder options;

    private Builder(ClientOptions.Builder options) {
      this.options = options;
    }

    /**
     * @param environment TT02 or PRODUCTION; conflicts with {@link #platformUrl}
     * @return this builder
     */
    public Builder environment(AltinnEnvironment environment) {
      options.environment(environment);
      return this;
    }

    /**
     * @param url a custom platform URL: {@code https://…}, or {@code http://} on a loopback address only (local
     *     fakes), since tokens and the subscription key are sent to it; no query or fragment. Conflicts with
     *     {@link #environment}.
     * @return this builder
     */
    public Builder platformUrl(String url) {
      options.url(url);
      return this;
    }

    /**
     * @param provider exchanged Altinn tokens, e.g. {@code maskinporten.forEvents()}. Required.
     * @return this builder
     */
    public Builder accessTokenProvider(AccessTokenProvider provider) {
      options.tokens(provider);
      return this;
    }

    /**
     * @param key APIM subscription key; not blank; never logged. Default none.
     * @return this builder
     */
    public Builder subscriptionKey(String key) {
      options.subscriptionKey(key);
      return this;
    }

    /**
     * @param client a shared OkHttp client; never closed by the SDK. The SDK derives a client from it that never
     *     follows redirects and never silently retries. Default: a client of the SDK's own (or, from {@link
     *     EventsClient#newBuilder()}, the parent's).
     * @return this builder
     */
    public Builder httpClient(OkHttpClient client) {
      options.httpClient(client);
      return this;
    }

    /**
     * @param policy retries; default {@link RetryPolicy#DEFAULT}
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      options.retryPolicy(policy);
      return this;
    }

    /**
     * @param telemetry receives every HTTP attempt and retry (see {@link TelemetryListener}); default {@link
     *     TelemetryListener#NONE}
     * @return this builder
     */
    public Builder telemetry(TelemetryListener telemetry) {
      options.telemetry(telemetry);
      return this;
    }

    /**
     * @param timeout connect, read and write timeout; positive; default 30 s (or the supplied client's)
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      options.timeout(timeout);
      return this;
    }

    /**
     * @param bytes the largest JSON answer accepted, counted after gzip decoding while reading; larger answers fail
     *     with {@link no.brokerclient.BrokerInvalidResponseException}. At least 1024; default 1 MiB (1,048,576)
     * @return this builder
     */
    public Builder maxResponseSize(long bytes) {
      options.maxResponseSize(bytes);
      return this;
    }

    /**
     * @param suffix appended to the SDK's User-Agent ({@code broker-client-java/<version> Java/<version>});
     *     printable ASCII; default none
     * @return this builder
     */
    public Builder userAgent(String suffix) {
      options.userAgent(suffix);
      return this;
    }

    /**
     * @param clock the clock {@code Retry-After} dates are read against; for tests. Default {@link
     *     Clock#systemUTC()}
     * @return this builder
     */
    public Builder clock(Clock clock) {
      options.clock(clock);
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      options.sleeper(sleeper);
      return this;
    }

    /**
     * @return the client
     * @throws IllegalStateException on a missing or conflicting setting, or a platform URL that is not https (nor
     *     loopback)
     */
    public EventsClient build() {
      options.checkedUrl();
      if (options.tokens() == null) {
        throw new IllegalStateException("accessTokenProvider(...) is required: exchanged Altinn tokens with"
            + " altinn:events.subscribe, e.g. maskinporten.forEvents()");
      }
      return new EventsClient(options.build());
    }
  }
}
