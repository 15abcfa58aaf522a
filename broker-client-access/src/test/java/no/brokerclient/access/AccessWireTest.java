package no.brokerclient.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import no.brokerclient.BrokerAccessDeniedException;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerInvalidResponseException;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.RetryPolicy;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.internal.Json;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testing.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Wire details of the Resource Registry and Authentication calls, against recorded requests. */
class AccessWireTest {
  static final String TOKEN = "secret-token-value";
  static final String LIST = "/resourceregistry/api/v1/access-lists/ttd/approved-senders";
  static final String ETAG = "W/\"eyJ2ZXJzaW9uIjoiNSJ9\"";

  MockWebServer server;
  AltinnAccessClient client;
  final List<Set<String>> scopes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(0);
    AccessTokenProvider tokens = s -> {
      scopes.add(s);
      return TOKEN;
    };
    client = AltinnAccessClient.builder().platformUrl(server.url("/").toString()).accessTokenProvider(tokens)
        .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO)
            .build())
        .build();
    CapturedLogs.clear();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  static MockResponse json(int code, String body, String etag) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
        .addHeader("ETag", etag).body(body).build();
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  static String list(String id) {
    return "{\"urn\":\"urn:altinn:access-list:ttd:" + id + "\",\"identifier\":\"" + id + "\",\"name\":\"Godkjente\","
        + "\"description\":\"\",\"createdAt\":\"2026-08-01T10:15:30.123+00:00\","
        + "\"updatedAt\":\"2026-08-01T10:15:30.123+00:00\"}";
  }

  static String problem(int status, String code, String... validationCodes) {
    StringBuilder v = new StringBuilder();
    for (String c : validationCodes) {
      v.append(v.length() == 0 ? "" : ",").append("{\"code\":\"").append(c).append("\",\"title\":\"t\",\"paths\":[]}");
    }
    return "{\"type\":\"about:blank\",\"title\":\"Bad\",\"status\":" + status + ",\"code\":\"" + code + "\""
        + (validationCodes.length > 0 ? ",\"validationErrors\":[" + v + "]" : "") + "}";
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no request");
    }
    return r;
  }

  static JsonNode body(RecordedRequest r) throws Exception {
    return Json.MAPPER.readTree(r.getBody().utf8());
  }

  @Test
  void createIsCreateOnlyWithIfNoneMatchStarAnd412IsAlreadyExists() throws Exception {
    server.enqueue(json(200, list("approved-senders"), ETAG));
    AccessList created = client.accessLists().create("ttd", "approved-senders", "Godkjente", "Senders");
    assertEquals(new Version(ETAG), created.version());
    assertEquals("urn:altinn:access-list:ttd:approved-senders", created.urn());
    RecordedRequest r = take();
    assertEquals("PUT", r.getMethod());
    assertEquals(LIST, r.getTarget());
    assertEquals("*", r.getHeaders().get("If-None-Match"));
    assertEquals("Bearer " + TOKEN, r.getHeaders().get("Authorization"));
    assertEquals(Json.MAPPER.readTree("{\"name\":\"Godkjente\",\"description\":\"Senders\"}"), body(r));
    assertEquals(Set.of(AccessScopes.ACCESS_LIST_WRITE), scopes.get(0));

    server.enqueue(status(412));
    AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
        () -> client.accessLists().create("ttd", "approved-senders", "Godkjente", null));
    assertEquals(412, e.statusCode());
    take();
    assertEquals(2, server.getRequestCount(), "a 412 is never retried");
  }

  @Test
  void updateSendsTheEtagExactlyInIfMatchAnd412IsAConflict() throws Exception {
    server.enqueue(status(412));
    assertThrows(VersionConflictException.class, () -> client.accessLists().update("ttd", "approved-senders",
        "New name", null, new Version(ETAG)));
    RecordedRequest r = take();
    assertEquals(ETAG, r.getHeaders().get("If-Match"));
    assertNull(r.getHeaders().get("If-None-Match"));
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void getIfChangedSendsIfNoneMatchAnd304MeansUnchanged() throws Exception {
    server.enqueue(new MockResponse.Builder().code(304).addHeader("ETag", ETAG).build());
    assertTrue(client.accessLists().getIfChanged("ttd", "approved-senders", new Version(ETAG)).isEmpty());
    RecordedRequest r = take();
    assertEquals("GET", r.getMethod());
    assertEquals(ETAG, r.getHeaders().get("If-None-Match"));
    assertEquals(Set.of(AccessScopes.ACCESS_LIST_READ), scopes.get(0));
  }

  @Test
  void membersAreChunkedByHundredWithOnlyTheDataProperty() throws Exception {
    List<Party> parties = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      parties.add(Party.id(50_000_000 + i));
    }
    parties.add(Party.id(50_000_000)); // a duplicate, sent once
    for (int i = 1; i <= 3; i++) {
      server.enqueue(json(200, "{\"links\":{},\"data\":[]}", "W/\"v" + i + "\""));
    }
    MembershipChange c = client.accessLists().addMembers("ttd", "approved-senders", parties);
    assertEquals(250, c.requested());
    assertEquals(3, c.requests());
    assertEquals(new Version("W/\"v3\""), c.version());
    int[] sizes = {100, 100, 50};
    for (int size : sizes) {
      RecordedRequest r = take();
      assertEquals("POST", r.getMethod());
      assertEquals(LIST + "/members", r.getTarget());
      JsonNode b = body(r);
      assertEquals(List.of("data"), iterator(b));
      assertEquals(size, b.get("data").size());
    }
  }

  static List<String> iterator(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void replaceMembersIsOnePutOfAtMostHundred() throws Exception {
    List<Party> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add(Party.id(i));
    }
    assertThrows(BrokerValidationException.class, () -> client.accessLists().replaceMembers("ttd",
        "approved-senders", many));
    assertEquals(0, server.getRequestCount());
    server.enqueue(json(400, problem(400, "RR-00001")));
    UnknownPartiesException e = assertThrows(UnknownPartiesException.class, () -> client.accessLists()
        .replaceMembers("ttd", "approved-senders", many.subList(0, 3)));
    assertEquals(3, e.unknown().size());
    assertEquals(1, server.getRequestCount(), "a PUT is not resolved one by one: each would replace the list");
    assertEquals("PUT", take().getMethod());
  }

  @Test
  void findRequestUsesByExternalRefWithTheReadScope() throws Exception {
    server.enqueue(json(200, request(REQ1, "New", "acme-broker")));
    assertEquals(REQ1, client.systemUsers().findRequest("991825827_acme-broker", OrganizationNumber.of("313776735"),
        "customer-1").orElseThrow().id().toString());
    assertEquals("/authentication/api/v1/systemuser/request/vendor/byexternalref/991825827_acme-broker/313776735/"
        + "customer-1", take().getTarget());
    assertEquals(Set.of(AccessScopes.SYSTEM_USER_REQUEST_READ), scopes.get(0));
    server.enqueue(json(404, problem(404, "AUTH-00010")));
    assertTrue(client.systemUsers().findRequest("991825827_acme-broker", OrganizationNumber.of("313776735"), null)
        .isEmpty());
  }

  @Test
  void removeMembersIsADeleteWithAJsonBodyOfTypedParties() throws Exception {
    server.enqueue(json(200, "{\"links\":{},\"data\":[]}", ETAG));
    java.util.UUID uuid = java.util.UUID.fromString("e458014d-4d4f-49a1-96d5-a869d95e8715");
    client.accessLists().removeMembers("ttd", "approved-senders",
        List.of(Party.organization("313776735"), Party.uuid(uuid), Party.id(50012345)));
    RecordedRequest r = take();
    assertEquals("DELETE", r.getMethod());
    assertTrue(r.getHeaders().get("Content-Type").startsWith("application/json"));
    assertEquals(Json.MAPPER.readTree("{\"data\":[\"urn:altinn:organization:identifier-no:313776735\","
        + "\"urn:altinn:party:uuid:e458014d-4d4f-49a1-96d5-a869d95e8715\",\"urn:altinn:party:id:50012345\"]}"),
        body(r));
  }

  @Test
  void unknownOrganisationErrorIsResolvedToTheOffendingNumbers() throws Exception {
    server.enqueue(json(400, problem(400, "RR-00001")));
    server.enqueue(json(200, "{\"links\":{},\"data\":[]}", ETAG)); // 313776735 alone
    server.enqueue(json(400, problem(400, "RR-00001"))); // 986252932 alone
    server.enqueue(json(200, "{\"links\":{},\"data\":[]}", ETAG)); // 991825827 alone
    UnknownPartiesException e = assertThrows(UnknownPartiesException.class, () -> client.accessLists()
        .addMembers("ttd", "approved-senders", List.of(Party.organization("313776735"),
            Party.organization("986252932"), Party.organization("991825827"))));
    assertEquals(List.of(Party.organization("986252932")), e.unknown());
    assertTrue(e.getMessage().contains("986252932"), e.getMessage());
    assertEquals(4, server.getRequestCount());
    take();
    assertEquals(1, body(take()).get("data").size());
  }

  @Test
  void nextLinkBugIncludeAndResourceAreAddedBackAndTheHostIsRebased() throws Exception {
    // The server builds the next link with "includes" and without "resource", and from its own host name.
    server.enqueue(json(200, "{\"links\":{\"next\":\"https://platform.tt02.altinn.no/resourceregistry/api/v1/"
        + "access-lists/ttd?token=abc&includes=resource-actions\"},\"data\":[" + list("a-list") + "]}"));
    server.enqueue(json(200, "{\"links\":{},\"data\":[" + list("b-list").replace("}", ",\"resourceConnections\":"
        + "[{\"resourceIdentifier\":\"acme-broker\",\"actionFilters\":[\"read\"]}]}") + "]}"));
    List<AccessList> lists = client.accessLists().listForResource("ttd", "acme-broker");
    assertEquals(2, lists.size());
    assertEquals(Set.of(AccessAction.READ), lists.get(1).connections().get(0).actions());
    assertEquals("/resourceregistry/api/v1/access-lists/ttd?include=resource-actions&resource=acme-broker",
        take().getTarget());
    RecordedRequest second = take();
    assertEquals("/resourceregistry/api/v1/access-lists/ttd?token=abc&include=resource-actions&resource=acme-broker",
        second.getTarget());
    assertEquals("Bearer " + TOKEN, second.getHeaders().get("Authorization"), "sent to the configured host only");
  }

  @Test
  void membersRestartFromThFirstPageWhenTheListChangesWhileIterating() throws Exception {
    String member = "{\"id\":\"urn:altinn:party:uuid:e458014d-4d4f-49a1-96d5-a869d95e8715\",\"since\":"
        + "\"2026-08-01T10:15:30.123+00:00\",\"identifiers\":{\"urn:altinn:party:uuid\":"
        + "\"e458014d-4d4f-49a1-96d5-a869d95e8715\",\"urn:altinn:party:id\":50012345,"
        + "\"urn:altinn:organization:identifier-no\":\"313776735\"}}";
    String next = "{\"links\":{\"next\":\"/resourceregistry/api/v1/access-lists/ttd/approved-senders/members?token=t"
        + "\"},\"data\":[" + member + "]}";
    server.enqueue(json(200, next));
    server.enqueue(status(412));
    server.enqueue(json(200, next));
    server.enqueue(json(200, "{\"links\":{},\"data\":[]}"));
    List<Membership> members = client.accessLists().members("ttd", "approved-senders");
    assertEquals(1, members.size(), "no duplicates from the abandoned pass");
    assertEquals("313776735", members.get(0).organizationNumber());
    assertEquals(50012345L, members.get(0).partyId());
    assertEquals(4, server.getRequestCount());
  }

  @Test
  void connectSendsActionFiltersAndWarnsWhenAccessListModeIsNotEnabled() throws Exception {
    server.enqueue(json(200, "{\"identifier\":\"acme-broker\",\"resourceType\":\"BrokerService\","
        + "\"accessListMode\":\"Disabled\",\"hasCompetentAuthority\":{\"orgcode\":\"ttd\"}}"));
    server.enqueue(json(200, "{\"resourceIdentifier\":\"acme-broker\",\"actionFilters\":[\"read\",\"subscribe\"]}",
        ETAG));
    ResourceConnection c = client.accessLists().connect("ttd", "approved-senders", "acme-broker",
        EnumSet.of(AccessAction.SUBSCRIBE, AccessAction.READ));
    assertEquals(Set.of(AccessAction.READ, AccessAction.SUBSCRIBE), c.actions());
    assertEquals("/resourceregistry/api/v1/resource/acme-broker", take().getTarget());
    RecordedRequest put = take();
    assertEquals("PUT", put.getMethod());
    assertEquals(LIST + "/resource-connections/acme-broker", put.getTarget());
    assertEquals(Json.MAPPER.readTree("{\"actionFilters\":[\"read\",\"subscribe\"]}"), body(put));
    assertTrue(CapturedLogs.lines().stream().anyMatch(l -> l.startsWith("WARN") && l.contains("accessListMode is"
        + " Disabled")), CapturedLogs.lines().toString());
  }

  @Test
  void validationHappensBeforeAnyNetworkCall() {
    AccessLists lists = client.accessLists();
    assertThrows(BrokerValidationException.class, () -> lists.create("991825827", "a-list", "n", null));
    assertThrows(BrokerValidationException.class, () -> lists.create("ttd", "Has Spaces", "n", null));
    assertThrows(BrokerValidationException.class, () -> lists.create("ttd", "a-list", " ", null));
    assertThrows(BrokerValidationException.class, () -> lists.connect("ttd", "a-list", "urn:altinn:resource:x",
        Set.of()));
    assertThrows(BrokerValidationException.class, () -> Party.id(-1));
    assertThrows(BrokerValidationException.class, () -> Party.organization("123"));
    assertThrows(BrokerValidationException.class, () -> CustomerRequest.builder("not-a-system",
        OrganizationNumber.of("313776735")));
    CustomerRequest.Builder fromSystem = CustomerRequest.builder(system(), OrganizationNumber.of("313776735"));
    // The server compares scheme, host and path only, and answers 500 to a malformed URL.
    assertThrows(BrokerValidationException.class, () -> fromSystem.redirectUrl("https://evil.example/callback"));
    assertThrows(BrokerValidationException.class, () -> fromSystem.redirectUrl("https://acme.example/other"));
    fromSystem.redirectUrl("https://acme.example/callback?state=42");
    assertEquals(List.of("other-resource"), fromSystem.resource("other-resource").build().resources(),
        "the system's resources are only the default");
    assertEquals("313776735", fromSystem.build().externalRef(), "externalRef defaults to the organisation number");
    assertThrows(BrokerValidationException.class, () -> BrokerServiceResource.builder("acme-broker",
        OrganizationNumber.of("991825827"), "ttd").title(LocalizedText.of("a", "b", "c"))
        .description(LocalizedText.of("a", "b", "c")).build(), "rightDescription is required while delegable");
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void forbiddenExplainsServiceOwnerAndScopeWithoutLeakingTheToken() throws Exception {
    server.enqueue(status(403));
    BrokerAccessDeniedException e = assertThrows(BrokerAccessDeniedException.class,
        () -> client.accessLists().createOrUpdate("ttd", "approved-senders", "n", null));
    assertTrue(e.getMessage().contains("Only registered Altinn service owners"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
    assertTrue(CapturedLogs.lines().stream().noneMatch(l -> l.contains(TOKEN)));
  }

  @Test
  void aRedirectIsNeverFollowedSoTheTokenStaysHere() throws Exception {
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "https://elsewhere.example/steal")
        .build());
    BrokerApiException e = assertThrows(BrokerApiException.class,
        () -> client.accessLists().get("ttd", "approved-senders"));
    assertEquals(302, e.statusCode());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void retriesServerErrorsButNotClientErrors() throws Exception {
    server.enqueue(status(503));
    server.enqueue(json(200, list("approved-senders"), ETAG));
    client.accessLists().createOrUpdate("ttd", "approved-senders", "Godkjente", null);
    assertEquals(2, server.getRequestCount());
    server.enqueue(json(400, problem(400, "STD-00000", "RR.VLD-00010")));
    BrokerApiException e = assertThrows(BrokerApiException.class,
        () -> client.accessLists().createOrUpdate("tt", "approved-senders", "Godkjente", null));
    assertTrue(e.getMessage().contains("not in Altinn's list of service owners"), e.getMessage());
    assertTrue(e.getMessage().contains("RR.VLD-00010"), "core's parser keeps Altinn's validation codes: "
        + e.getMessage());
    assertEquals(3, server.getRequestCount());
  }

  // ------------------------------------------------------------------------------------------------ resources

  static BrokerServiceResource resource() {
    LocalizedText t = LocalizedText.of("Fakturaer", "Fakturaer", "Invoices");
    return BrokerServiceResource.builder("acme-broker", OrganizationNumber.of("991825827"), "ttd").title(t)
        .description(t).rightDescription(t).build();
  }

  @Test
  void createOrUpdateResourcePutsThenPostsOn404() throws Exception {
    server.enqueue(status(404));
    server.enqueue(new MockResponse.Builder().code(201).addHeader("Location",
        "/resourceregistry/api/v1/resource/acme-broker").build());
    assertTrue(client.resources().createOrUpdate(resource()));
    RecordedRequest put = take();
    assertEquals("PUT", put.getMethod());
    assertEquals("/resourceregistry/api/v1/resource/acme-broker", put.getTarget());
    JsonNode b = body(put);
    assertEquals("BrokerService", b.get("resourceType").asText());
    assertEquals("Enabled", b.get("accessListMode").asText());
    assertEquals("Invoices", b.get("title").get("en").asText(), "a map by language, not the docs' array");
    assertTrue(b.get("contactPoints").isArray(), "PUT requires contactPoints");
    assertEquals("991825827", b.get("hasCompetentAuthority").get("organization").asText());
    RecordedRequest post = take();
    assertEquals("POST", post.getMethod());
    assertEquals("/resourceregistry/api/v1/resource", post.getTarget());
    assertEquals(Set.of(AccessScopes.RESOURCE_WRITE), scopes.get(0));
  }

  @Test
  void policyIsAMultipartPartNamedPolicyFile() throws Exception {
    server.enqueue(status(201));
    client.resources().uploadPolicy("acme-broker", "<xacml:Policy/>");
    RecordedRequest r = take();
    assertEquals("/resourceregistry/api/v1/resource/acme-broker/policy", r.getTarget());
    assertTrue(r.getHeaders().get("Content-Type").startsWith("multipart/form-data"));
    String body = r.getBody().utf8();
    assertTrue(body.contains("name=\"policyFile\""), body);
    assertTrue(body.contains("<xacml:Policy/>"), body);
  }

  // ------------------------------------------------------------------------------------------------ system users

  static SystemRegistration system() {
    LocalizedText t = LocalizedText.of("Acme", "Acme", "Acme");
    return SystemRegistration.builder(OrganizationNumber.of("991825827"), "acme-broker").name(t).description(t)
        .resource("acme-broker").clientId("acme-client").allowedRedirectUrl("https://acme.example/callback").build();
  }

  static String request(String id, String status, String resource) {
    return "{\"id\":\"" + id + "\",\"externalRef\":\"customer-1\",\"systemId\":\"991825827_acme-broker\","
        + "\"partyOrgNo\":\"313776735\",\"rights\":[{\"resource\":[{\"id\":\"urn:altinn:resource\",\"value\":\""
        + resource + "\"}]}],\"accessPackages\":[],\"status\":\"" + status + "\",\"confirmUrl\":"
        + "\"https://am.ui.tt02.altinn.no/accessmanagement/ui/systemuser/request?id=" + id
        + "&DONTCHOOSEREPORTEE=true\",\"created\":\"2026-08-20T08:00:00Z\",\"timedOut\":false}";
  }

  static final String REQ1 = "0c5c58ad-4fc1-4ef9-9c72-4a3376a0c3d0";
  static final String REQ2 = "1c5c58ad-4fc1-4ef9-9c72-4a3376a0c3d0";

  /** @return the outcome of asking 313776735 to approve a system user with external ref {@code customer-1} */
  SystemUserRequestResult requestForCustomer1() {
    return client.systemUsers().requestSystemUser(CustomerRequest.builder(system(), OrganizationNumber.of("313776735"))
        .externalRef("customer-1").build());
  }

  @Test
  void requestSendsExternalRefNotExternalReferenceAndKeepsConfirmUrlAsReceived() throws Exception {
    server.enqueue(json(201, request(REQ1, "New", "acme-broker")));
    SystemUserRequestResult r = requestForCustomer1();
    assertEquals(SystemUserRequestResult.Outcome.CREATED, r.outcome());
    assertEquals("https://am.ui.tt02.altinn.no/accessmanagement/ui/systemuser/request?id=" + REQ1
        + "&DONTCHOOSEREPORTEE=true", r.confirmUrl().orElseThrow());
    RecordedRequest rec = take();
    assertEquals("/authentication/api/v1/systemuser/request/vendor", rec.getTarget());
    JsonNode b = body(rec);
    assertEquals("customer-1", b.get("externalRef").asText());
    assertFalse(b.has("externalReference"), "the docs' name is silently ignored by the server");
    assertEquals("313776735", b.get("partyOrgNo").asText());
    assertEquals("acme-broker", b.get("rights").get(0).get("resource").get(0).get("value").asText());
    assertEquals(Set.of(AccessScopes.SYSTEM_USER_REQUEST_WRITE), scopes.get(0));
  }

  @Test
  void a200WithAnOlderRequestWithOtherRightsIsReplaced() throws Exception {
    server.enqueue(json(200, request(REQ1, "New", "old-resource")));
    server.enqueue(status(202));
    server.enqueue(json(201, request(REQ2, "New", "acme-broker")));
    SystemUserRequestResult r = requestForCustomer1();
    assertEquals(SystemUserRequestResult.Outcome.REPLACED, r.outcome());
    assertEquals(REQ2, r.request().id().toString());
    take();
    RecordedRequest delete = take();
    assertEquals("DELETE", delete.getMethod());
    assertEquals("/authentication/api/v1/systemuser/request/vendor/" + REQ1, delete.getTarget());
    assertEquals("POST", take().getMethod());
  }

  @Test
  void a200WithTheSameRequestIsKept() throws Exception {
    server.enqueue(json(200, request(REQ1, "New", "acme-broker")));
    SystemUserRequestResult r = requestForCustomer1();
    assertEquals(SystemUserRequestResult.Outcome.EXISTING, r.outcome());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void anExistingSystemUserIsFoundInsteadOfFailing() throws Exception {
    server.enqueue(json(400, problem(400, "AUTH-00004")));
    server.enqueue(json(200, "{\"id\":\"" + REQ2 + "\",\"systemId\":\"991825827_acme-broker\",\"reporteeOrgNo\":"
        + "\"313776735\",\"externalRef\":\"customer-1\",\"isDeleted\":false,\"supplierOrgno\":\"991825827\","
        + "\"userType\":\"standard\"}"));
    SystemUserRequestResult r = requestForCustomer1();
    assertEquals(SystemUserRequestResult.Outcome.ALREADY_APPROVED, r.outcome());
    assertEquals("customer-1", r.existing().orElseThrow().externalRef());
    take();
    assertEquals("/authentication/api/v1/systemuser/vendor/byquery?system-id=991825827_acme-broker&orgno=313776735"
        + "&external-ref=customer-1", take().getTarget());
    assertEquals(Set.of(AccessScopes.SYSTEM_USER_REQUEST_WRITE), scopes.get(1), "byquery needs request.write");
  }

  @Test
  void aRequestTimedOutAtAltinnEndsTheWaitThoughItsStatusIsStillNew() throws Exception {
    // The server flags requests older than 180 days with timedOut and leaves status New (docs: status Timedout).
    server.enqueue(json(200, request(REQ1, "New", "acme-broker").replace("\"timedOut\":false", "\"timedOut\":true")));
    SystemUserRequest req = SystemUserRequest.fromWire(Json.MAPPER.readTree(request(REQ1, "New", "acme-broker")));
    SystemUserRequestRefusedException e = assertThrows(SystemUserRequestRefusedException.class,
        () -> client.systemUsers().awaitApproval(req, Duration.ofHours(1)));
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    assertEquals(Set.of(AccessScopes.SYSTEM_USER_REQUEST_READ), scopes.get(0));
  }

  @Test
  void anUnknownSystemIsA404NotTheDocs400() throws Exception {
    server.enqueue(json(404, problem(404, "AUTH-00011")));
    no.brokerclient.BrokerNotFoundException e = assertThrows(no.brokerclient.BrokerNotFoundException.class,
        () -> client.systemUsers().requestSystemUser(CustomerRequest.builder(system(),
            OrganizationNumber.of("313776735")).build()));
    assertTrue(e.getMessage().contains("does not exist or belongs to another vendor"), e.getMessage());
    assertEquals(1, server.getRequestCount(), "not retried");
  }

  @Test
  void scopeNamesAreTheServersNotTheDocs() {
    assertEquals("altinn:resourceregistry/accesslist.write", AccessScopes.ACCESS_LIST_WRITE);
    assertEquals("altinn:resourceregistry/accesslist.read", AccessScopes.ACCESS_LIST_READ);
    assertEquals(Set.of("altinn:authentication/systemregister.write",
        "altinn:authentication/systemuser.request.write", "altinn:authentication/systemuser.request.read"),
        AccessScopes.VENDOR);
  }

  @Test
  void registerSystemComparesThenPutsOnlyWhenDifferent() throws Exception {
    String registered = Json.write(system().toWire()).replace("\"isVisible\":true", "\"isVisible\":true,"
        + "\"isDeleted\":false");
    server.enqueue(json(200, registered));
    assertEquals(SystemUsers.Registration.UNCHANGED, client.systemUsers().registerSystem(system()));
    assertEquals(1, server.getRequestCount());
    server.enqueue(json(200, registered.replace("acme-client", "old-client")));
    server.enqueue(json(200, "{\"succeeded\":true}"));
    assertEquals(SystemUsers.Registration.UPDATED, client.systemUsers().registerSystem(system()));
    take();
    take();
    RecordedRequest put = take();
    assertEquals("PUT", put.getMethod());
    assertEquals("/authentication/api/v1/systemregister/vendor/991825827_acme-broker", put.getTarget());
    assertEquals("0192:991825827", body(put).get("vendor").get("ID").asText());
    assertEquals(1, body(put).get("vendor").size(), "no vendor.authority: the server neither reads nor writes it");
    assertFalse(body(put).has("systemVendorOrgNumber"), "ignored by the server; derived from vendor.ID");
    assertEquals(Set.of(AccessScopes.SYSTEM_REGISTER_WRITE), scopes.get(2));
  }

  @Test
  void listSystemUsersFollowsPagesWithTheRegisterScope() throws Exception {
    String su = "{\"id\":\"" + REQ2 + "\",\"systemId\":\"991825827_acme-broker\",\"reporteeOrgNo\":\"313776735\","
        + "\"externalRef\":\"313776735\"}";
    server.enqueue(json(200, "{\"links\":{\"next\":\"https://platform.tt02.altinn.no/authentication/api/v1/"
        + "systemuser/vendor/bysystem/991825827_acme-broker?token=x\"},\"data\":[" + su + "]}"));
    server.enqueue(json(200, "{\"links\":{},\"data\":[" + su.replace("313776735", "986252932") + "]}"));
    List<SystemUser> users = client.systemUsers().list("991825827_acme-broker");
    assertEquals(2, users.size());
    take();
    assertEquals("/authentication/api/v1/systemuser/vendor/bysystem/991825827_acme-broker?token=x",
        take().getTarget());
    assertEquals(Set.of(AccessScopes.SYSTEM_REGISTER_WRITE), scopes.get(0), "not a request scope");
  }

  @Test
  void serverValuesTheSdkCannotAcceptAreInvalidResponsesNotRawExceptions() {
    String su = "{\"id\":\"" + REQ2 + "\",\"systemId\":\"991825827_acme-broker\",\"reporteeOrgNo\":\"313776735\"}";
    server.enqueue(json(200, "{\"links\":{},\"data\":[" + su.replace(REQ2, "../not-a-uuid") + "]}"));
    BrokerInvalidResponseException e = assertThrows(BrokerInvalidResponseException.class,
        () -> client.systemUsers().list("991825827_acme-broker"));
    assertTrue(e.getMessage().startsWith("GET /authentication/api/v1/systemuser/vendor/bysystem/"), e.getMessage());
    server.enqueue(json(200, "{\"links\":{},\"data\":[" + su.replace("313776735", "123456789") + "]}"));
    assertThrows(BrokerInvalidResponseException.class, () -> client.systemUsers().list("991825827_acme-broker"));
    server.enqueue(json(200, "{\"systemId\":\"991825827_acme-broker\",\"status\":\"New\"}"));
    assertThrows(BrokerInvalidResponseException.class, () -> client.systemUsers().findRequest(
        "991825827_acme-broker", OrganizationNumber.of("313776735"), null), "a request without an id");
    server.enqueue(json(200, list("approved-senders").replace("2026-08-01T10:15:30.123+00:00", "yesterday"), ETAG));
    assertThrows(BrokerInvalidResponseException.class,
        () -> client.accessLists().create("ttd", "approved-senders", "Godkjente", "Senders"));
  }

  @Test
  void awaitApprovalPollsWithCappedBackoffUntilAccepted() throws Exception {
    List<Duration> sleeps = new CopyOnWriteArrayList<>();
    no.brokerclient.testing.MutableClock clock = new no.brokerclient.testing.MutableClock();
    try (AltinnAccessClient polling = AltinnAccessClient.builder().platformUrl(server.url("/").toString())
        .accessTokenProvider(AccessTokenProvider.fixed(TOKEN)).approvalPolling(Duration.ofSeconds(5),
            Duration.ofSeconds(15))
        .sleeper(d -> {
          sleeps.add(d);
          clock.advance(d);
        }).clock(clock).build()) {
      for (int i = 0; i < 4; i++) {
        server.enqueue(json(200, request(REQ1, "New", "acme-broker")));
      }
      server.enqueue(json(200, request(REQ1, "Accepted", "acme-broker")));
      server.enqueue(json(200, "{\"id\":\"" + REQ2 + "\",\"systemId\":\"991825827_acme-broker\",\"reporteeOrgNo\":"
          + "\"313776735\",\"externalRef\":\"customer-1\"}"));
      SystemUserRequest req = SystemUserRequest.fromWire(Json.MAPPER.readTree(request(REQ1, "New", "acme-broker")));
      SystemUser su = polling.systemUsers().awaitApproval(req, Duration.ofHours(1));
      assertEquals("customer-1", su.externalRef());
      assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15),
          Duration.ofSeconds(15)), sleeps);
      server.enqueue(json(200, request(REQ1, "Rejected", "acme-broker")));
      assertThrows(SystemUserRequestRefusedException.class,
          () -> polling.systemUsers().awaitApproval(req, Duration.ofHours(1)));
      for (int i = 0; i < 3; i++) {
        server.enqueue(json(200, request(REQ1, "New", "acme-broker")));
      }
      assertThrows(no.brokerclient.BrokerTimeoutException.class,
          () -> polling.systemUsers().awaitApproval(req, Duration.ofSeconds(12)));
    }
  }

  @Test
  void theSharedBuilderRulesHoldAndNewBuilderSharesThePool() throws Exception {
    AltinnAccessClient.Builder b = client.newBuilder();
    IllegalStateException both = assertThrows(IllegalStateException.class,
        () -> client.newBuilder().environment(no.brokerclient.AltinnEnvironment.TT02).build());
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    assertThrows(IllegalStateException.class, () -> client.newBuilder().platformUrl("http://altinn.example").build());
    assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.userAgent("tab\there"));

    server.enqueue(json(404, problem(404, "AUTH-00010")));
    client.systemUsers().findRequest("991825827_acme-broker", OrganizationNumber.of("313776735"), null);
    RecordedRequest first = take();
    try (AltinnAccessClient derived = b.build()) {
      server.enqueue(json(404, problem(404, "AUTH-00010")));
      derived.systemUsers().findRequest("991825827_acme-broker", OrganizationNumber.of("313776735"), null);
      assertEquals(first.getConnectionIndex(), take().getConnectionIndex(), "the pooled connection was reused");
    }
    server.enqueue(json(404, problem(404, "AUTH-00010")));
    assertTrue(client.systemUsers().findRequest("991825827_acme-broker", OrganizationNumber.of("313776735"), null)
        .isEmpty(), "closing the derived client left this one working");
    assertEquals(first.getConnectionIndex(), take().getConnectionIndex());
  }
}
