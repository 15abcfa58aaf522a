package no.brokerclient.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import no.brokerclient.testkit.Http.Reject;

/**
 * Altinn Authentication's system register and vendor-side system-user API as the server code behaves ({@code
 * /authentication/api/v1/systemregister/vendor…}, {@code /systemuser/request/vendor…}, {@code /systemuser/vendor…}):
 * the server reads {@code externalRef} and silently ignores {@code externalReference}; a repeat of a request for the
 * same system, customer and external reference answers 200 with the stored request, unchanged; an existing system
 * user gives 400 AUTH-00004; {@code confirmUrl} ends with {@code &DONTCHOOSEREPORTEE=true}. The customer's side is
 * the test hook {@link #approve} / {@link #reject}; approval fails with AUTH-00069 for an organisation that no access
 * list connected to the resource has. Maskinporten then issues system-user tokens for an approved system user to a
 * client listed in the system's {@code clientId} only, with the same {@code externalRef} (else MP-303). Get it from
 * {@link FakeAltinn#authentication()}. Thread-safe.
 *
 * <p>Size: one file for the one API it fakes (system register, requests, system users and the approval hooks share
 * one state and one lock); a split would spread that lock over files.
 */
public final class FakeAuthentication {
  static final String REGISTER_WRITE = "altinn:authentication/systemregister.write";
  static final String REQUEST_WRITE = "altinn:authentication/systemuser.request.write";
  static final String REQUEST_READ = "altinn:authentication/systemuser.request.read";
  private static final int PAGE = 50;
  private static final Set<String> RESOURCE_TYPES = Set.of("AltinnApp", "Systemresource", "Default",
      "CorrespondenceService", "BrokerService", "GenericAccessResource", "MigratedApp");

  /** A registered system. */
  record RegisteredSystem(String id, String vendor, ObjectNode body, List<String> resources, List<String> clientIds,
      List<String> redirects, UUID guid) {}

  /**
   * A system-user request as the customer sees it.
   *
   * @param id the request id
   * @param systemId the system
   * @param customer the customer organisation
   * @param externalRef the stored external reference
   * @param resources the requested resource ids
   * @param status {@code New}, {@code Accepted} or {@code Rejected}
   */
  public record Request(UUID id, String systemId, String customer, String externalRef, List<String> resources,
      String status) {}

  /**
   * An approved system user.
   *
   * @param id its id
   * @param systemId the system
   * @param customer the customer organisation
   * @param externalRef the external reference
   * @param created when the customer approved it
   */
  public record SystemUser(UUID id, String systemId, String customer, String externalRef, Instant created) {}

  private static final class StoredRequest {
    final UUID id;
    final String systemId;
    final String customer;
    final String externalRef;
    final ObjectNode body;
    final List<String> resources;
    final Instant created;
    String status = "New";

    StoredRequest(UUID id, String systemId, String customer, String externalRef, ObjectNode body,
        List<String> resources, Instant created) {
      this.id = id;
      this.systemId = systemId;
      this.customer = customer;
      this.externalRef = externalRef;
      this.body = body;
      this.resources = resources;
      this.created = created;
    }
  }

  private final FakeAltinn altinn;
  private final FakeResourceRegistry registry;
  private final Map<String, RegisteredSystem> systems = new LinkedHashMap<>(); // guarded by this
  private final Map<UUID, StoredRequest> requests = new LinkedHashMap<>(); // guarded by this
  private final List<SystemUser> systemUsers = new ArrayList<>(); // guarded by this
  private final Routes routes = routes();

  FakeAuthentication(FakeAltinn altinn, FakeResourceRegistry registry) {
    this.altinn = altinn;
    this.registry = registry;
  }

  // ------------------------------------------------------------------------------------------------ test hooks

  /**
   * Approves a request as the customer's manager would in the browser: checks that every requested resource is
   * delegable (AUTH-00070) and, for resources with access lists, that the customer is on a connected list
   * (AUTH-00069); then creates the system user.
   *
   * @param requestId the request
   * @return the new system user
   * @throws IllegalStateException with the AUTH code when Altinn would refuse the approval
   */
  public synchronized SystemUser approve(UUID requestId) {
    StoredRequest r = stored(requestId);
    for (String resource : r.resources) {
      FakeResourceRegistry.Resource res = registry.resource(resource);
      if (res != null && !res.delegable()) {
        throw new IllegalStateException("AUTH-00070: resource " + resource + " is not delegable");
      }
      if (Boolean.FALSE.equals(registry.listAccess(resource, r.customer, null))) {
        throw new IllegalStateException("AUTH-00069: The receiver does not have the right based on Access List"
            + " delegation (" + r.customer + " is on no access list connected to " + resource + ")");
      }
    }
    if (!r.status.equals("New")) {
      throw new IllegalStateException("request " + requestId + " is " + r.status);
    }
    r.status = "Accepted";
    SystemUser su = new SystemUser(UUID.randomUUID(), r.systemId, r.customer, r.externalRef, altinn.clock().instant());
    systemUsers.add(su);
    return su;
  }

