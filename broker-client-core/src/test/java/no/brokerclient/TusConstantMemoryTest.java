package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.internal.Hex;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testing.ChildJvm;
import no.brokerclient.testing.GeneratedStream;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that TUS uploads take constant memory: a child JVM limited to 64 MiB of heap sends 2 GiB in 4 parallel
 * parts of 8 MiB chunks to FakeAltinn, whose check of the initialize MD5 over the joined parts publishes it.
 */
@Tag("slow")
class TusConstantMemoryTest {
  static final long SIZE = 2L << 30;

  @TempDir Path work;

  @Test
  void twoGibibytesInFourPartsIn64MegabytesOfHeap() throws Exception {
    Path file = work.resolve("two-gib.bin");
    try (OutputStream out = Files.newOutputStream(file); GeneratedStream in = new GeneratedStream(SIZE, 33)) {
      in.transferTo(out);
    }
    String md5 = Hex.md5(file);
    try (FakeAltinn fake = FakeAltinn.start();
        Maskinporten tokens = Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId("big-sender")
            .signer(GrantSigners.jwk(fake.client("big-sender", "991825827", "altinn:authorization:pdp",
                "altinn:broker.write"))).altinnPlatformUrl(fake.platformUrl()).build();
        BrokerClient sender = BrokerClient.builder().baseUrl(fake.platformUrl())
            .accessTokenProvider(tokens.forBroker()).roles(Role.SENDER).build()) {
      fake.resource("big-resource", "974760673", "991825827", "986252932");
      fake.virusScanDelay(Duration.ofMillis(10));
      UUID id = sender.initialize(FileTransferInitialize.builder().resourceId("big-resource").fileName("two-gib.bin")
          .sender(OrganizationNumber.of("991825827")).recipient(OrganizationNumber.of("986252932")).checksum(md5)
          .build());
      String token = tokens.forBroker().accessToken(AltinnScopes.SENDER);
      Map<String, String> seen = ChildJvm.run(TusConstantMemoryMain.class, "64m", Duration.ofMinutes(8), "tus-md5=",
          fake.platformUrl(), token, id.toString(), file.toString(), "4", Long.toString(8L << 20));
      System.out.println("TusConstantMemoryTest child: " + seen);
      assertEquals(md5, seen.get("tus-md5"), "Broker's MD5 of the joined parts");
      assertEquals(SIZE, fake.tus().bytesReceived(id), "every byte sent once");
      assertEquals(4, fake.tus().partCount(id));
      assertEquals(FileTransferStatus.PUBLISHED, sender.awaitStatus(id, FileTransferStatus.PUBLISHED,
          Duration.ofMinutes(2)).fileTransferStatus());
      assertTrue(Long.parseLong(seen.get("max-heap")) <= 64L << 20, "child really ran with a 64 MiB heap");
      assertTrue(Long.parseLong(seen.get("peak-heap")) < SIZE / 32, "peak heap far below the transfer size");
    }
  }
}
