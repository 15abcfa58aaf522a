package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import no.brokerclient.TelemetryListener.Direction;
import no.brokerclient.TelemetryListener.HttpAttempt;
import no.brokerclient.TelemetryListener.Outcome;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testing.CapturedLogs;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/** The telemetry SPI against the embedded FakeAltinn: what each call reports, MDC, INFO lines, throwing listeners. */
class TelemetryListenerTest {
  static final String SENDER = "991825827";
  static final String RECIPIENT = "986252932";
  static final String RESOURCE = "telemetry-resource";

  @TempDir Path dir;
  FakeAltinn fake;
  Maskinporten maskinporten;
  final Capture seen = new Capture();

  /** Records every event, with the MDC at the time of each HTTP attempt. */
  static final class Capture extends TelemetryListener {
    final List<HttpAttempt> attempts = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> mdc = new CopyOnWriteArrayList<>();
    final List<Retry> retries = new CopyOnWriteArrayList<>();
    final List<TokenFetch> tokens = new CopyOnWriteArrayList<>();
    final List<Transfer> transfers = new CopyOnWriteArrayList<>();

    @Override
    public void httpAttempt(HttpAttempt a) {
      attempts.add(a);
      Map<String, String> m = MDC.getCopyOfContextMap();
      mdc.add(m == null ? Map.of() : m);
    }

    @Override
    public void retry(Retry r) {
      retries.add(r);
    }

    @Override
    public void tokenFetch(TokenFetch f) {
      tokens.add(f);
    }

    @Override
    public void transfer(Transfer t) {
      transfers.add(t);
    }
  }

  @BeforeEach
  void start() throws Exception {
    CapturedLogs.clear();
    fake = FakeAltinn.start();
    fake.virusScanDelay(Duration.ofMillis(20));
    String jwk = fake.client("telemetry-system", SENDER, AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE,
        AltinnScopes.BROKER_READ);
    fake.resource(RESOURCE, "974760673", SENDER, RECIPIENT);
    maskinporten = Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId("telemetry-system")
        .signer(GrantSigners.jwk(jwk)).altinnPlatformUrl(fake.platformUrl()).telemetry(seen).build();
  }

  @AfterEach
  void stop() {
    maskinporten.close();
    fake.close();
    MDC.clear();
  }