  /**
   * Rejects a request as the customer would.
   *
   * @param requestId the request
   */
  public synchronized void reject(UUID requestId) {
    stored(requestId).status = "Rejected";
  }

  /** @return every request so far */
  public synchronized List<Request> requests() {
    return requests.values().stream().map(r -> new Request(r.id, r.systemId, r.customer, r.externalRef,
        r.resources, r.status)).toList();
  }

  /** @return every live system user */
  public synchronized List<SystemUser> systemUsers() {
    return List.copyOf(systemUsers);
  }

  private StoredRequest stored(UUID id) {
    StoredRequest r = requests.get(Objects.requireNonNull(id, "id"));
    if (r == null) {
      throw new IllegalArgumentException("no system-user request " + id);
    }
    return r;
  }

  /**
   * Maskinporten's check ({@code systemuser/byExternalId}) for a system-user token grant.
   *
   * @return {@code null} when the client is in no registered system (the fake then trusts the grant, as before
   *     systems existed in it), else an MP-303 description, or the empty string when a system user matches
   */
  synchronized String checkSystemUserGrant(String clientId, String vendorOrg, String customerOrg, String externalRef) {
    List<RegisteredSystem> withClient = systems.values().stream().filter(s -> s.clientIds().contains(clientId))
        .toList();
    if (withClient.isEmpty()) {
      return null;
    }
    String ref = externalRef == null ? customerOrg : externalRef;
    for (RegisteredSystem s : withClient) {
      if (s.vendor().equals(vendorOrg) && systemUsers.stream().anyMatch(u -> u.systemId().equals(s.id())
          && u.customer().equals(customerOrg) && u.externalRef().equals(ref))) {
        return "";
      }
    }
    return "No system user found for customer " + customerOrg + " with externalRef " + ref + " on a system listing"
        + " client " + clientId;
  }

  // ------------------------------------------------------------------------------------------------ routing

  void handle(HttpExchange ex) throws IOException {
    synchronized (this) {
      routes.handle(ex);
    }
  }

  private Routes routes() {
    String request = "systemuser/request/vendor";
    return new Routes("/authentication/api/v1", true).methodMismatch(404)
        .on("*", "systemregister/vendor/**", (ex, p) -> register(ex, p, caller(ex, REGISTER_WRITE)))
        .on("GET", request + "/{}", (ex, p) -> Http.sendJson(ex, 200, requestJson(request(caller(ex, REQUEST_READ),
            p[7]))))
        .on("DELETE", request + "/{}", (ex, p) -> deleteRequest(ex, p[7]))
        .on("GET", request + "/byexternalref/{}/{}/{}", (ex, p) -> byExternalRef(ex, p))
        .on("POST", request, (ex, p) -> createRequest(ex, caller(ex, REQUEST_WRITE)))
        .on("GET", "systemuser/vendor/byquery", (ex, p) -> byQuery(ex, caller(ex, REQUEST_WRITE)))
        .on("GET", "systemuser/vendor/bysystem/{}", (ex, p) -> bySystem(ex, caller(ex, REGISTER_WRITE), p[7]));
  }

  /** {@code /systemregister/vendor[/{id}]}: POST creates, GET reads, PUT updates (the scope check comes first). */
  private void register(HttpExchange ex, String[] p, Http.Caller c) throws Reject, IOException {
    String m = ex.getRequestMethod();
    int n = p.length;
    if (n == 6 && m.equals("POST")) {
      createSystem(ex, c);
    } else if (n == 7 && m.equals("GET")) {
      Http.sendJson(ex, 200, system(c, p[6]).body());
    } else if (n == 7 && m.equals("PUT")) {
      updateSystem(ex, c, p[6]);
    } else {
      throw Http.text(405, "");
    }
  }

  private void deleteRequest(HttpExchange ex, String id) throws Reject, IOException {
    caller(ex, REQUEST_WRITE);
    StoredRequest r = requests.remove(uuid(id));
    if (r == null) {
      throw authProblem(404, "AUTH-00010", "Request not found");
    }
    Http.sendText(ex, 202, null, null);
  }

