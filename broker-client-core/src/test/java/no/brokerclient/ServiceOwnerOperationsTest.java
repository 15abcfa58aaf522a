package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.internal.Json;
import no.brokerclient.model.MonthlyStatisticsRequest;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.ResourceSettings;
import no.brokerclient.model.ResourceSettingsUpdate;
import no.brokerclient.model.ServiceOwner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceOwnerOperationsTest extends MockServerTest {
  @TempDir Path dir;

  @Test
  void updateResourceSendsOnlySetFieldsWithIsoDurations() throws Exception {
    server.enqueue(empty(204));
    client.serviceOwner().updateResource("urn:altinn:resource:my-resource", ResourceSettingsUpdate.builder()
        .maxFileTransferSize(2_147_483_648L)
        .fileTransferTimeToLive(Duration.ofDays(30))
        .purgeFileTransferGracePeriod(Duration.ofHours(2).plusMinutes(30))
        .purgeFileTransferAfterAllRecipientsConfirmed(true)
        .requiredParty(OrganizationNumber.of("0192:991825827"))
        .build());
    RecordedRequest r = take();
    assertEquals("PUT", r.getMethod());
    assertEquals("/broker/api/v1/resource/my-resource", r.getTarget());
    assertEquals("application/json", r.getHeaders().get("Accept"));
    assertTrue(r.getHeaders().get("Content-Type").startsWith("application/json"));
    assertEquals(Json.MAPPER.readTree("{\"maxFileTransferSize\":2147483648,\"fileTransferTimeToLive\":\"P30D\","
        + "\"purgeFileTransferAfterAllRecipientsConfirmed\":true,\"purgeFileTransferGracePeriod\":\"PT2H30M\","
        + "\"requiredParty\":\"991825827\"}"), Json.MAPPER.readTree(r.getBody().utf8()));
    assertEquals(List.of(AltinnScopes.SERVICE_OWNER), tokens.requested);
  }

  @Test
  void updateResourceAccepts200() {
    server.enqueue(empty(200));
    client.serviceOwner().updateResource("my-resource",
        ResourceSettingsUpdate.builder().fileTransferTimeToLive(Duration.ofDays(1)).build());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void resourceUpdateLimitsAreCheckedLocally() {
    assertThrows(BrokerValidationException.class,
        () -> ResourceSettingsUpdate.builder().fileTransferTimeToLive(Duration.ofDays(366)).build());
    assertThrows(BrokerValidationException.class,
        () -> ResourceSettingsUpdate.builder().purgeFileTransferGracePeriod(Duration.ofHours(25)).build());
    assertThrows(BrokerValidationException.class,
        () -> ResourceSettingsUpdate.builder().maxFileTransferSize(0).build());
    assertThrows(BrokerValidationException.class,
        () -> ResourceSettingsUpdate.builder().maxFileTransferSize(1_677_721_600_001L).build());
    BrokerValidationException e = assertThrows(BrokerValidationException.class,
        () -> ResourceSettingsUpdate.builder().manifestFileShim(true, "4711", 0).build());
    assertEquals("externalServiceEditionCodeLegacy", e.field());
  }

  @Test
  void getResourceParsesDotNetTimeSpans() throws Exception {
    server.enqueue(json(200, "{\"maxFileTransferSize\":2147483648,\"fileTransferTimeToLive\":\"30.00:00:00\","
        + "\"purgeFileTransferAfterAllRecipientsConfirmed\":true,\"purgeFileTransferGracePeriod\":\"02:00:00\","
        + "\"useManifestFileShim\":false,\"externalServiceCodeLegacy\":null,\"externalServiceEditionCodeLegacy\":null,"
        + "\"requiredParty\":null}"));
    ResourceSettings s = client.serviceOwner().getResource("my-resource");
    assertEquals("/broker/api/v1/resource/my-resource", take().getTarget());
    assertEquals(2_147_483_648L, s.maxFileTransferSize());
    assertEquals(Duration.ofDays(30), s.fileTransferTimeToLive());
    assertEquals(Duration.ofHours(2), s.purgeFileTransferGracePeriod());
    assertEquals(true, s.purgeFileTransferAfterAllRecipientsConfirmed());
    assertEquals(false, s.useManifestFileShim());
    assertNull(s.externalServiceEditionCodeLegacy());
    assertNull(s.requiredParty());
  }

  @Test
  void getResourceReadsEveryFieldWithJacksonIncludingFractionalTimeSpansAndIso() {
    server.enqueue(json(200, "{\"maxFileTransferSize\":\"1048576\",\"fileTransferTimeToLive\":\"1.02:03:04.5000000\","
        + "\"purgeFileTransferAfterAllRecipientsConfirmed\":false,\"purgeFileTransferGracePeriod\":\"PT1H30M\","
        + "\"useManifestFileShim\":true,\"externalServiceCodeLegacy\":\"4711\",\"externalServiceEditionCodeLegacy\":2,"
        + "\"requiredParty\":\"991825827\",\"somethingNew\":[1,2]}"));
    ResourceSettings s = client.serviceOwner().getResource("my-resource");
    assertEquals(new ResourceSettings(1_048_576L, Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4)
        .plusMillis(500), false, Duration.ofMinutes(90), true, "4711", 2, "991825827"), s);
    server.enqueue(json(200, "{}"));
    assertEquals(new ResourceSettings(null, null, null, null, null, null, null, null),
        client.serviceOwner().getResource("my-resource"), "absent fields are null, not defaults");
  }

  @Test
  void getResourceRejectsUnreadableDurationsAndShapesAsInvalidResponses() {
    for (String body : List.of("{\"fileTransferTimeToLive\":\"thirty days\"}", "{\"purgeFileTransferGracePeriod\":7}",
        "[]", "\"settings\"", "{\"maxFileTransferSize\":12.5}")) {
      server.enqueue(json(200, body));
      assertThrows(BrokerInvalidResponseException.class, () -> client.serviceOwner().getResource("my-resource"),
          body);
    }
  }

  @Test
  void resourceNotConfiguredIsTyped() {
    server.enqueue(problem(400, "Bad Request", "BRO-00025", "The resource has not been configured."));
    BrokerApiException e = assertThrows(BrokerApiException.class,
        () -> client.serviceOwner().getResource("my-resource"));
    assertEquals("BRO-00025", e.errorCode());
  }

  @Test
  void registerServiceOwnerPostsNameAndIsNotRetried() throws Exception {
    server.enqueue(empty(200));
    client.serviceOwner().registerServiceOwner("Digdir");
    RecordedRequest r = take();
    assertEquals("POST", r.getMethod());
    assertEquals("/broker/api/v1/serviceowner", r.getTarget());
    assertEquals("{\"name\":\"Digdir\"}", r.getBody().utf8());

    server.enqueue(problem(409, "Conflict", "BRO-07002", "Service owner already exists"));
    BrokerConflictException e =
        assertThrows(BrokerConflictException.class, () -> client.serviceOwner().registerServiceOwner("Digdir"));
    assertEquals("BRO-07002", e.errorCode());
    server.enqueue(empty(502));
    assertThrows(BrokerServerException.class, () -> client.serviceOwner().registerServiceOwner("Digdir"));
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void getServiceOwnerMapsStorageProviders() throws Exception {
    server.enqueue(json(200, "{\"name\":\"Digdir\",\"storageProviders\":[{\"type\":\"AltinnAzure\","
        + "\"deploymentStatus\":\"Ready\",\"deploymentEnvironment\":\"Staging\"},"
        + "{\"type\":\"AltinnAzureWithoutVirusScan\","
        + "\"deploymentStatus\":\"DeployingResources\",\"deploymentEnvironment\":\"Staging\"}]}"));
    ServiceOwner o = client.serviceOwner().getServiceOwner();
    assertEquals("GET", take().getMethod());
    assertEquals("Digdir", o.name());
    assertEquals(2, o.storageProviders().size());
    assertTrue(o.storageProviders().get(0).isReady());
    assertEquals("AltinnAzureWithoutVirusScan", o.storageProviders().get(1).type());
  }

  @Test
  void monthlyStatisticsStreamsCsv() throws Exception {
    String csv = "year,month,resourceId,senderVendor,recipientVendor,sender,recipient,totalFileTransfers,uploadCount,"
        + "totalTransferDownloadAttempts,transfersWithDownloadConfirmed\n"
        + "2026,7,my-resource,,,991825827,986252932,3,3,4,3\n";
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/csv").body(csv).build());
    MonthlyStatisticsRequest req = MonthlyStatisticsRequest.builder(YearMonth.of(2026, 7)).resourceId("my-resource")
        .includeVendor(true).build();
    try (InputStream in = client.serviceOwner().openMonthlyStatistics(req)) {
      assertEquals(csv, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    RecordedRequest r = take();
    assertEquals("/broker/api/v1/statistics/monthly?year=2026&month=7&resourceId=my-resource&includeEndUser=true"
        + "&includeVendor=true", r.getTarget());
    assertEquals("text/csv", r.getHeaders().get("Accept"));

    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/csv").body(csv).build());
    Path target = dir.resolve("stats.csv");
    assertEquals(csv.length(), client.serviceOwner().downloadMonthlyStatistics(req, target));
    assertEquals(csv, Files.readString(target));
  }

  @Test
  void statisticsRequestValidation() {
    assertThrows(BrokerValidationException.class, () -> MonthlyStatisticsRequest.builder(YearMonth.of(2026, 1))
        .includeEndUser(false).includeVendor(false).build());
    assertThrows(BrokerValidationException.class, () -> MonthlyStatisticsRequest.builder(null).build());
  }

  @Test
  void serviceOwnerNameRequired() {
    assertThrows(BrokerValidationException.class, () -> client.serviceOwner().registerServiceOwner(" "));
    assertEquals(0, server.getRequestCount());
  }

}
