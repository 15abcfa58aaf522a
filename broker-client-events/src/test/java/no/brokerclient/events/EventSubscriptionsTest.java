package no.brokerclient.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.internal.Json;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testing.CapturedLogs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventSubscriptionsTest {
  static final String SECRET = "s3cr3t-code-abcdefghijkl";

  @BeforeEach
  void clear() {
    CapturedLogs.clear();
  }

  static EventSubscriptions.Builder valid() {
    return EventSubscriptions.builder()
        .environment(AltinnEnvironment.TT02)
        .resourceId("my-broker-resource")
        .subject(OrganizationNumber.of("991825827"))
        .endpoint("https://receiver.example.no/altinn/events");
  }

  static String field(EventSubscriptions.Builder b) {
    return assertThrows(BrokerValidationException.class, b::build).field();
  }

  @Test
  void recipientPresetIsOnePublishedSubscriptionWithExactWireJson() throws Exception {
    List<SubscriptionRequest> r = valid().webhookSecret(SECRET).recipientEvents().build();
    assertEquals(1, r.size());
    assertEquals(Json.MAPPER.readTree("{\"endPoint\":\"https://receiver.example.no/altinn/events?code=" + SECRET + "\","
        + "\"resourceFilter\":\"urn:altinn:resource:my-broker-resource\","
        + "\"subjectFilter\":\"urn:altinn:organization:identifier-no:991825827\","
        + "\"typeFilter\":\"no.altinn.broker.published\"}"), Json.MAPPER.readTree(Json.write(r.get(0).toJson())));
  }

  @Test
  void senderPresetIsOneSubscriptionPerType() {
    List<SubscriptionRequest> r = valid().senderEvents().build();
    assertEquals(List.of("no.altinn.broker.filetransferinitialized", "no.altinn.broker.uploadprocessing",
        "no.altinn.broker.published", "no.altinn.broker.uploadfailed", "no.altinn.broker.downloadconfirmed",
        "no.altinn.broker.allconfirmeddownloaded"), r.stream().map(SubscriptionRequest::typeFilter).toList());
  }

  @Test
  void guidesCapitalPTypeIsNormalised() {
    List<SubscriptionRequest> r = valid().types("no.altinn.broker.Published", "no.altinn.broker.published").build();
    assertEquals(1, r.size(), "the same type twice is one subscription");
    assertEquals("no.altinn.broker.published", r.get(0).typeFilter());
  }

  @Test
  void noTypesWarnsButBuilds() {
    List<SubscriptionRequest> r = valid().build();
    assertEquals(1, r.size());
    assertNull(r.get(0).typeFilter());
    assertTrue(CapturedLogs.lines().stream().anyMatch(l -> l.startsWith("WARN") && l.contains("every event type")),
        CapturedLogs.lines().toString());
  }

  @Test
  void allTypesIsExplicitAndDoesNotWarn() {
    List<SubscriptionRequest> r = valid().allTypes().build();
    assertNull(r.get(0).typeFilter());
    assertFalse(CapturedLogs.lines().stream().anyMatch(l -> l.startsWith("WARN")));
    assertEquals("typeFilter", field(valid().allTypes().recipientEvents()));
  }

  @Test
  void noSourceFilterByDefaultAndNullsOmitted() {
    String json = Json.write(valid().recipientEvents().build().get(0).toJson());
    assertFalse(json.contains("\"sourceFilter\""), json);
    assertFalse(json.contains("null"), json);
    assertFalse(json.contains("includeSubunits"), json);
    assertFalse(json.contains("alternativeSubjectFilter"), json);
  }

  @Test
  void sourceFilterOnlyWhenOptedInAndDerivedFromEnvironment() {
    assertEquals("https://platform.tt02.altinn.no/broker/api/v1/filetransfer",
        valid().recipientEvents().sendSourceFilter().build().get(0).sourceFilter());
    assertEquals("https://platform.altinn.no/broker/api/v1/filetransfer",
        valid().environment(AltinnEnvironment.PRODUCTION).recipientEvents().sendSourceFilter().build().get(0)
            .sourceFilter());
    assertEquals("https://platform.tt02.altinn.no/broker/api/v1/file", valid().recipientEvents()
        .sourceFilter("https://platform.tt02.altinn.no/broker/api/v1/file").sendSourceFilter().build().get(0)
        .sourceFilter(), "the guide's older form is that environment's source too");
    assertNull(valid().recipientEvents().sourceFilter("https://platform.tt02.altinn.no/broker/api/v1/filetransfer")
        .build().get(0).sourceFilter(), "validated but not sent without sendSourceFilter()");
  }

  @Test
  void wrongEnvironmentSourceFilterIsRejected() {
    assertEquals("sourceFilter", field(valid().sourceFilter("https://platform.altinn.no/broker/api/v1/filetransfer")));
    assertEquals("sourceFilter", field(valid().sourceFilter("https://api.altinn.no/broker/api/v1/filetransfer")));
  }

  @Test
  void requiredSettings() {
    assertEquals("environment", field(EventSubscriptions.builder().resourceId("r")
        .subject(OrganizationNumber.of("991825827")).endpoint("https://x.example/e")));
    assertEquals("resourceFilter", field(valid().resourceId(null)));
    assertEquals("endPoint", field(valid().endpoint(null)));
    assertEquals("subjectFilter", field(EventSubscriptions.builder().environment(AltinnEnvironment.TT02)
        .resourceId("r").endpoint("https://x.example/e")));
  }

  @Test
  void serviceOwnerMayOmitSubject() {
    SubscriptionRequest r = EventSubscriptions.builder().environment(AltinnEnvironment.TT02).resourceId("r")
        .asServiceOwner().endpoint("https://x.example/e").recipientEvents().build().get(0);
    assertNull(r.subjectFilter());
  }

  @Test
  void resourceFilterMustBeALowerCaseUrn() {
    assertEquals("resourceFilter", field(valid().resourceId("My-Resource")));
    assertEquals("urn:altinn:resource:my-resource",
        valid().resourceId("urn:altinn:resource:my-resource").allTypes().build().get(0).resourceFilter());
  }

  @Test
  void endpointRules() {
    assertEquals("endPoint", field(valid().endpoint("http://receiver.example.no/events")));
    assertEquals("endPoint", field(valid().endpoint("/relative/path")));
    assertEquals("endPoint", field(valid().endpoint("ftp://receiver.example.no/x")));
    assertEquals("http://127.0.0.1:8080/events", valid().endpoint("http://127.0.0.1:8080/events").allTypes().build()
        .get(0).endPoint(), "http allowed on loopback for local tests");
    assertEquals("https://r.example/e?tenant=1&code=" + SECRET,
        valid().endpoint("https://r.example/e?tenant=1").webhookSecret(SECRET).allTypes().build().get(0).endPoint());
    assertThrows(BrokerValidationException.class, () -> valid().webhookSecret("short"));
  }

  @Test
  void includeSubunitsNeedsSubject() {
    assertEquals(true, valid().includeSubunits(true).allTypes().build().get(0).includeSubunits());
    assertEquals("includeSubunits", field(EventSubscriptions.builder().environment(AltinnEnvironment.TT02)
        .resourceId("r").asServiceOwner().endpoint("https://x.example/e").includeSubunits(true)));
  }

  @Test
  void secretNeverInToString() {
    SubscriptionRequest r = valid().webhookSecret(SECRET).recipientEvents().build().get(0);
    assertFalse(r.toString().contains(SECRET), r.toString());
    assertTrue(r.toString().contains("code=****"));
  }
}
