package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import mockwebserver3.RecordedRequest;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.internal.Hex;
import no.brokerclient.internal.Json;
import no.brokerclient.model.FileTransferDetails;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.RecipientFileTransferStatus;
import no.brokerclient.model.SearchRole;
import no.brokerclient.model.UploadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTransferOperationsTest extends MockServerTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");

  @TempDir Path tmp;

  static FileTransferInitialize.Builder meta() {
    return FileTransferInitialize.builder()
        .resourceId("urn:altinn:resource:my-resource")
        .fileName("report.zip")
        .sendersFileTransferReference("archiveno-20425")
        .sender("urn:altinn:organization:identifier-no:991825827")
        .recipient("986252932")
        .property("caseNumber", "123");
  }

  static JsonNode tree(String json) throws Exception {
    return Json.MAPPER.readTree(json);
  }

  void assertCommonHeaders(RecordedRequest r, String accept) {
    assertEquals("Bearer " + tokens.current(), r.getHeaders().get("Authorization"));
    assertEquals(SUBSCRIPTION_KEY, r.getHeaders().get("Ocp-Apim-Subscription-Key"));
    assertEquals(accept, r.getHeaders().get("Accept"));
    assertTrue(r.getHeaders().get("User-Agent").startsWith("broker-client-java/"), r.getHeaders().get("User-Agent"));
  }

  @Test
  void initializeSendsExactJsonAndSenderScopes() throws Exception {
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    UUID id = client.initialize(meta().checksum("9e107d9d372bb6826bd81d3542a419d6").build());
    assertEquals(ID, id);
    RecordedRequest r = take();
    assertEquals("POST", r.getMethod());
    assertEquals("/broker/api/v1/filetransfer", r.getTarget());
    assertCommonHeaders(r, "application/json");
    assertTrue(r.getHeaders().get("Content-Type").startsWith("application/json"));
    assertEquals(tree("{\"fileName\":\"report.zip\",\"resourceId\":\"my-resource\","
        + "\"sendersFileTransferReference\":\"archiveno-20425\",\"sender\":\"0192:991825827\","
        + "\"recipients\":[\"0192:986252932\"],\"propertyList\":{\"caseNumber\":\"123\"},"
        + "\"checksum\":\"9e107d9d372bb6826bd81d3542a419d6\"}"), tree(r.getBody().utf8()));
    assertEquals(List.of(AltinnScopes.SENDER), tokens.requested);
  }

  @Test
  void initializeOmitsUnsetOptionalsAndGeneratesReference() throws Exception {
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    FileTransferInitialize m = FileTransferInitialize.builder().resourceId("r1").fileName("a.txt")
        .sender("991825827").recipient("986252932").disableVirusScan(true).build();
    client.initialize(m);
    JsonNode body = tree(take().getBody().utf8());
    assertFalse(body.has("checksum"));
    assertEquals(true, body.get("disableVirusScan").asBoolean());
    assertEquals(0, body.get("propertyList").size());
    assertEquals(m.sendersFileTransferReference(), body.get("sendersFileTransferReference").asText());
    UUID.fromString(body.get("sendersFileTransferReference").asText()); // a UUID when not given
  }

  @Test
  void uploadFromPathStreamsOctetStreamWithLength() throws Exception {
    byte[] data = "hello broker".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(tmp.resolve("f.bin"), data);
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    List<long[]> progress = new ArrayList<>();
    UploadResult result = client.upload(ID, file, (done, total) -> progress.add(new long[] {done, total}));
    RecordedRequest r = take();
    assertEquals("POST", r.getMethod());
    assertEquals("/broker/api/v1/filetransfer/" + ID + "/upload", r.getTarget());
    assertCommonHeaders(r, "application/json");
    assertEquals("application/octet-stream", r.getHeaders().get("Content-Type"));
    assertEquals(String.valueOf(data.length), r.getHeaders().get("Content-Length"));
    assertEquals("hello broker", r.getBody().utf8());
    assertEquals(Hex.md5(file), result.md5());
    assertEquals(data.length, result.size());
    assertEquals(data.length, progress.get(progress.size() - 1)[0]);
    assertEquals(data.length, progress.get(progress.size() - 1)[1]);
  }

  @Test
  void uploadFromStreamOfUnknownLengthIsChunkedAndNotClosed() throws Exception {
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    boolean[] closed = {false};
    ByteArrayInputStream in = new ByteArrayInputStream(new byte[200_000]) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    UploadResult result = client.upload(ID, in, -1, ProgressListener.NONE);
    RecordedRequest r = take();
    assertEquals("chunked", r.getHeaders().get("Transfer-Encoding"));
    assertNull(r.getHeaders().get("Content-Length"));
    assertEquals(200_000, r.getBodySize());
    assertEquals(200_000, result.size());
    assertFalse(closed[0], "the caller's stream must not be closed by the SDK");
  }

  @Test
  void uploadStreamShorterThanDeclaredLengthFails() {
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    assertThrows(BrokerIOException.class,
        () -> client.upload(ID, new ByteArrayInputStream(new byte[10]), 20, ProgressListener.NONE));
  }

  @Test
  void upload409WithOverviewShowingOurFileCountsAsSuccess() throws Exception {
    Path file = Files.write(tmp.resolve("f.bin"), new byte[] {1, 2, 3});
    server.enqueue(
        problem(409, "Conflict", "BRO-00004", "A file transfer has already been, or attempted to be, created."));
    server.enqueue(json(200, overviewJson(ID, "Published", Hex.md5(file), 3)));
    UploadResult r = client.upload(ID, file);
    assertEquals(Hex.md5(file), r.md5());
    take();
    assertEquals("/broker/api/v1/filetransfer/" + ID, take().getTarget());
  }

  @Test
  void upload409WithFailedTransferIsReportedAsConflict() throws Exception {
    Path file = Files.write(tmp.resolve("f.bin"), new byte[] {1, 2, 3});
    server.enqueue(problem(409, "Conflict", "BRO-00004", "already"));
    server.enqueue(json(200, overviewJson(ID, "Failed", null, 0)));
    BrokerConflictException e = assertThrows(BrokerConflictException.class, () -> client.upload(ID, file));
    assertEquals("BRO-00004", e.errorCode());
    assertTrue(e.getMessage().contains("Failed") && e.getMessage().contains("initialize a new file transfer"),
        e.getMessage());
  }

  @Test
  void upload409WithDifferentChecksumIsConflict() throws Exception {
    Path file = Files.write(tmp.resolve("f.bin"), new byte[] {1, 2, 3});
    server.enqueue(problem(409, "Conflict", "BRO-00004", "already"));
    server.enqueue(json(200, overviewJson(ID, "Published", "00000000000000000000000000000000", 3)));
    assertThrows(BrokerConflictException.class, () -> client.upload(ID, file));
  }

  @Test
  void initializeAndUploadSendsMultipartWithComputedChecksum() throws Exception {
    Path file = Files.write(tmp.resolve("f.bin"), "multipart-body".getBytes(StandardCharsets.UTF_8));
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    UUID id = client.initializeAndUpload(meta().recipient("0192:974760673").build(), file, ProgressListener.NONE);
    assertEquals(ID, id);
    RecordedRequest r = take();
    assertEquals("/broker/api/v1/filetransfer/upload", r.getTarget());
    assertTrue(r.getHeaders().get("Content-Type").startsWith("multipart/form-data; boundary="));
    String body = r.getBody().utf8();
    for (String part : List.of("name=\"Metadata.FileName\"", "name=\"Metadata.ResourceId\"",
        "name=\"Metadata.SendersFileTransferReference\"", "name=\"Metadata.Sender\"",
        "name=\"Metadata.PropertyList[caseNumber]\"", "name=\"Metadata.Checksum\"",
        "name=\"FileTransfer\"; filename=\"report.zip\"", "0192:991825827", "0192:986252932", "0192:974760673",
        Hex.md5(file), "multipart-body")) {
      assertTrue(body.contains(part), "multipart body lacks " + part);
    }
    assertEquals(2, body.split("name=\"Metadata.Recipients\"", -1).length - 1);
  }

  @Test
  void sendComputesMd5InitializesUploadsAndAwaitsPublished() throws Exception {
    Path file = Files.write(tmp.resolve("f.bin"), "payload".getBytes(StandardCharsets.UTF_8));
    String md5 = Hex.md5(file);
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    server.enqueue(json(200, "{\"fileTransferId\":\"" + ID + "\"}"));
    server.enqueue(json(200, overviewJson(ID, "UploadProcessing", md5, 7)));
    server.enqueue(json(200, overviewJson(ID, "Published", md5, 7)));
    FileTransferOverview o = client.send(meta().build(), file,
        SendOptions.builder().awaitPublished(Duration.ofMinutes(1)).build());
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus());
    assertEquals(md5, tree(take().getBody().utf8()).get("checksum").asText());
    assertEquals("payload", take().getBody().utf8());
    take();
    take();
    assertEquals(List.of(Duration.ofSeconds(1)), sleeps, "one poll interval between the two overviews");
  }

  @Test
  void sendRejectsChecksumThatDoesNotMatchFile() throws Exception {
    Path file = Files.write(tmp.resolve("f.bin"), new byte[] {1});
    BrokerValidationException e = assertThrows(BrokerValidationException.class,
        () -> client.send(meta().checksum("00000000000000000000000000000000").build(), file));
    assertEquals("checksum", e.field());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void overviewMapsEveryField() throws Exception {
    server.enqueue(json(200, overviewJson(ID, "Published", "9e107d9d372bb6826bd81d3542a419d6", 42)));
    FileTransferOverview o = client.getOverview(ID);
    RecordedRequest r = take();
    assertEquals("GET", r.getMethod());
    assertEquals("/broker/api/v1/filetransfer/" + ID, r.getTarget());
    assertCommonHeaders(r, "application/json");
    assertEquals(ID, o.fileTransferId());
    assertEquals("my-resource", o.resourceId());
    assertEquals("report.zip", o.fileName());
    assertEquals("ref-1", o.sendersFileTransferReference());
    assertEquals("9e107d9d372bb6826bd81d3542a419d6", o.checksum());
    assertTrue(o.useVirusScan());
    assertEquals(42, o.fileTransferSize());
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus());
    assertEquals("text for Published", o.fileTransferStatusText());
    assertEquals(Instant.parse("2026-08-01T10:15:30.123456Z"), o.fileTransferStatusChanged());
    assertEquals(Instant.parse("2026-08-01T10:00:00.000001Z"), o.created());
    assertEquals(Instant.parse("2026-08-31T10:00:00Z"), o.expirationTime());
    assertEquals("0192:991825827", o.sender());
    assertEquals(1, o.recipients().size());
    assertEquals(RecipientFileTransferStatus.INITIALIZED,
        o.recipient(OrganizationNumber.of("986252932")).currentRecipientFileTransferStatusCode());
    assertEquals("123", o.propertyList().get("caseNumber"));
    assertNull(o.published());
    assertEquals(List.of(AltinnScopes.SENDER), tokens.requested, "sender scopes when the client has both");
  }

  @Test
  void unknownEnumValuesAndExtraFieldsAreTolerated() {
    server.enqueue(json(200, overviewJson(ID, "Quarantined", null, 0).replace("\"published\":null",
        "\"published\":null,\"newField\":{\"x\":1}")
        .replace("\"currentRecipientFileTransferStatusCode\":\"Initialized\"",
        "\"currentRecipientFileTransferStatusCode\":\"Archived\"")));
    FileTransferOverview o = client.getOverview(ID);
    assertEquals("Quarantined", o.fileTransferStatus().value());
    assertFalse(o.fileTransferStatus().isKnown());
    assertFalse(o.recipients().get(0).currentRecipientFileTransferStatusCode().isKnown());
  }

  @Test
  void recipientOnlyClientUsesRecipientScopesForOverview() {
    try (BrokerClient recipient = builder().roles(Role.RECIPIENT).build()) {
      server.enqueue(json(200, overviewJson(ID, "Published", null, 0)));
      recipient.getOverview(ID);
      assertEquals(List.of(AltinnScopes.RECIPIENT), tokens.requested);
    }
  }

  @Test
  void detailsMapsHistories() throws Exception {
    String details = overviewJson(ID, "Published", null, 5).replace(",\"published\":null",
        ",\"fileTransferStatusHistory\":[{\"fileTransferStatus\":\"Initialized\",\"fileTransferStatusText\":"
            + "\"Ready for upload\",\"fileTransferStatusChanged\":\"2026-08-01T10:00:00+00:00\"},"
            + "{\"fileTransferStatus\":\"Published\",\"fileTransferStatusText\":\"Ready for download\","
            + "\"fileTransferStatusChanged\":\"2026-08-01T10:05:00+00:00\"}],"
            + "\"recipientFileTransferStatusHistory\":[{\"recipient\":\"0192:986252932\","
            + "\"recipientFileTransferStatusCode\":\"DownloadStarted\",\"recipientFileTransferStatusText\":\"x\","
            + "\"recipientFileTransferStatusChanged\":\"2026-08-01T10:06:00+00:00\"}]");
    server.enqueue(json(200, details));
    FileTransferDetails d = client.getDetails(ID);
    assertEquals("/broker/api/v1/filetransfer/" + ID + "/details", take().getTarget());
    assertEquals(2, d.fileTransferStatusHistory().size());
    assertEquals(FileTransferStatus.INITIALIZED, d.fileTransferStatusHistory().get(0).fileTransferStatus());
    assertEquals(RecipientFileTransferStatus.DOWNLOAD_STARTED,
        d.recipientFileTransferStatusHistory().get(0).recipientFileTransferStatusCode());
  }

  @Test
  void searchSendsEveryFilter() throws Exception {
    UUID a = UUID.randomUUID();
    server.enqueue(json(200, "[\"" + a + "\"]"));
    List<UUID> ids = client.search(FileTransferSearch.builder("my-resource")
        .status(FileTransferStatus.PUBLISHED)
        .recipientStatus(RecipientFileTransferStatus.INITIALIZED)
        .from(Instant.parse("2026-08-01T10:00:00Z"))
        .to(Instant.parse("2026-08-02T10:00:00.5Z"))
        .orderAscending(true)
        .role(SearchRole.RECIPIENT)
        .build());
    assertEquals(List.of(a), ids);
    RecordedRequest r = take();
    assertEquals("GET", r.getMethod());
    assertEquals("/broker/api/v1/filetransfer?resourceId=my-resource&status=Published&recipientStatus=Initialized"
        + "&from=2026-08-01T10:00:00Z&to=2026-08-02T10:00:00.500Z&orderAscending=true&role=Recipient", decoded(r));
  }

  @Test
  void searchWithOnlyResourceIdSendsOnlyResourceId() throws Exception {
    server.enqueue(json(200, "[]"));
    assertEquals(List.of(), client.search(FileTransferSearch.builder("my-resource").build()));
    assertEquals("/broker/api/v1/filetransfer?resourceId=my-resource", take().getTarget());
  }

  @Test
  void searchAllWalksPastTheHundredCapAndDedupesBoundary() throws Exception {
    List<UUID> first = IntStream.range(0, 100).mapToObj(i -> UUID.randomUUID()).collect(Collectors.toList());
    List<UUID> second = new ArrayList<>(first.subList(98, 100)); // boundary repeats
    IntStream.range(0, 30).forEach(i -> second.add(UUID.randomUUID()));
    server.enqueue(json(200, ids(first)));
    server.enqueue(json(200, overviewJson(first.get(99), "Published", null, 1)));
    server.enqueue(json(200, ids(second)));
    List<UUID> all;
    try (var s = client.searchAll(FileTransferSearch.builder("my-resource").role(SearchRole.SENDER).build())) {
      all = s.collect(Collectors.toList());
    }
    assertEquals(130, all.size());
    assertEquals(130, all.stream().distinct().count());
    assertEquals("/broker/api/v1/filetransfer?resourceId=my-resource&orderAscending=true&role=Sender",
        take().getTarget());
    take();
    // created = 2026-08-01T10:00:00.000001Z; next page starts one microsecond earlier
    assertEquals("/broker/api/v1/filetransfer?resourceId=my-resource&from=2026-08-01T10:00:00Z"
        + "&orderAscending=true&role=Sender", decoded(take()));
  }

  @Test
  void searchAllRejectsDescendingOrder() {
    assertThrows(BrokerValidationException.class, () -> client.searchAll(
        FileTransferSearch.builder("r").orderAscending(false).build()));
  }

  static String decoded(RecordedRequest r) {
    return r.getUrl().encodedPath() + "?" + r.getUrl().query();
  }

  static String ids(List<UUID> ids) {
    return ids.stream().map(u -> "\"" + u + "\"").collect(Collectors.joining(",", "[", "]"));
  }

  @Test
  void findInitializedMatchesReferenceAndFileName() throws Exception {
    FileTransferInitialize m = meta().sendersFileTransferReference("ref-1").build();
    UUID match = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    server.enqueue(json(200, ids(List.of(other, match))));
    server.enqueue(json(200, overviewJson(other, "Initialized", null, 0).replace("ref-1", "ref-2")));
    server.enqueue(json(200, overviewJson(match, "Initialized", null, 0)));
    List<FileTransferOverview> found = client.findInitialized(m, Instant.parse("2026-08-01T09:59:00Z"));
    assertEquals(List.of(match), found.stream().map(FileTransferOverview::fileTransferId).toList());
    assertEquals("/broker/api/v1/filetransfer?resourceId=my-resource&from=2026-08-01T09:59:00Z"
        + "&orderAscending=true&role=Sender", decoded(take()));
  }

  @Test
  void confirmDownloadPostsEmptyBodyAndAccepts204() throws Exception {
    server.enqueue(empty(204));
    client.confirmDownload(ID);
    RecordedRequest r = take();
    assertEquals("POST", r.getMethod());
    assertEquals("/broker/api/v1/filetransfer/" + ID + "/confirmdownload", r.getTarget());
    assertEquals(0, r.getBodySize());
    assertEquals(List.of(AltinnScopes.RECIPIENT), tokens.requested);
  }

  @Test
  void confirmDownloadAccepts200WithEmptyBody() {
    server.enqueue(empty(200));
    client.confirmDownload(ID);
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void repeatedConfirmAfterAllConfirmedIsSuccess() {
    server.enqueue(problem(400, "Bad Request", "BRO-00010", "A file transfer can only be confirmed..."));
    server.enqueue(json(200, overviewJson(ID, "AllConfirmedDownloaded", null, 1)));
    client.confirmDownload(ID);
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void confirmBeforeDownloadIsReported() {
    server.enqueue(problem(400, "Bad Request", "BRO-00019", "Cannot confirm before the files have been downloaded"));
    BrokerApiException e = assertThrows(BrokerApiException.class, () -> client.confirmDownload(ID));
    assertEquals("BRO-00019", e.errorCode());
    assertEquals(400, e.statusCode());
  }

  @Test
  void awaitStatusBacksOffAndStopsOnFailure() {
    server.enqueue(json(200, overviewJson(ID, "UploadStarted", null, 0)));
    server.enqueue(json(200, overviewJson(ID, "UploadProcessing", null, 0)));
    server.enqueue(json(200, overviewJson(ID, "UploadProcessing", null, 0)));
    server.enqueue(json(200, overviewJson(ID, "Failed", null, 0).replace("text for Failed", "Checksum mismatch")));
    FileTransferFailedException e = assertThrows(FileTransferFailedException.class,
        () -> client.awaitStatus(ID, FileTransferStatus.PUBLISHED, Duration.ofHours(1)));
    assertTrue(e.getMessage().contains("Checksum mismatch"));
    assertEquals(List.of(Duration.ofMillis(1000), Duration.ofMillis(1500), Duration.ofMillis(2250)), sleeps);
  }

  @Test
  void awaitStatusAcceptsLaterStatusOnTheHappyPath() {
    server.enqueue(json(200, overviewJson(ID, "AllConfirmedDownloaded", null, 0)));
    assertEquals(FileTransferStatus.ALL_CONFIRMED_DOWNLOADED,
        client.awaitStatus(ID, FileTransferStatus.PUBLISHED, Duration.ofMinutes(1)).fileTransferStatus());
  }

  @Test
  void awaitStatusTimesOutWithLastSeen() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    java.time.Clock clock = new java.time.Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now.get());
      }
    };
    try (BrokerClient c = builder().clock(clock).sleeper(d -> now.addAndGet(d.toMillis())).build()) {
      for (int i = 0; i < 10; i++) {
        server.enqueue(json(200, overviewJson(ID, "UploadProcessing", null, 0)));
      }
      BrokerTimeoutException e = assertThrows(BrokerTimeoutException.class,
          () -> c.awaitStatus(ID, FileTransferStatus.PUBLISHED, Duration.ofSeconds(3)));
      assertEquals(FileTransferStatus.UPLOAD_PROCESSING, e.lastSeen().fileTransferStatus());
      assertEquals(4, server.getRequestCount(), "polls at t=0, 1 s, 2.5 s and a last one at the 3 s deadline");
    }
  }
}
