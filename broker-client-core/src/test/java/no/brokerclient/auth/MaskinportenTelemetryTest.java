package no.brokerclient.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import no.brokerclient.RetryPolicy;
import no.brokerclient.TelemetryListener;
import no.brokerclient.testing.MutableClock;
import no.brokerclient.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Maskinporten reports to a TelemetryListener: token fetches, their failures and retries, clock offsets. */
class MaskinportenTelemetryTest {
  MockWebServer server;
  final MutableClock clock = new MutableClock();
  final List<Object> events = new CopyOnWriteArrayList<>();
  final TelemetryListener capture = new TelemetryListener() {
    @Override
    public void tokenFetch(TokenFetch fetch) {
      events.add(fetch);
    }

    @Override
    public void retry(Retry retry) {
      events.add(retry);
    }

    @Override
    public void clockOffset(Duration offset) {
      events.add(offset);
    }
  };

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(0);
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"issuer\":\"" + server.url("/") + "\",\"token_endpoint\":\"" + server.url("/token") + "\"}").build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Maskinporten build() {
    return Maskinporten.builder().issuer(server.url("/").toString()).clientId("client-1")
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString())).clock(clock).telemetry(capture)
        .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(2)).build()).build();
  }

  @Test
  void aCorrectedClockAndTheFetchAreReportedWithoutTheToken() {
    Instant serverNow = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    clock.advance(Duration.ofSeconds(20).plus(Duration.between(Instant.now(), serverNow)));
    server.enqueue(new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
        .addHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow.atOffset(ZoneOffset.UTC)))
        .body("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid assertion. Issue time is in the future\"}")
        .build());
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"access_token\":\"eyJsecret-token\",\"expires_in\":120}").build());
    Duration adopted;
    try (Maskinporten mp = build()) {
      mp.accessToken(AltinnScopes.SENDER);
      adopted = mp.clockOffset();
    }
    assertEquals(2, events.size(), events.toString());
    assertEquals(adopted, events.get(0), "the offset reported is the one adopted");
    assertTrue(adopted.compareTo(Duration.ofSeconds(-19)) < 0, "the local clock is about 20 s ahead: " + adopted);
    TelemetryListener.TokenFetch fetch = (TelemetryListener.TokenFetch) events.get(1);
    assertEquals("maskinporten", fetch.kind());
    assertTrue(fetch.success());
    assertFalse(events.toString().contains("eyJ"), events.toString());
  }

  @Test
  void retriesAndTheFinalFailureAreReported() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(503).build());
    }
    try (Maskinporten mp = build()) {
      assertThrows(AccessTokenException.class, () -> mp.accessToken(AltinnScopes.SENDER));
    }
    assertEquals(List.of(new TelemetryListener.Retry("maskinporten", "503", 1,
        ((TelemetryListener.Retry) events.get(0)).delay()), new TelemetryListener.Retry("maskinporten", "503", 2,
        ((TelemetryListener.Retry) events.get(1)).delay())), events.subList(0, 2));
    TelemetryListener.TokenFetch fetch = (TelemetryListener.TokenFetch) events.get(2);
    assertFalse(fetch.success());
    assertEquals("MaskinportenException", fetch.error());
  }
}