  private void byExternalRef(HttpExchange ex, String[] p) throws Reject, IOException {
    Http.Caller c = caller(ex, REQUEST_READ);
    String ref = java.net.URLDecoder.decode(p[10], java.nio.charset.StandardCharsets.UTF_8);
    StoredRequest found = requests.values().stream().filter(r -> r.systemId.equals(p[8]) && r.customer.equals(p[9])
        && r.externalRef.equals(ref) && systems.get(r.systemId).vendor().equals(c.org())).findFirst().orElse(null);
    if (found == null) {
      throw authProblem(404, "AUTH-00010", "The request was not found");
    }
    Http.sendJson(ex, 200, requestJson(found));
  }

  /** The caller with {@code scope} or the system register's admin scope (else 403). */
  private Http.Caller caller(HttpExchange ex, String scope) throws Reject {
    return Http.caller(altinn.maskinporten(), ex, Set.of(scope, "altinn:authentication/systemregister.admin"));
  }

  // ------------------------------------------------------------------------------------------------ register

  private void createSystem(HttpExchange ex, Http.Caller c) throws Reject, IOException {
    ObjectNode b = Http.object(Http.readJson(ex, 1 << 20));
    String id = Http.memberText(b, "id");
    JsonNode vendor = Http.member(b, "vendor");
    String vendorId = vendor == null ? null : Http.memberText(vendor, "ID");
    if (vendorId == null || !vendorId.matches("0192:\\d{9}")) {
      throw validation("AUTH.VLD-00000", "/registersystemrequest/vendor/id", "Invalid vendor id");
    }
    String vendorOrg = vendorId.substring(5);
    if (!vendorOrg.equals(c.org())) {
      throw Http.empty(403);
    }
    if (id == null || !id.split("_")[0].equals(vendorOrg) || !id.contains("_")) {
      throw validation("AUTH.VLD-00001", "/registersystemrequest/systemid", "The system id must start with the"
          + " vendor's organisation number and _");
    }
    if (id.contains(" ")) {
      throw validation("AUTH.VLD-00013", "/registersystemrequest/systemid", "The system id must not have spaces");
    }
    if (systems.containsKey(id)) {
      throw validation("AUTH.VLD-00002", "/registersystemrequest/systemid", "The system id already exists");
    }
    RegisteredSystem s = validated(b, id, vendorOrg, UUID.randomUUID());
    systems.put(id, s);
    Http.sendJson(ex, 200, Http.JSON.writeValueAsString(s.guid().toString()));
  }

  private void updateSystem(HttpExchange ex, Http.Caller c, String id) throws Reject, IOException {
    RegisteredSystem old = system(c, id);
    ObjectNode b = Http.object(Http.readJson(ex, 1 << 20));
    if (!id.equals(Http.memberText(b, "id"))) {
      throw validation("AUTH.VLD-00012", "/registersystemrequest/systemid", "The system id does not match the path");
    }
    JsonNode vendor = Http.member(b, "vendor");
    if (vendor == null || !("0192:" + old.vendor()).equals(Http.memberText(vendor, "ID"))) {
      throw Http.text(404, "System not found");
    }
    systems.put(id, validated(b, id, old.vendor(), old.guid()));
    Http.sendJson(ex, 200, Map.of("succeeded", true));
  }

