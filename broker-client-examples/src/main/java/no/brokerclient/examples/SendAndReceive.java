package no.brokerclient.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.SendOptions;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.auth.MaskinportenEnvironment;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.RecipientFileTransferStatus;

/**
 * Sends a file and, as the recipient, downloads and confirms every published transfer not yet downloaded.
 *
 * <p>Environment: either {@code MASKINPORTEN_CLIENT_ID}, {@code MASKINPORTEN_P12} (business certificate) and
 * {@code MASKINPORTEN_P12_PASSWORD} (TT02 with Maskinporten TEST), or {@code BROKER_TOKEN} (a ready token with
 * sender and recipient scopes); and {@code BROKER_RESOURCE}, {@code BROKER_SENDER}, {@code BROKER_RECIPIENT}, optional {@code BROKER_BASE_URL}
 * (default TT02) and {@code BROKER_SUBSCRIPTION_KEY}. Argument: the file to send.
 */
public final class SendAndReceive {
  private SendAndReceive() {}

  public static void main(String[] args) throws Exception {
    String resource = require("BROKER_RESOURCE");
    AccessTokenProvider tokens;
    Maskinporten maskinporten = null;
    if (System.getenv("MASKINPORTEN_CLIENT_ID") != null) {
      maskinporten = Maskinporten.builder()
          .environment(MaskinportenEnvironment.TEST)
          .clientId(require("MASKINPORTEN_CLIENT_ID"))
          .signer(GrantSigners.pkcs12(Path.of(require("MASKINPORTEN_P12")),
              require("MASKINPORTEN_P12_PASSWORD").toCharArray(), null, null))
          .altinnEnvironment(AltinnEnvironment.TT02)
          .build();
      tokens = maskinporten.forBroker();
    } else {
      tokens = AccessTokenProvider.fixed(require("BROKER_TOKEN"));
    }
    BrokerClient.Builder b = BrokerClient.builder()
        .accessTokenProvider(tokens)
        .roles(Role.SENDER, Role.RECIPIENT);
    String base = System.getenv("BROKER_BASE_URL");
    if (base != null) {
      b.baseUrl(base);
    } else {
      b.environment(AltinnEnvironment.TT02);
    }
    String key = System.getenv("BROKER_SUBSCRIPTION_KEY");
    if (key != null) {
      b.subscriptionKey(key);
    }
    try (BrokerClient broker = b.build()) {
      Path file = Path.of(args[0]);
      FileTransferOverview sent = broker.send(
          FileTransferInitialize.builder()
              .resourceId(resource)
              .fileName(file.getFileName().toString())
              .sender(require("BROKER_SENDER"))
              .recipient(require("BROKER_RECIPIENT"))
              .build(),
          file,
          SendOptions.builder()
              .awaitPublished(Duration.ofMinutes(10))
              .progressListener((done, total) -> System.out.printf("\rsent %,d of %,d bytes", done, total))
              .build());
      System.out.println("\nPublished: " + sent.fileTransferId());

      for (UUID id : broker.search(FileTransferSearch.builder(resource)
          .status(FileTransferStatus.PUBLISHED)
          .recipientStatus(RecipientFileTransferStatus.INITIALIZED)
          .build())) {
        Path target = Files.createTempDirectory("broker").resolve(id + ".bin");
        DownloadResult r = broker.download(id, target);
        broker.confirmDownload(id);
        System.out.println("Received " + r.size() + " bytes (MD5 " + r.md5() + ") to " + r.path());
      }
    } finally {
      if (maskinporten != null) {
        maskinporten.close();
      }
    }
  }

  private static String require(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("set the environment variable " + name);
    }
    return v;
  }
}
