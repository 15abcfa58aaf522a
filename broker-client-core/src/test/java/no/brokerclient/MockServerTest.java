package no.brokerclient;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.testing.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts a mockwebserver3 per test and a client pointed at it, with recorded (not real) sleeps. */
abstract class MockServerTest {
  static final String TOKEN_PREFIX = "eyJhbGciOiJSUzI1NiJ9.secret-token-";
  static final String SUBSCRIPTION_KEY = "sub-key-5f2b9c7e1d";

  MockWebServer server;
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  final RecordingTokens tokens = new RecordingTokens();
  BrokerClient client;

  @BeforeEach
  void startServer() throws IOException {
    CapturedLogs.clear();
    server = new MockWebServer();
    server.start(0);
    client = builder().build();
  }

  @AfterEach
  void stopServer() {
    client.close();
    server.close();
  }

  BrokerClient.Builder builder() {
    return BrokerClient.builder()
        .baseUrl(server.url("/").toString())
        .subscriptionKey(SUBSCRIPTION_KEY)
        .accessTokenProvider(tokens)
        .roles(Role.SENDER, Role.RECIPIENT, Role.SERVICE_OWNER)
        .readTimeout(Duration.ofSeconds(5))
        .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofSeconds(1)).maxRetryAfter(Duration.ofSeconds(30)).build())
        .sleeper(sleeps::add);
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no request arrived");
    }
    return r;
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json; charset=utf-8")
        .body(body).build();
  }

  static MockResponse empty(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  static MockResponse problem(int code, String title, String brokerCode, String detail) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/problem+json")
        .body("{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\",\"title\":\"" + title
            + "\",\"status\":" + code + ",\"detail\":\"" + detail + "\",\"code\":\"" + brokerCode
            + "\",\"traceId\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}")
        .build();
  }

  static String overviewJson(UUID id, String status, String checksum, long size) {
    return "{\"fileTransferId\":\"" + id + "\",\"resourceId\":\"my-resource\",\"fileName\":\"report.zip\","
        + "\"sendersFileTransferReference\":\"ref-1\",\"checksum\":" + (checksum == null ? "null" : "\"" + checksum
        + "\"") + ",\"useVirusScan\":true,\"fileTransferSize\":" + size + ",\"fileTransferStatus\":\"" + status
        + "\",\"fileTransferStatusText\":\"text for " + status + "\","
        + "\"fileTransferStatusChanged\":\"2026-08-01T10:15:30.123456+00:00\","
        + "\"created\":\"2026-08-01T10:00:00.000001+00:00\",\"expirationTime\":\"2026-08-31T10:00:00+00:00\","
        + "\"sender\":\"0192:991825827\",\"recipients\":[{\"recipient\":\"0192:986252932\","
        + "\"currentRecipientFileTransferStatusCode\":\"Initialized\",\"currentRecipientFileTransferStatusText\":"
        + "\"Initialized\",\"currentRecipientFileTransferStatusChanged\":\"2026-08-01T10:00:00+00:00\"}],"
        + "\"propertyList\":{\"caseNumber\":\"123\"},\"published\":null}";
  }

  /** Hands out a new token after each invalidation; records what it was asked. */
  static final class RecordingTokens implements AccessTokenProvider {
    final List<Set<String>> requested = Collections.synchronizedList(new ArrayList<>());
    final List<String> invalidated = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger generation = new AtomicInteger(1);

    @Override
    public String accessToken(Set<String> scopes) {
      requested.add(scopes);
      return current();
    }

    String current() {
      return TOKEN_PREFIX + generation.get();
    }

    @Override
    public void invalidate(Set<String> scopes, String token) {
      invalidated.add(token);
      generation.incrementAndGet();
    }
  }
}
