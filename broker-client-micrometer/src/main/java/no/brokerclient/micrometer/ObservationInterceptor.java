package no.brokerclient.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.RequestReplySenderContext;
import java.io.IOException;
import java.util.Objects;
import no.brokerclient.TelemetryListener;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An OkHttp interceptor that opens a Micrometer {@link Observation} ({@value #NAME}) per HTTP attempt the SDK
 * sends to Broker or Events, with a sender context whose setter writes headers into the request: a tracing bridge
 * (Micrometer Tracing with OpenTelemetry or Brave) then propagates {@code traceparent} to Altinn, and a meter
 * handler times the attempt. Requests that do not carry the SDK's {@link TelemetryListener.Operation} tag (token
 * requests, anything else on a shared client) pass through untouched, and the SDK never follows redirects, so trace
 * headers never reach another origin.
 *
 * <p>Add it as an application interceptor to the client given to {@code BrokerClient.Builder.httpClient} (and
 * {@code EventsClient.Builder.httpClient}):
 *
 * <pre>{@code
 * OkHttpClient http = new OkHttpClient.Builder().addInterceptor(new ObservationInterceptor(observations)).build();
 * BrokerClient client = BrokerClient.builder().httpClient(http)...build();
 * }</pre>
 *
 * Low-cardinality keys: {@code operation}, {@code method}, {@code uri} (the path template), {@code status}, {@code
 * outcome}; no ids, query strings or URLs. Thread-safe.
 */
public final class ObservationInterceptor implements Interceptor {
  /** The observation's name (a default meter handler makes a timer of it). */
  public static final String NAME = "brokerclient.http.client.requests";

  private final ObservationRegistry registry;

  /** @param registry where observations go */
  public ObservationInterceptor(ObservationRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    TelemetryListener.Operation op = request.tag(TelemetryListener.Operation.class);
    if (op == null || registry.isNoop()) {
      return chain.proceed(request);
    }
    Request.Builder carrier = request.newBuilder();
    RequestReplySenderContext<Request.Builder, Response> context = new RequestReplySenderContext<>(
        (c, key, value) -> {
          if (c != null) {
            c.header(key, value);
          }
        });
    context.setCarrier(carrier);
    context.setRemoteServiceName("altinn");
    HttpUrl url = request.url();
    context.setRemoteServiceAddress(url.scheme() + "://" + url.host() + ":" + url.port());
    Observation observation = Observation.createNotStarted(NAME, () -> context, registry)
        .contextualName("broker-client " + op.name())
        .lowCardinalityKeyValue("operation", op.name())
        .lowCardinalityKeyValue("method", request.method())
        .lowCardinalityKeyValue("uri", op.pathTemplate())
        .start();
    Observation.Scope scope = observation.openScope();
    try {
      Response response = chain.proceed(carrier.build());
      context.setResponse(response);
      observation.lowCardinalityKeyValue("status", Integer.toString(response.code()))
          .lowCardinalityKeyValue("outcome", TelemetryListener.Outcome.of(response.code()).name());
      return response;
    } catch (IOException | RuntimeException e) {
      observation.lowCardinalityKeyValue("status", "IO_ERROR")
          .lowCardinalityKeyValue("outcome", TelemetryListener.Outcome.IO_ERROR.name())
          .error(e);
      throw e;
    } finally {
      scope.close();
      observation.stop();
    }
  }

  @Override
  public String toString() {
    return "ObservationInterceptor{" + NAME + "}";
  }
}
