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
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.RecipientFileTransferStatus;

/**
 * Sends a file and, as the recipient, downloads and confirms every published transfer not yet downloaded.
 *
 * <p>Environment: {@code BROKER_TOKEN} (an Altinn or Maskinporten token with sender and recipient scopes),
 * {@code BROKER_RESOURCE}, {@code BROKER_SENDER}, {@code BROKER_RECIPIENT}, optional {@code BROKER_BASE_URL}
 * (default TT02) and {@code BROKER_SUBSCRIPTION_KEY}. Argument: the file to send.
 */
public final class SendAndReceive {
  private SendAndReceive() {}

  public static void main(String[] args) throws Exception {
    String token = require("BROKER_TOKEN");
    String resource = require("BROKER_RESOURCE");
    BrokerClient.Builder b = BrokerClient.builder()
        .accessTokenProvider(AccessTokenProvider.fixed(token))
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
