package no.brokerclient.durable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import no.brokerclient.BrokerClient;
import no.brokerclient.RetryPolicy;
import no.brokerclient.Role;
import no.brokerclient.UploadCheckpointStore;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.events.BrokerEventListener;
import no.brokerclient.events.BrokerEventPoller;
import no.brokerclient.events.EventRole;
import no.brokerclient.events.EventSubscriptions;
import no.brokerclient.events.EventsClient;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.events.WebhookServer;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testkit.FakeAltinn;

/** A FakeAltinn with a sender, a recipient and a resource, and helpers to publish files and read the call log. */
final class TestAltinn implements AutoCloseable {
  static final String SENDER = "991825827";
  static final String RECIPIENT = "986252932";
  static final String OWNER = "974760673";
  static final String RESOURCE = "durable-resource";
  static final OrganizationNumber RECIPIENT_ORG = OrganizationNumber.of(RECIPIENT);
  static final RetryPolicy FAST = RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(10))
      .maxBackoff(Duration.ofMillis(50)).maxRetryAfter(Duration.ofSeconds(2)).build();

  final FakeAltinn fake;
  final String senderJwk;
  final String recipientJwk;
  private final Maskinporten senderTokens;
  private final Maskinporten recipientTokens;

  private TestAltinn() throws IOException {
    fake = FakeAltinn.start();
    fake.virusScanDelay(Duration.ofMillis(10));
    String[] all = {AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE, AltinnScopes.BROKER_READ,
        AltinnScopes.EVENTS_SUBSCRIBE};
    senderJwk = fake.client("sender-system", SENDER, all);
    recipientJwk = fake.client("recipient-system", RECIPIENT, all);
    fake.resource(RESOURCE, OWNER, SENDER, RECIPIENT);
    senderTokens = tokens(fake.maskinportenIssuer(), fake.platformUrl(), "sender-system", senderJwk);
    recipientTokens = tokens(fake.maskinportenIssuer(), fake.platformUrl(), "recipient-system", recipientJwk);
  }

  static TestAltinn start() throws IOException {
    return new TestAltinn();
  }

  static Maskinporten tokens(String issuer, String platformUrl, String clientId, String jwk) {
    return Maskinporten.builder().issuer(issuer).clientId(clientId).signer(GrantSigners.jwk(jwk))
        .altinnPlatformUrl(platformUrl).build();
  }

  static BrokerClient client(String platformUrl, Maskinporten tokens, Role role) {
    return BrokerClient.builder().baseUrl(platformUrl).accessTokenProvider(tokens.forBroker()).roles(role)
        .retryPolicy(FAST).build();
  }

  /** TUS settings of the TUS tests: small, so a few MiB make several chunks per part. */
  static final long TUS_THRESHOLD = 1 << 20;
  static final long TUS_CHUNK = 256 << 10;

  /**
   * A sender that uploads files of {@link #TUS_THRESHOLD} and more with TUS in chunks of {@link #TUS_CHUNK}.
   *
   * @param parts parallel parts (1: sequential)
   * @param checkpoints where it keeps its TUS checkpoints
   */
  static BrokerClient tusClient(String platformUrl, Maskinporten tokens, int parts, UploadCheckpointStore checkpoints) {
    return BrokerClient.builder().baseUrl(platformUrl).accessTokenProvider(tokens.forBroker()).roles(Role.SENDER)
        .retryPolicy(FAST).tusThreshold(TUS_THRESHOLD).tusChunkSize(TUS_CHUNK).tusParallelParts(parts)
        .uploadCheckpoints(checkpoints).build();
  }

  BrokerClient tusSender(int parts, UploadCheckpointStore checkpoints) {
    return tusClient(fake.platformUrl(), senderTokens, parts, checkpoints);
  }

  BrokerClient recipient() {
    return client(fake.platformUrl(), recipientTokens, Role.RECIPIENT);
  }

  BrokerClient sender() {
    return client(fake.platformUrl(), senderTokens, Role.SENDER);
  }

  static FileTransferInitialize request(String name) {
    return FileTransferInitialize.builder().resourceId(RESOURCE).fileName(name).sender(SENDER).recipient(RECIPIENT)
        .build();
  }

  static Path file(Path dir, String name, int size) throws IOException {
    byte[] b = new byte[size];
    new Random(name.hashCode()).nextBytes(b);
    return Files.write(dir.resolve(name), b);
  }

  /** Sends {@code n} files of {@code size} bytes and returns their ids once published. */
  List<UUID> publish(Path dir, int n, int size) throws IOException {
    UUID[] ids = new UUID[n];
    try (BrokerClient s = sender()) {
      for (int i = 0; i < n; i++) {
        Path f = file(dir, "f" + i + ".bin", size + i);
        ids[i] = s.send(request("f" + i + ".bin"), f).fileTransferId();
      }
      for (UUID id : ids) {
        s.awaitStatus(id, no.brokerclient.model.FileTransferStatus.PUBLISHED, Duration.ofSeconds(30));
      }
    }
    return List.of(ids);
  }

  /** @return confirm calls for the transfer in FakeAltinn's call log (any status) */
  long confirmCalls(UUID id) {
    String path = "/broker/api/v1/filetransfer/" + id + "/confirmdownload";
    return fake.calls().stream().filter(c -> c.method().equals("POST") && c.path().equals(path)).count();
  }

  /** A webhook receiver subscribed to the recipient's published events, feeding {@code listener}. */
  AutoCloseable webhook(BrokerEventListener listener) throws Exception {
    String secret = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
    WebhookHandler handler = WebhookHandler.builder().listener(listener).secret(secret).build();
    WebhookServer server = WebhookServer.start(new InetSocketAddress("127.0.0.1", 0), "/events", handler);
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
    try (EventsClient events = EventsClient.builder().accessTokenProvider(recipientTokens.forEvents())
        .platformUrl(fake.platformUrl()).build()) {
      events.ensure(EventSubscriptions.builder().platformUrl(fake.platformUrl()).resourceId(RESOURCE)
          .subject(RECIPIENT_ORG).endpoint(url).webhookSecret(secret).recipientEvents().build(), true);
    }
    return server::close;
  }

  BrokerEventPoller poller(BrokerClient recipient, BrokerEventListener listener) {
    return BrokerEventPoller.builder().client(recipient).resourceId(RESOURCE).organization(RECIPIENT_ORG)
        .role(EventRole.RECIPIENT).listener(listener).build();
  }

  @Override
  public void close() {
    senderTokens.close();
    recipientTokens.close();
    fake.close();
  }
}
