package no.brokerclient.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.internal.Json;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testkit.FakeAltinn;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake's server rules, probed with raw requests a careless client (or one following the prose docs) would send.
 */
class FakeAccessRulesTest {
  static final MediaType JSON = MediaType.get("application/json");
  FakeAltinn fake;
  Maskinporten owner;
  Maskinporten vendor;
  final OkHttpClient http = new OkHttpClient();

  @BeforeEach
  void start() throws IOException {
    fake = FakeAltinn.start();
    fake.resourceRegistry().serviceOwner("demo", "974760673");
    owner = Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId("owner")
        .signer(GrantSigners.jwk(fake.client("owner", "974760673", AccessScopes.SERVICE_OWNER.toArray(String[]::new))))
        .altinnPlatformUrl(fake.platformUrl()).build();
    vendor = Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId("vendor")
        .signer(GrantSigners.jwk(fake.client("vendor", "991825827", AccessScopes.VENDOR.toArray(String[]::new))))
        .altinnPlatformUrl(fake.platformUrl()).build();
  }

  @AfterEach
  void stop() {
    owner.close();
    vendor.close();
    fake.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  record Answer(int status, String body, String etag) {
    JsonNode json() throws IOException {
      return Json.MAPPER.readTree(body);
    }
  }

  /** A raw request with an exchanged token for every scope of the caller's client. */
  Answer send(Maskinporten caller, String method, String path, Object body, Map<String, String> headers)
      throws IOException {
    java.util.Set<String> scopes = caller == owner ? AccessScopes.SERVICE_OWNER : AccessScopes.VENDOR;
    Request.Builder b = new Request.Builder().url(fake.platformUrl() + path)
        .header("Authorization", "Bearer " + caller.altinnTokens().accessToken(scopes))
        .method(method, body == null ? null : RequestBody.create(Json.write(body), JSON));
    headers.forEach(b::header);
    try (Response r = http.newCall(b.build()).execute()) {
      return new Answer(r.code(), r.body().string(), r.header("ETag"));
    }
  }

  AltinnAccessClient client(Maskinporten mp) {
    return AltinnAccessClient.builder().platformUrl(fake.platformUrl()).maskinporten(mp).build();
  }

  @Test
  void moreThanHundredMembersInOneRequestIsRefused() throws IOException {
    try (AltinnAccessClient c = client(owner)) {
      c.accessLists().createOrUpdate("demo", "big", "Big", null);
    }
    List<String> urns = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      urns.add("urn:altinn:party:id:" + i);
    }
    Answer a = send(owner, "POST", "/resourceregistry/api/v1/access-lists/demo/big/members",
        Map.of("data", urns), Map.of());
    assertEquals(400, a.status());
    assertEquals("RR.VLD-00001", a.json().path("validationErrors").path(0).path("code").asText());
    Answer extra = send(owner, "POST", "/resourceregistry/api/v1/access-lists/demo/big/members",
        Map.of("data", List.of(), "members", List.of()), Map.of());
    assertEquals(400, extra.status(), "the members body must have exactly the property data");
  }

  @Test
  void strongEtagsAreRefusedAndWeakOnesCompared() throws IOException {
    Answer created = send(owner, "PUT", "/resourceregistry/api/v1/access-lists/demo/tags",
        Map.of("name", "Tags"), Map.of("If-None-Match", "*"));
    assertEquals(200, created.status(), "create answers 200, never 201");
    assertTrue(created.etag().startsWith("W/\""), created.etag());
    assertEquals(400, send(owner, "GET", "/resourceregistry/api/v1/access-lists/demo/tags", null,
        Map.of("If-None-Match", created.etag().substring(2))).status());
    assertEquals(304, send(owner, "GET", "/resourceregistry/api/v1/access-lists/demo/tags", null,
        Map.of("If-None-Match", created.etag())).status());
    assertEquals(412, send(owner, "PUT", "/resourceregistry/api/v1/access-lists/demo/tags",
        Map.of("name", "Again"), Map.of("If-None-Match", "*")).status());
  }

  @Test
  void theNextLinkOfListsDropsResourceAndMisspellsInclude() throws IOException {
    try (AltinnAccessClient c = client(owner)) {
      for (int i = 0; i < 21; i++) {
        c.accessLists().createOrUpdate("demo", "list-" + (100 + i), "L", null);
      }
    }
    Answer page = send(owner, "GET",
        "/resourceregistry/api/v1/access-lists/demo?include=resources&resource=x-resource", null, Map.of());
    String next = page.json().path("links").path("next").asText();
    assertTrue(next.contains("includes=resources") && !next.contains("resource=x-resource"), next);
  }

  @Test
  void externalReferenceAsInAltinnsExamplesIsSilentlyIgnored() throws IOException {
    try (AltinnAccessClient o = client(owner); AltinnAccessClient v = client(vendor)) {
      LocalizedText t = LocalizedText.of("Demo", "Demo", "Demo");
      o.resources().createOrUpdate(BrokerServiceResource.builder("demo-res", OrganizationNumber.of("974760673"),
          "demo").title(t).description(t).rightDescription(t).build());
      v.systemUsers().registerSystem(SystemRegistration.builder(OrganizationNumber.of("991825827"), "demo")
          .name(t).description(t).resource("demo-res").clientId("vendor").build());
    }
    Map<String, Object> docsBody = Map.of("systemId", "991825827_demo", "partyOrgNo", "313776735",
        "externalReference", "customer-1", "rights", List.of(Map.of("resource", List.of(Map.of("id",
            "urn:altinn:resource", "value", "demo-res")))));
    Answer a = send(vendor, "POST", "/authentication/api/v1/systemuser/request/vendor", docsBody,
        Map.of());
    assertEquals(201, a.status(), a.body());
    assertEquals("313776735", a.json().path("externalRef").asText(), "defaulted to the organisation number");
  }
}
