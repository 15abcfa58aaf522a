package no.brokerclient.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import no.brokerclient.BrokerAccessDeniedException;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.auth.MaskinportenException;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.ResourceSettingsUpdate;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step 3 end to end against FakeAltinn: service owner onboarding, vendor system user, Broker's access-list check. */
class AccessOnboardingFakeTest {
  static final String OWNER_ORG = "974760673";
  static final String OWNER_CODE = "demo";
  static final String VENDOR_ORG = "991825827";
  static final String SENDER_ORG = "313776735";
  static final String RECIPIENT_ORG = "986252932";
  static final String OUTSIDER_ORG = "910976222";
  static final String RESOURCE = "demo-invoices";
  static final String LIST = "approved-parties";
  static final String POLICY = "<xacml:Policy xmlns:xacml=\"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17\""
      + " PolicyId=\"urn:altinn:policy:demo-invoices\"/>";

  FakeAltinn fake;
  Maskinporten ownerTokens;
  Maskinporten vendorTokens;
  Maskinporten recipientTokens;
  AltinnAccessClient owner;
  AltinnAccessClient vendor;
  final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    fake = FakeAltinn.start();
    fake.virusScanDelay(Duration.ofMillis(20));
    fake.resourceRegistry().serviceOwner(OWNER_CODE, OWNER_ORG);
    Set<String> ownerScopes = new java.util.HashSet<>(AccessScopes.SERVICE_OWNER);
    ownerScopes.add(AltinnScopes.SERVICE_OWNER_SCOPE);
    ownerTokens = maskinporten("owner-client", OWNER_ORG, ownerScopes);
    Set<String> vendorScopes = new java.util.HashSet<>(AccessScopes.VENDOR);
    vendorScopes.addAll(AltinnScopes.SENDER);
    vendorTokens = maskinporten("vendor-client", VENDOR_ORG, vendorScopes);
    recipientTokens = maskinporten("recipient-client", RECIPIENT_ORG, AltinnScopes.RECIPIENT);
    owner = access(ownerTokens);
    vendor = access(vendorTokens);
  }

  Maskinporten maskinporten(String clientId, String org, Set<String> scopes) {
    Maskinporten mp = Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId(clientId)
        .signer(GrantSigners.jwk(fake.client(clientId, org, scopes.toArray(String[]::new))))
        .altinnPlatformUrl(fake.platformUrl()).build();
    closing.add(mp);
    return mp;
  }

  AltinnAccessClient access(Maskinporten mp) {
    AltinnAccessClient c = AltinnAccessClient.builder().platformUrl(fake.platformUrl()).maskinporten(mp)
        .approvalPolling(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    closing.add(c);
    return c;
  }

  BrokerClient broker(no.brokerclient.auth.AccessTokenProvider tokens, Role role) {
    BrokerClient b = BrokerClient.builder().baseUrl(fake.platformUrl()).accessTokenProvider(tokens).roles(role)
        .build();
    closing.add(b);
    return b;
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    fake.close();
  }

  static BrokerServiceResource resource() {
    return BrokerServiceResource.builder(RESOURCE, OrganizationNumber.of(OWNER_ORG), OWNER_CODE)
        .title(LocalizedText.of("Fakturaer", "Fakturaer", "Invoices"))
        .description(LocalizedText.of("Fakturaer mellom parter", "Fakturaer mellom partar", "Invoices between parties"))
        .rightDescription(LocalizedText.of("Sende og motta", "Sende og ta imot", "Send and receive"))
        .build();
  }

  SystemRegistration system() {
    return SystemRegistration.builder(OrganizationNumber.of(VENDOR_ORG), "demo-broker")
        .name(LocalizedText.of("Demo Broker", "Demo Broker", "Demo Broker"))
        .description(LocalizedText.of("Sender filer", "Sender filer", "Sends files"))
        .resource(RESOURCE).clientId("vendor-client").allowedRedirectUrl("https://vendor.example/altinn/done")
        .build();
  }

  /** The service owner's whole step: resource, policy, Broker config, list, members, connection. */
  void onboard(String... members) {
    BrokerClient ownerBroker = broker(ownerTokens.forBroker(), Role.SERVICE_OWNER);
    ResourceRegistry.Onboarding o = owner.resources().onboardResource(resource(), POLICY, ownerBroker, "Demo AS",
        ResourceSettingsUpdate.builder().fileTransferTimeToLive(Duration.ofDays(7)).build());
    assertEquals(RESOURCE, o.resourceId());
    owner.accessLists().createOrUpdate(OWNER_CODE, LIST, "Approved parties", "Senders and recipients");
    List<Party> parties = new ArrayList<>();
    for (String m : members) {
      parties.add(Party.organization(m));
    }
    owner.accessLists().addMembers(OWNER_CODE, LIST, parties);
    owner.accessLists().connect(OWNER_CODE, LIST, RESOURCE, EnumSet.of(AccessAction.READ, AccessAction.WRITE,
        AccessAction.SUBSCRIBE));
  }

  @Test
  void wholeStepThreeThenASystemUserSendsAndRemovalFromTheListStopsTheNextInitialize(@TempDir Path dir)
      throws Exception {
    onboard(SENDER_ORG, RECIPIENT_ORG);
    assertEquals(List.of(SENDER_ORG, RECIPIENT_ORG).stream().sorted().toList(),
        fake.resourceRegistry().members(OWNER_CODE, LIST).stream().sorted().toList());

    assertEquals(SystemUsers.Registration.CREATED, vendor.systemUsers().registerSystem(system()));
    SystemUserRequestResult asked = vendor.systemUsers().requestSystemUser(CustomerRequest.builder(system(),
        OrganizationNumber.of(SENDER_ORG)).externalRef("sender-1").redirectUrl("https://vendor.example/altinn/done?s=1")
        .build());
    assertEquals(SystemUserRequestResult.Outcome.CREATED, asked.outcome());
    String confirm = asked.confirmUrl().orElseThrow();
    assertTrue(confirm.endsWith("?id=" + asked.request().id() + "&DONTCHOOSEREPORTEE=true"), confirm);
    assertEquals(RequestStatus.NEW, vendor.systemUsers().status(asked.request().id()).status());

    fake.authentication().approve(asked.request().id()); // the customer, in the browser
    SystemUser su = vendor.systemUsers().awaitApproval(asked.request(), Duration.ofSeconds(30));
    assertEquals("sender-1", su.externalRef());
    assertEquals(List.of(su), vendor.systemUsers().list(system().systemId()));

    Path file = dir.resolve("invoice.xml");
    Files.writeString(file, "<invoice/>", StandardCharsets.UTF_8);
    BrokerClient sender = broker(su.tokens(vendorTokens).forBroker(), Role.SENDER);
    FileTransferInitialize init = FileTransferInitialize.builder().resourceId(RESOURCE).fileName("invoice.xml")
        .sender(OrganizationNumber.of(SENDER_ORG)).recipient(OrganizationNumber.of(RECIPIENT_ORG)).build();
    FileTransferOverview sent = sender.send(init, file);
    assertNotNull(sent.fileTransferId());

    owner.accessLists().removeMembers(OWNER_CODE, LIST, List.of(Party.organization(RECIPIENT_ORG)));
    BrokerApiException denied = assertThrows(BrokerApiException.class, () -> sender.initialize(init));
    assertEquals("BRO-00028", denied.errorCode());
    assertTrue(denied.getMessage().contains("step 3"), denied.getMessage());
  }

  @Test
  void onboardingIsSafeToRerun() {
    onboard(SENDER_ORG);
    BrokerClient ownerBroker = broker(ownerTokens.forBroker(), Role.SERVICE_OWNER);
    ResourceRegistry.Onboarding again = owner.resources().onboardResource(resource(), POLICY, ownerBroker, "Demo AS",
        ResourceSettingsUpdate.builder().fileTransferTimeToLive(Duration.ofDays(7)).build());
    assertFalse(again.resourceCreated());
    assertFalse(again.serviceOwnerRegistered());
    Version before = owner.accessLists().get(OWNER_CODE, LIST).orElseThrow().version();
    owner.accessLists().addMembers(OWNER_CODE, LIST, List.of(Party.organization(SENDER_ORG)));
    owner.accessLists().connect(OWNER_CODE, LIST, RESOURCE, EnumSet.of(AccessAction.READ, AccessAction.WRITE,
        AccessAction.SUBSCRIBE));
    assertEquals(before, owner.accessLists().get(OWNER_CODE, LIST).orElseThrow().version(), "no new version");
    assertEquals(SystemUsers.Registration.CREATED, vendor.systemUsers().registerSystem(system()));
    assertEquals(SystemUsers.Registration.UNCHANGED, vendor.systemUsers().registerSystem(system()));
  }

  @Test
  void approvalFailsForAnOrganisationNotOnTheList() {
    onboard(SENDER_ORG);
    vendor.systemUsers().registerSystem(system());
    SystemUserRequestResult asked = vendor.systemUsers().requestSystemUser(CustomerRequest.builder(system(),
        OrganizationNumber.of(OUTSIDER_ORG)).build());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> fake.authentication().approve(asked.request().id()));
    assertTrue(e.getMessage().startsWith("AUTH-00069"), e.getMessage());
  }

  @Test
  void theTokenNeedsTheExternalRefTheRequestWasMadeWith() {
    onboard(SENDER_ORG, RECIPIENT_ORG);
    vendor.systemUsers().registerSystem(system());
    SystemUserRequestResult asked = vendor.systemUsers().requestSystemUser(CustomerRequest.builder(system(),
        OrganizationNumber.of(SENDER_ORG)).externalRef("sender-1").build());
    assertEquals("sender-1", fake.authentication().requests().get(0).externalRef(), "sent as externalRef");
    fake.authentication().approve(asked.request().id());
    MaskinportenException e = assertThrows(MaskinportenException.class,
        () -> vendorTokens.withSystemUser(OrganizationNumber.of(SENDER_ORG)).accessToken(AltinnScopes.SENDER));
    assertTrue(e.getMessage().contains("MP-303"), e.getMessage());
    SystemUser su = vendor.systemUsers().find(system().systemId(), OrganizationNumber.of(SENDER_ORG), "sender-1")
        .orElseThrow();
    assertNotNull(su.tokens(vendorTokens).accessToken(AltinnScopes.SENDER));
  }

  @Test
  void aRepeatedRequestReturnsTheSameAndAnApprovedOneReturnsTheSystemUser() {
    onboard(SENDER_ORG);
    vendor.systemUsers().registerSystem(system());
    CustomerRequest req = CustomerRequest.builder(system(), OrganizationNumber.of(SENDER_ORG)).build();
    UUID first = vendor.systemUsers().requestSystemUser(req).request().id();
    SystemUserRequestResult again = vendor.systemUsers().requestSystemUser(req);
    assertEquals(SystemUserRequestResult.Outcome.EXISTING, again.outcome());
    assertEquals(first, again.request().id());
    fake.authentication().approve(first);
    SystemUserRequestResult approved = vendor.systemUsers().requestSystemUser(req);
    assertEquals(SystemUserRequestResult.Outcome.ALREADY_APPROVED, approved.outcome());
    assertEquals(SENDER_ORG, approved.existing().orElseThrow().externalRef(), "externalRef defaults to the orgno");
  }

  @Test
  void aRejectedRequestEndsTheWaitAndIsReplacedOnTheNextRequest() {
    onboard(SENDER_ORG);
    vendor.systemUsers().registerSystem(system());
    CustomerRequest req = CustomerRequest.builder(system(), OrganizationNumber.of(SENDER_ORG)).build();
    SystemUserRequest r = vendor.systemUsers().requestSystemUser(req).request();
    fake.authentication().reject(r.id());
    assertThrows(SystemUserRequestRefusedException.class,
        () -> vendor.systemUsers().awaitApproval(r, Duration.ofSeconds(30)));
    SystemUserRequestResult again = vendor.systemUsers().requestSystemUser(req);
    assertEquals(SystemUserRequestResult.Outcome.REPLACED, again.outcome());
    assertEquals(RequestStatus.NEW, again.request().status());
  }

  @Test
  void listOfListsPagesKeepTheirConnectionsDespiteTheNextLinkBug() {
    onboard(SENDER_ORG);
    for (int i = 0; i < 25; i++) {
      String id = String.format("list-%02d", i);
      owner.accessLists().createOrUpdate(OWNER_CODE, id, "List " + i, null);
      owner.accessLists().connect(OWNER_CODE, id, RESOURCE, EnumSet.of(AccessAction.READ));
    }
    List<AccessList> lists = owner.accessLists().listForResource(OWNER_CODE, RESOURCE);
    assertEquals(26, lists.size());
    assertTrue(lists.stream().allMatch(l -> l.connections().size() == 1), "page 2 has connections too");
    assertEquals(26, owner.accessLists().list(OWNER_CODE).size());
  }

  @Test
  void versionsAreEtagsAndAStaleOneIsAConflict() {
    onboard();
    AccessList read = owner.accessLists().get(OWNER_CODE, LIST).orElseThrow();
    assertTrue(owner.accessLists().getIfChanged(OWNER_CODE, LIST, read.version()).isEmpty());
    AccessList renamed = owner.accessLists().update(OWNER_CODE, LIST, "Renamed", null, read.version());
    assertFalse(renamed.version().equals(read.version()));
    assertThrows(VersionConflictException.class,
        () -> owner.accessLists().update(OWNER_CODE, LIST, "Again", null, read.version()));
    assertThrows(AlreadyExistsException.class, () -> owner.accessLists().create(OWNER_CODE, LIST, "x", null));
    assertEquals("Renamed", owner.accessLists().getIfChanged(OWNER_CODE, LIST, read.version()).orElseThrow().name());
  }

  @Test
  void manyMembersAreChunkedAndPagedAndUnknownOnesAreNamed() {
    onboard();
    List<Party> parties = new ArrayList<>();
    for (int i = 0; i < 230; i++) {
      parties.add(Party.organization(validOrg(90_000_000 + i * 13)));
    }
    MembershipChange c = owner.accessLists().addMembers(OWNER_CODE, LIST, parties);
    assertEquals(3, c.requests());
    assertEquals(230, owner.accessLists().members(OWNER_CODE, LIST).size());
    fake.resourceRegistry().unknownOrganizations(OUTSIDER_ORG);
    UnknownPartiesException e = assertThrows(UnknownPartiesException.class, () -> owner.accessLists()
        .addMembers(OWNER_CODE, LIST, List.of(Party.organization(SENDER_ORG), Party.organization(OUTSIDER_ORG))));
    assertEquals(List.of(Party.organization(OUTSIDER_ORG)), e.unknown());
    assertTrue(fake.resourceRegistry().members(OWNER_CODE, LIST).contains(SENDER_ORG), "the known one was added");
  }

  /**
   * Operations of the Resource Registry's OpenAPI document (Altinn/altinn-studio-docs
   * static/swagger/altinn-resource-registry-v1.json @3a2eae89, paths under /resourceregistry/api/v1), and of
   * Authentication's vendor API as its code has them (altinn-authentication @ad4f6f36; the docs' OpenAPI copy
   * @2161dfdd still has the older /systemregister/system paths, so it cannot be the reference).
   */
  static final List<String> OPERATIONS = List.of(
      "GET /resourceregistry/api/v1/resource/{id}", "PUT /resourceregistry/api/v1/resource/{id}",
      "POST /resourceregistry/api/v1/resource", "POST /resourceregistry/api/v1/resource/{id}/policy",
      "GET /resourceregistry/api/v1/access-lists/{owner}",
      "GET /resourceregistry/api/v1/access-lists/{owner}/{identifier}",
      "PUT /resourceregistry/api/v1/access-lists/{owner}/{identifier}",
      "DELETE /resourceregistry/api/v1/access-lists/{owner}/{identifier}",
      "GET /resourceregistry/api/v1/access-lists/{owner}/{identifier}/members",
      "POST /resourceregistry/api/v1/access-lists/{owner}/{identifier}/members",
      "PUT /resourceregistry/api/v1/access-lists/{owner}/{identifier}/members",
      "DELETE /resourceregistry/api/v1/access-lists/{owner}/{identifier}/members",
      "GET /resourceregistry/api/v1/access-lists/{owner}/{identifier}/resource-connections",
      "PUT /resourceregistry/api/v1/access-lists/{owner}/{identifier}/resource-connections/{resourceIdentifier}",
      "DELETE /resourceregistry/api/v1/access-lists/{owner}/{identifier}/resource-connections/{resourceIdentifier}",
      "GET /authentication/api/v1/systemregister/vendor/{systemId}",
      "PUT /authentication/api/v1/systemregister/vendor/{systemId}",
      "POST /authentication/api/v1/systemregister/vendor",
      "POST /authentication/api/v1/systemuser/request/vendor",
      "GET /authentication/api/v1/systemuser/request/vendor/{requestId}",
      "GET /authentication/api/v1/systemuser/request/vendor/byexternalref/{systemId}/{orgNo}/{externalRef}",
      "DELETE /authentication/api/v1/systemuser/request/vendor/{requestId}",
      "GET /authentication/api/v1/systemuser/vendor/byquery",
      "GET /authentication/api/v1/systemuser/vendor/bysystem/{systemId}");

  @Test
  void everyRequestTheModuleMakesIsADocumentedOperation() {
    onboard(SENDER_ORG, RECIPIENT_ORG);
    owner.accessLists().list(OWNER_CODE);
    owner.accessLists().listForResource(OWNER_CODE, RESOURCE);
    owner.accessLists().members(OWNER_CODE, LIST);
    owner.accessLists().connections(OWNER_CODE, LIST);
    owner.accessLists().removeMembers(OWNER_CODE, LIST, List.of(Party.organization(RECIPIENT_ORG)));
    owner.accessLists().replaceMembers(OWNER_CODE, LIST, List.of(Party.organization(SENDER_ORG)));
    assertEquals(List.of(SENDER_ORG), fake.resourceRegistry().members(OWNER_CODE, LIST));
    owner.accessLists().disconnect(OWNER_CODE, LIST, RESOURCE);
    owner.accessLists().get(OWNER_CODE, LIST);
    owner.accessLists().delete(OWNER_CODE, LIST);
    vendor.systemUsers().registerSystem(SystemRegistration.builder(OrganizationNumber.of(VENDOR_ORG), "demo-broker")
        .name(LocalizedText.of("Gammel", "Gammal", "Old")).description(LocalizedText.of("x", "x", "x"))
        .resource(RESOURCE).clientId("vendor-client").build());
    vendor.systemUsers().registerSystem(system());
    SystemUserRequest r = vendor.systemUsers().requestSystemUser(CustomerRequest.builder(system(),
        OrganizationNumber.of(SENDER_ORG)).build()).request();
    vendor.systemUsers().status(r.id());
    assertEquals(r.id(), vendor.systemUsers().findRequest(system().systemId(), OrganizationNumber.of(SENDER_ORG), null)
        .orElseThrow().id());
    vendor.systemUsers().delete(r.id());
    vendor.systemUsers().find(system().systemId(), OrganizationNumber.of(SENDER_ORG), null);
    vendor.systemUsers().list(system().systemId());
    List<String> patterns = OPERATIONS.stream().map(o -> o.replaceAll("\\{[A-Za-z]+}", "[^/]+")).toList();
    Set<String> used = new java.util.TreeSet<>();
    for (FakeAltinn.Call c : fake.calls()) {
      if (!c.path().startsWith("/resourceregistry/") && !c.path().startsWith("/authentication/api/v1/system")) {
        continue;
      }
      String line = c.method() + " " + c.path();
      int i = 0;
      while (i < patterns.size() && !line.matches(patterns.get(i))) {
        i++;
      }
      assertTrue(i < patterns.size(), "not a documented operation: " + line);
      used.add(OPERATIONS.get(i));
    }
    assertEquals(new java.util.TreeSet<>(OPERATIONS), used, "every operation exercised");
  }

  @Test
  void eventSubscriptionsNeedTheSubscribeActionOnTheList() throws Exception {
    onboard(SENDER_ORG, RECIPIENT_ORG);
    Maskinporten events = maskinporten("recipient-events", RECIPIENT_ORG, AltinnScopes.EVENTS);
    assertEquals(201, subscribe(events, "no.altinn.broker.published"));
    owner.accessLists().connect(OWNER_CODE, LIST, RESOURCE, EnumSet.of(AccessAction.READ, AccessAction.WRITE));
    assertEquals(403, subscribe(events, "no.altinn.broker.filepurged"));
  }

  int subscribe(Maskinporten tokens, String type) throws java.io.IOException {
    String body = "{\"endPoint\":\"http://127.0.0.1:9/hook\",\"resourceFilter\":\"urn:altinn:resource:" + RESOURCE
        + "\",\"subjectFilter\":\"urn:altinn:organization:identifier-no:" + RECIPIENT_ORG + "\",\"typeFilter\":\""
        + type + "\"}";
    okhttp3.OkHttpClient http = new okhttp3.OkHttpClient();
    try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder()
        .url(fake.platformUrl() + "/events/api/v1/subscriptions")
        .header("Authorization", "Bearer " + tokens.forEvents().accessToken(AltinnScopes.EVENTS))
        .post(okhttp3.RequestBody.create(body, okhttp3.MediaType.get("application/json"))).build()).execute()) {
      return r.code();
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  @Test
  void onlyRegisteredServiceOwnersManageAccessLists() {
    AltinnAccessClient notOwner = access(maskinporten("not-owner", VENDOR_ORG, AccessScopes.SERVICE_OWNER));
    BrokerAccessDeniedException e = assertThrows(BrokerAccessDeniedException.class,
        () -> notOwner.accessLists().createOrUpdate(OWNER_CODE, LIST, "Not mine", null));
    assertTrue(e.getMessage().contains("Only registered Altinn service owners"), e.getMessage());
  }

  /** A valid organisation number at or after {@code start} (eight digits, then the mod-11 check digit). */
  static String validOrg(int start) {
    int[] w = {3, 2, 7, 6, 5, 4, 3, 2};
    for (int n = start; ; n++) {
      String s = String.format("%08d", n);
      int sum = 0;
      for (int i = 0; i < 8; i++) {
        sum += (s.charAt(i) - '0') * w[i];
      }
      int check = (11 - sum % 11) % 11;
      if (check != 10) {
        return s + check;
      }
    }
  }
}