  private RegisteredSystem validated(ObjectNode b, String id, String vendorOrg, UUID guid) throws Reject {
    List<String> resources = new ArrayList<>();
    for (JsonNode right : b.path("rights")) {
      for (JsonNode attr : right.path("resource")) {
        if (!"urn:altinn:resource".equals(Http.memberText(attr, "id"))) {
          throw validation("AUTH.VLD-00009", "/registersystemrequest/rights/resource", "Invalid resource id");
        }
        String value = Http.memberText(attr, "value");
        FakeResourceRegistry.Resource r = value == null ? null : registry.resource(value);
        if (r == null) {
          throw validation("AUTH.VLD-00003", "/registersystemrequest/rights/resource", "One or more resources not"
              + " found");
        }
        if (!RESOURCE_TYPES.contains(r.type())) {
          throw validation("AUTH.VLD-00017", "/registersystemrequest/rights/resource", "Resource type not allowed");
        }
        if (resources.contains(value)) {
          throw validation("AUTH.VLD-00006", "/registersystemrequest/rights/resource", "Duplicate right");
        }
        resources.add(value);
      }
    }
    List<String> clients = new ArrayList<>();
    for (JsonNode cid : b.path("clientId")) {
      String client = cid.asText();
      if (clients.contains(client)) {
        throw validation("AUTH.VLD-00011", "/registersystemrequest/clientid", "Duplicate client id");
      }
      if (systems.values().stream().anyMatch(s -> !s.id().equals(id) && s.clientIds().contains(client))) {
        throw validation("AUTH.VLD-00004", "/registersystemrequest/clientid", "Client id already used");
      }
      clients.add(client);
    }
    List<String> redirects = new ArrayList<>();
    for (JsonNode u : b.path("allowedRedirectUrls")) {
      URI uri;
      try {
        uri = new URI(u.asText());
      } catch (java.net.URISyntaxException e) {
        uri = null;
      }
      if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw validation("AUTH.VLD-00005", "/registersystemrequest/allowedredirecturls", "Invalid redirect URL");
      }
      redirects.add(u.asText());
    }
    ObjectNode stored = b.deepCopy();
    stored.remove("systemVendorOrgNumber");
    stored.put("isDeleted", false);
    return new RegisteredSystem(id, vendorOrg, stored, resources, clients, redirects, guid);
  }

  private RegisteredSystem system(Http.Caller c, String id) throws Reject {
    RegisteredSystem s = systems.get(id);
    if (s == null) {
      throw Http.text(404, "");
    }
    if (!s.vendor().equals(c.org())) {
      throw Http.empty(403);
    }
    return s;
  }

  // ------------------------------------------------------------------------------------------------ requests

  private void createRequest(HttpExchange ex, Http.Caller c) throws Reject, IOException {
    ObjectNode b = Http.object(Http.readJson(ex, 1 << 20));
    String systemId = Http.memberText(b, "systemId");
    RegisteredSystem s = systemId == null ? null : systems.get(systemId);
    if (s == null || !s.vendor().equals(c.org())) {
      throw authProblem(404, "AUTH-00011", "The system was not found");
    }
    String customer = Http.memberText(b, "partyOrgNo");
    if (customer == null || !customer.matches("\\d{9}")) {
      throw authProblem(400, "AUTH-00000", "The party was not found");
    }
    // The server binds externalRef only; "externalReference" (Altinn's own examples) is silently ignored.
    String ref = Http.memberText(b, "externalRef");
    if (ref == null || ref.isEmpty()) {
      ref = customer;
    }
    List<String> resources = new ArrayList<>();
    for (JsonNode right : b.path("rights")) {
      for (JsonNode attr : right.path("resource")) {
        resources.add(Http.memberText(attr, "value"));
      }
    }
    if (resources.isEmpty() || !s.resources().containsAll(resources)) {
      throw authProblem(400, "AUTH-00001", "The rights do not match the system's rights");
    }
    String redirect = Http.memberText(b, "redirectUrl");
    if (redirect != null && !redirect.isEmpty()) {
      if (s.redirects().isEmpty()) {
        throw authProblem(400, "AUTH-00026", "The system has no allowed redirect URLs");
      }
      URI u = URI.create(redirect);
      boolean ok = s.redirects().stream().map(URI::create).anyMatch(a -> a.getScheme().equals(u.getScheme())
          && a.getHost().equalsIgnoreCase(u.getHost()) && Objects.equals(a.getPath(), u.getPath()));
      if (!ok) {
        throw authProblem(400, "AUTH-00021", "The redirect URL is not allowed");
      }
    }
    String finalRef = ref;
    if (systemUsers.stream().anyMatch(u -> u.systemId().equals(systemId) && u.customer().equals(customer)
        && u.externalRef().equals(finalRef))) {
      throw authProblem(400, "AUTH-00004", "A system user already exists for this system, party and external"
          + " reference");
    }
    for (StoredRequest r : requests.values()) {
      if (r.systemId.equals(systemId) && r.customer.equals(customer) && r.externalRef.equals(finalRef)
          && !r.status.equals("Timedout")) {
        Http.sendJson(ex, 200, requestJson(r)); // the controller's short-cut: the stored request, not updated
        return;
      }
    }
    StoredRequest r = new StoredRequest(UUID.randomUUID(), systemId, customer, ref, b, List.copyOf(resources),
        altinn.clock().instant());
    requests.put(r.id, r);
    ex.getResponseHeaders().set("Location", "/authentication/api/v1/systemuser/request/" + r.id);
    Http.sendJson(ex, 201, requestJson(r));
  }

  private StoredRequest request(Http.Caller c, String id) throws Reject {
    StoredRequest r = requests.get(uuid(id));
    if (r == null) {
      throw authProblem(404, "AUTH-00010", "The request was not found");
    }
    if (!systems.get(r.systemId).vendor().equals(c.org())) {
      throw authProblem(404, "AUTH-00011", "The system was not found");
    }
    return r;
  }

  private ObjectNode requestJson(StoredRequest r) {
    ObjectNode n = Http.JSON.createObjectNode();
    n.put("id", r.id.toString());
    String title = Http.memberText(r.body, "integrationTitle");
    n.put("integrationTitle", title != null ? title : systems.get(r.systemId).body().path("name").path("nb").asText());
    n.put("externalRef", r.externalRef);
    n.put("systemId", r.systemId);
    n.put("partyOrgNo", r.customer);
    ArrayNode rights = n.putArray("rights");
    for (String res : r.resources) {
      rights.addObject().putArray("resource").addObject().put("id", "urn:altinn:resource").put("value", res);
    }
    n.putArray("accessPackages");
    n.put("status", r.status);
    String redirect = Http.memberText(r.body, "redirectUrl");
    if (redirect != null) {
      n.put("redirectUrl", redirect);
    }
    n.put("confirmUrl", "https://am.ui.fake.altinn.localhost/accessmanagement/ui/systemuser/request?id=" + r.id
        + "&DONTCHOOSEREPORTEE=true");
    n.put("escalated", false);
    n.put("created", r.created.toString());
    n.put("timedOut", r.created.plus(java.time.Duration.ofDays(180)).isBefore(altinn.clock().instant()));
    return n;
  }

  // ------------------------------------------------------------------------------------------------ system users

  private void byQuery(HttpExchange ex, Http.Caller c) throws Reject, IOException {
    Map<String, List<String>> q = Http.query(ex);
    String systemId = Http.first(q, "system-id");
    String org = Http.first(q, "orgno");
    String ref = Http.first(q, "external-ref");
    String wanted = ref == null || ref.isEmpty() ? org : ref;
    RegisteredSystem s = systemId == null ? null : systems.get(systemId);
    for (SystemUser u : systemUsers) {
      if (s != null && s.vendor().equals(c.org()) && u.systemId().equals(systemId) && u.customer().equals(org)
          && u.externalRef().equals(wanted)) {
        Http.sendJson(ex, 200, systemUserJson(u));
        return;
      }
    }
    throw Http.text(404, "");
  }

  private void bySystem(HttpExchange ex, Http.Caller c, String systemId) throws Reject, IOException {
    RegisteredSystem s = systems.get(systemId);
    if (s == null || !s.vendor().equals(c.org())) {
      throw authProblem(404, "AUTH-00011", "The system was not found");
    }
    List<SystemUser> mine = systemUsers.stream().filter(u -> u.systemId().equals(systemId)).toList();
    String token = Http.first(Http.query(ex), "token");
    int from = token == null ? 0 : Integer.parseInt(token);
    ObjectNode page = Http.JSON.createObjectNode();
    ObjectNode links = page.putObject("links");
    ArrayNode data = page.putArray("data");
    for (int i = from; i < Math.min(mine.size(), from + PAGE); i++) {
      data.add(systemUserJson(mine.get(i)));
    }
    if (from + PAGE < mine.size()) {
      links.put("next", Http.base(ex) + "/authentication/api/v1/systemuser/vendor/bysystem/" + systemId
          + "?token=" + (from + PAGE));
    }
    Http.sendJson(ex, 200, page);
  }

  private ObjectNode systemUserJson(SystemUser u) {
    RegisteredSystem s = systems.get(u.systemId());
    ObjectNode n = Http.JSON.createObjectNode();
    n.put("id", u.id().toString());
    n.put("integrationTitle", s.body().path("name").path("nb").asText());
    n.put("systemId", u.systemId());
    n.put("productName", u.systemId());
    n.put("reporteeOrgNo", u.customer());
    n.put("created", u.created().toString());
    n.put("isDeleted", false);
    n.put("supplierName", "Vendor " + s.vendor());
    n.put("supplierOrgno", s.vendor());
    n.put("externalRef", u.externalRef());
    n.put("userType", "standard");
    return n;
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static UUID uuid(String s) throws Reject {
    return Http.uuid(s, "requestId");
  }

  private static Reject authProblem(int status, String code, String title) {
    return Http.altinnProblem(status, code, title, null, null);
  }

  private static Reject validation(String code, String path, String title) {
    return Http.altinnProblem(400, "STD-00000", title, code, path);
  }
}