  BrokerClient client(TelemetryListener listener) {
    RetryPolicy fast = RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(5))
        .maxBackoff(Duration.ofMillis(20)).build();
    return BrokerClient.builder().baseUrl(fake.platformUrl()).retryPolicy(fast)
        .accessTokenProvider(maskinporten.withSystemUser(OrganizationNumber.of(SENDER)).forBroker())
        .roles(Role.SENDER).telemetry(listener).build();
  }

  FileTransferInitialize meta() {
    return FileTransferInitialize.builder().resourceId(RESOURCE).fileName("t.bin")
        .sender(OrganizationNumber.of(SENDER)).recipient(OrganizationNumber.of(RECIPIENT)).build();
  }

  Path file(int size) throws Exception {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return Files.write(dir.resolve("t-" + size + ".bin"), b);
  }

  @Test
  void sendReportsEachAttemptWithItsOperationAndPathTemplateAndTheUpload() throws Exception {
    try (BrokerClient c = client(seen)) {
      UUID id = c.send(meta(), file(10_000)).fileTransferId();
      List<String> ops = seen.attempts.stream().map(HttpAttempt::operation).toList();
      assertEquals(List.of("initialize", "upload", "getOverview"), ops);
      assertEquals(List.of("/broker/api/v1/filetransfer", "/broker/api/v1/filetransfer/{fileTransferId}/upload",
          "/broker/api/v1/filetransfer/{fileTransferId}"),
          seen.attempts.stream().map(HttpAttempt::pathTemplate).toList());
      for (HttpAttempt a : seen.attempts) {
        assertEquals(Outcome.SUCCESS, a.outcome(), a.toString());
        assertEquals(0, a.retry());
        assertTrue(a.status() >= 200 && a.status() < 300, a.toString());
        assertTrue(!a.toString().contains(id.toString()), "no id in an attempt: " + a);
      }
      assertEquals(1, seen.transfers.size());
      assertEquals(Direction.UPLOAD, seen.transfers.get(0).direction());
      assertEquals(10_000, seen.transfers.get(0).bytes());
      assertEquals(id, seen.transfers.get(0).fileTransferId());
      assertTrue(seen.tokens.stream().anyMatch(t -> t.kind().equals("maskinporten") && t.success()),
          seen.tokens.toString());
      assertTrue(seen.tokens.stream().anyMatch(t -> t.kind().equals("altinnTokenExchange") && t.success()));
      String info = CapturedLogs.lines().stream()
          .filter(l -> l.startsWith("INFO") && l.contains("Uploaded file transfer"))
          .findFirst().orElseThrow(() -> new AssertionError(CapturedLogs.lines().toString()));
      assertTrue(info.contains(id.toString()) && info.contains("10000 bytes") && info.contains("MiB/s"), info);
    }
  }

  @Test
  void mdcCarriesOperationAndIdDuringTheCallAndIsRestoredAfterwards() throws Exception {
    MDC.put("brokerOperation", "outer");
    try (BrokerClient c = client(seen)) {
      UUID id = c.send(meta(), file(100)).fileTransferId();
      assertEquals("initialize", seen.mdc.get(0).get("brokerOperation"));
      assertNull(seen.mdc.get(0).get("fileTransferId"), "no id yet during initialize");
      assertEquals("upload", seen.mdc.get(1).get("brokerOperation"));
      assertEquals(id.toString(), seen.mdc.get(1).get("fileTransferId"));
      assertEquals(id.toString(), seen.mdc.get(2).get("fileTransferId"));
    }
    assertEquals("outer", MDC.get("brokerOperation"), "the caller's value is restored");
    assertNull(MDC.get("fileTransferId"));
  }

  @Test
  void a503IsReportedAsAServerErrorAttemptAndARetry() throws Exception {
    fake.failNext("POST", "/broker/api/v1/filetransfer", FakeAltinn.Failure.status(503));
    try (BrokerClient c = client(seen)) {
      c.initialize(meta());
    }
    assertEquals(2, seen.attempts.size(), seen.attempts.toString());
    assertEquals(503, seen.attempts.get(0).status());
    assertEquals(Outcome.SERVER_ERROR, seen.attempts.get(0).outcome());
    assertEquals(0, seen.attempts.get(0).retry());
    assertEquals(Outcome.SUCCESS, seen.attempts.get(1).outcome());
    assertEquals(1, seen.attempts.get(1).retry());
    assertEquals(1, seen.retries.size());
    assertEquals(new TelemetryListener.Retry("initialize", "503", 1, seen.retries.get(0).delay()), seen.retries.get(0));
  }

  @Test
  void aThrowingListenerNeverBreaksACallAndIsLoggedOnce() throws Exception {
    TelemetryListener throwing = new TelemetryListener() {
      @Override
      public void httpAttempt(HttpAttempt attempt) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void transfer(Transfer transfer) {
        throw new IllegalStateException("listener bug");
      }
    };
    try (BrokerClient c = client(throwing)) {
      UUID id = c.send(meta(), file(5000)).fileTransferId();
      fake.failNext("GET", "/broker/api/v1/filetransfer/" + id, FakeAltinn.Failure.status(500));
      BrokerServerException e = assertThrows(BrokerServerException.class, () -> c.getOverview(id),
          "a failing call still surfaces its own exception");
      assertFalse(e.getMessage().contains("listener bug"), e.getMessage());
      assertEquals(id, c.getOverview(id).fileTransferId());
    }
    long warns = CapturedLogs.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("TelemetryListener"))
        .count();
    assertEquals(1, warns, CapturedLogs.lines().toString());
  }
}
