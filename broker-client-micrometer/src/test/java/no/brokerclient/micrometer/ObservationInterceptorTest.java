package no.brokerclient.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.transport.SenderContext;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import no.brokerclient.BrokerClient;
import no.brokerclient.BrokerServerException;
import no.brokerclient.RetryPolicy;
import no.brokerclient.Role;
import no.brokerclient.auth.AccessTokenProvider;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor on loopback: an observation per SDK attempt, and a propagating handler's header reaches Broker. */
class ObservationInterceptorTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  MockWebServer broker;
  TestObservationRegistry observations;
  OkHttpClient http;

  /** Writes a fixed traceparent through the sender context's setter, as a tracing bridge's propagator does. */
  static final class Propagating implements ObservationHandler<SenderContext<Object>> {
    @Override
    public void onStart(SenderContext<Object> context) {
      context.getSetter().set(context.getCarrier(), "traceparent", TRACEPARENT);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return context instanceof SenderContext;
    }
  }

  @BeforeEach
  void start() throws Exception {
    broker = new MockWebServer();
    broker.start(0);
    observations = TestObservationRegistry.create();
    observations.observationConfig().observationHandler(new Propagating());
    http = new OkHttpClient.Builder().addInterceptor(new ObservationInterceptor(observations)).build();
  }

  @AfterEach
  void stop() {
    broker.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  BrokerClient client() {
    return BrokerClient.builder().baseUrl(broker.url("/").toString()).httpClient(http)
        .accessTokenProvider(AccessTokenProvider.fixed("eyJ.test.token")).roles(Role.SENDER)
        .retryPolicy(RetryPolicy.builder().maxRetries(1).initialBackoff(java.time.Duration.ofMillis(1))
            .maxBackoff(java.time.Duration.ofMillis(5)).build()).build();
  }

  @Test
  void eachAttemptIsAnObservationAndTraceparentReachesTheServer() throws Exception {
    broker.enqueue(new MockResponse.Builder().code(503).build());
    broker.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"fileTransferId\":\"" + ID + "\",\"fileTransferStatus\":\"Published\"}").build());
    try (BrokerClient c = client()) {
      c.getOverview(ID);
    }
    RecordedRequest first = broker.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest second = broker.takeRequest(5, TimeUnit.SECONDS);
    assertEquals(TRACEPARENT, first.getHeaders().get("traceparent"));
    assertEquals(TRACEPARENT, second.getHeaders().get("traceparent"), "every attempt carries it");
    assertThat(observations).hasNumberOfObservationsWithNameEqualTo(ObservationInterceptor.NAME, 2);
    assertThat(observations).hasAnObservation(o -> o.hasContextualNameEqualTo("broker-client getOverview")
        .hasLowCardinalityKeyValue("operation", "getOverview")
        .hasLowCardinalityKeyValue("uri", "/broker/api/v1/filetransfer/{fileTransferId}")
        .hasLowCardinalityKeyValue("status", "503")
        .hasLowCardinalityKeyValue("outcome", "SERVER_ERROR"));
    assertThat(observations).hasAnObservation(o -> o.hasLowCardinalityKeyValue("status", "200")
        .hasLowCardinalityKeyValue("outcome", "SUCCESS").hasLowCardinalityKeyValue("method", "GET"));
  }

  @Test
  void aFailedCallIsStillObservedAndTheSdkExceptionSurfaces() throws Exception {
    broker.enqueue(new MockResponse.Builder().code(500).build());
    try (BrokerClient c = client()) {
      assertThrows(BrokerServerException.class, () -> c.getOverview(ID));
    }
    assertThat(observations).hasSingleObservationThat().hasLowCardinalityKeyValue("outcome", "SERVER_ERROR");
  }

  @Test
  void requestsWithoutTheSdkTagAreNotObservedNorGiveATraceHeader() throws Exception {
    broker.enqueue(new MockResponse.Builder().code(200).body("ok").build());
    try (Response r = http.newCall(new Request.Builder().url(broker.url("/token")).build()).execute()) {
      assertEquals(200, r.code());
    }
    assertNull(broker.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("traceparent"));
    assertThat(observations).doesNotHaveAnyObservation();
  }
}
