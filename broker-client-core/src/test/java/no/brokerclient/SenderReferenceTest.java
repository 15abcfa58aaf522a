package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import no.brokerclient.internal.Json;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a crash between initialize and the caller learning the transfer id, only {@code
 * sendersFileTransferReference} finds the transfer again. The generated reference is on the built request, before
 * any call, so a caller can persist it before the first byte; it is the one sent; and {@link
 * BrokerClient#findInitialized} finds the transfer from a request rebuilt with it.
 */
class SenderReferenceTest extends MockServerTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");

  @TempDir Path dir;

  static FileTransferInitialize.Builder meta() {
    return FileTransferInitialize.builder().resourceId("my-resource").fileName("report.zip").sender("991825827")
        .recipient("986252932");
  }

  String sentReference() throws Exception {
    return Json.MAPPER.readTree(take().getBody().utf8()).get("sendersFileTransferReference").asText();
  }

  @Test
  void theGeneratedReferenceIsReadableBeforeAnyCallAndIsTheOneSent() throws Exception {
    FileTransferInitialize m = meta().build();
    String ref = m.sendersFileTransferReference();
    assertEquals(ref, UUID.fromString(ref).toString(), "a random UUID");
    assertEquals(0, server.getRequestCount(), "known before any call");
    assertEquals(ref, m.withChecksum("9e107d9d372bb6826bd81d3542a419d6").sendersFileTransferReference());
    assertEquals(ref, m.toBuilder().build().sendersFileTransferReference());
    assertNotEquals(ref, meta().build().sendersFileTransferReference(), "every build generates its own");
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    client.initialize(m);
    assertEquals(ref, sentReference());
  }

  @Test
  void sendSendsTheReferenceOfTheRequestItWasGiven() throws Exception {
    Path file = Files.writeString(dir.resolve("report.zip"), "payload");
    FileTransferInitialize m = meta().build();
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    server.enqueue(json(200, overviewJson(ID, "UploadProcessing", null, 7)));
    client.send(m, file);
    assertEquals(m.sendersFileTransferReference(), sentReference());
  }

  @Test
  void aSenderThatLostTheInitializeAnswerFindsTheTransferFromThePersistedReference() throws Exception {
    Instant since = Instant.parse("2026-08-01T09:59:00Z");
    String persisted = meta().build().sendersFileTransferReference(); // saved before the first call
    // The server creates the transfer, but the answer never arrives (or the process dies before reading it).
    server.enqueue(new MockResponse.Builder().code(200).body("{\"fileTransferId\":\"" + ID + "\"}")
        .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    BrokerIOException lost = assertThrows(BrokerIOException.class,
        () -> client.initialize(meta().sendersFileTransferReference(persisted).build()));
    assertTrue(lost.requestMayHaveBeenSent());
    take();

    // After a restart: rebuild the request with the persisted reference and reconcile.
    FileTransferInitialize again = meta().sendersFileTransferReference(persisted).build();
    UUID stranger = UUID.randomUUID();
    server.enqueue(json(200, "[\"" + stranger + "\",\"" + ID + "\"]"));
    server.enqueue(json(200, overviewJson(stranger, "Initialized", null, 0).replace("ref-1", "someone-else")));
    server.enqueue(json(200, overviewJson(ID, "Initialized", null, 0).replace("ref-1", persisted)));
    List<FileTransferOverview> found = client.findInitialized(again, since);
    assertEquals(List.of(ID), found.stream().map(FileTransferOverview::fileTransferId).toList());
  }
}
