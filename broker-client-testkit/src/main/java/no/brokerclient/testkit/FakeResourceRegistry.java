package no.brokerclient.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import no.brokerclient.testkit.Http.Reject;

/**
 * Altinn's Resource Registry as the server code behaves ({@code /resourceregistry/api/v1}): resources (POST, PUT,
 * GET, policy upload) and access lists (lists, members, resource connections) with weak ETags, {@code If-Match} /
 * {@code If-None-Match} (412, 304), the 100-member cap, the register lookup (400 RR-00001 fails the whole request),
 * version-bound continuation tokens (412 when the list changes between pages), and the list-of-lists next link
 * that drops {@code resource} and misspells {@code include} (the access lists are {@link FakeAccessLists}). Only
 * organisations registered with {@link
 * #serviceOwner} may manage access lists, and only under their own org code. Get it from {@link
 * FakeAltinn#resourceRegistry()}. Thread-safe.
 */
public final class FakeResourceRegistry {
  static final String RESOURCE_WRITE = "altinn:resourceregistry/resource.write";
  static final String RESOURCE_ADMIN = "altinn:resourceregistry/resource.admin";
  static final String LIST_READ = "altinn:resourceregistry/accesslist.read";
  static final String LIST_WRITE = "altinn:resourceregistry/accesslist.write";
  private static final Pattern RESOURCE_ID = Pattern.compile("^[a-z0-9_-]{4,}$");

  /** A resource in the registry. */
  record Resource(String id, ObjectNode body, String ownerOrg, String ownerCode, String type, boolean enabled,
      boolean delegable, String policy) {}

  private final FakeAltinn altinn;
  private final Routes routes = new Routes("/resourceregistry/api/v1", true);
  private final Map<String, String> serviceOwners = new ConcurrentHashMap<>(); // org code -> orgno
  private final Set<String> unknownOrgs = ConcurrentHashMap.newKeySet();
  private final Map<String, Resource> resources = new ConcurrentHashMap<>();
  private final FakeAccessLists accessLists;

  FakeResourceRegistry(FakeAltinn altinn) {
    this.altinn = altinn;
    this.accessLists = new FakeAccessLists(this, altinn);
    routes.on("POST", "resource", (ex, p) -> createResource(ex));
    routes.on("PUT", "resource/{}", (ex, p) -> updateResource(ex, p[5]));
    routes.on("GET", "resource/{}", (ex, p) -> getResource(ex, p[5]));
    routes.on("POST", "resource/{}/policy", (ex, p) -> policy(ex, p[5]));
    routes.on("PUT", "resource/{}/policy", (ex, p) -> policy(ex, p[5]));
    routes.on("*", "resource/**", Routes.status(405));
    routes.on("*", "access-lists/{}/**", accessLists::route);
  }

  private Clock clock() {
    return altinn.clock();
  }

  // ------------------------------------------------------------------------------------------------ knobs

  /**
   * Adds an organisation to Altinn's service-owner list ({@code altinn-orgs.json}): only these may manage access
   * lists, under their org code.
   *
   * @param orgCode the org code, e.g. {@code ttd}
   * @param organization the nine-digit organisation number
   * @return this
   */
  public FakeResourceRegistry serviceOwner(String orgCode, String organization) {
    serviceOwners.put(orgCode.toLowerCase(Locale.ROOT), organization);
    return this;
  }

  /**
   * Makes organisation numbers unknown to Altinn's register (every other nine-digit number is known).
   *
   * @param organizations organisation numbers
   */
  public void unknownOrganizations(String... organizations) {
    unknownOrgs.addAll(List.of(organizations));
  }

  /**
   * @param resourceId a resource
   * @return whether it exists with {@code accessListMode: Enabled}
   */
  public boolean accessListsEnforced(String resourceId) {
    Resource r = resources.get(resourceId);
    return r != null && r.enabled();
  }

  /**
   * @param owner org code
   * @param identifier list id
   * @return the organisation numbers on the list (empty if there is no list)
   */
  public List<String> members(String owner, String identifier) {
    return accessLists.members(owner, identifier);
  }

  /** @see FakeAccessLists#listAccess */
  Boolean listAccess(String resourceId, String org, String action) {
    return accessLists.listAccess(resourceId, org, action);
  }

  /** @return Altinn's service owners: organisation number by lower-case org code (live) */
  Map<String, String> serviceOwners() {
    return serviceOwners;
  }

  /** @return whether the register does not know the organisation ({@link #unknownOrganizations}) */
  boolean unknown(String organization) {
    return unknownOrgs.contains(organization);
  }

  Resource resource(String id) {
    return resources.get(id);
  }

  // ------------------------------------------------------------------------------------------------ routing

  void handle(HttpExchange ex) throws IOException {
    routes.handle(ex);
  }

  private Http.Caller caller(HttpExchange ex, Set<String> anyOf) throws Reject {
    return Http.caller(altinn.maskinporten(), ex, anyOf);
  }

  // ------------------------------------------------------------------------------------------------ resources

  private void createResource(HttpExchange ex) throws Reject, IOException {
    Http.Caller c = caller(ex, Set.of(RESOURCE_WRITE, RESOURCE_ADMIN));
    ObjectNode body = Http.object(Http.readJson(ex, 1 << 20));
    String id = Http.memberText(body, "identifier");
    if (id == null || !RESOURCE_ID.matcher(id).matches() || id.startsWith("app_")) {
      throw Http.validation("identifier", "Invalid id");
    }
    Resource r = validate(c, id, body, false);
    if (resources.putIfAbsent(id, r) != null) {
      throw Http.text(409, "The Resource already exist: " + id);
    }
    ex.getResponseHeaders().set("Location", "/resourceregistry/api/v1/resource/" + id);
    Http.sendText(ex, 201, null, null);
  }

  private void updateResource(HttpExchange ex, String id) throws Reject, IOException {
    Http.Caller c = caller(ex, Set.of(RESOURCE_WRITE, RESOURCE_ADMIN));
    Resource old = resources.get(id);
    if (old == null) {
      throw Http.text(404, "");
    }
    ObjectNode body = Http.object(Http.readJson(ex, 1 << 20));
    if (!id.equals(Http.memberText(body, "identifier"))) {
      throw Http.text(400, "Id in path does not match ID in resource");
    }
    Resource r = validate(c, id, body, true);
    resources.put(id, new Resource(id, r.body(), r.ownerOrg(), r.ownerCode(), r.type(), r.enabled(), r.delegable(),
        old.policy()));
    Http.sendText(ex, 200, null, null);
  }

  private void getResource(HttpExchange ex, String id) throws Reject, IOException {
    Resource r = resources.get(id);
    if (r == null) {
      throw Http.text(404, "");
    }
    Http.sendJson(ex, 200, r.body());
  }

  private void policy(HttpExchange ex, String id) throws Reject, IOException {
    Http.Caller c = caller(ex, Set.of(RESOURCE_WRITE, RESOURCE_ADMIN));
    Resource r = resources.get(id);
    if (r == null) {
      throw Http.text(400, "Unknown resource");
    }
    if (!r.ownerOrg().equals(c.org()) && !c.scopes().contains(RESOURCE_ADMIN)) {
      throw Http.empty(403);
    }
    String policy = policyFile(ex);
    if (!policy.contains("Policy")) {
      throw Http.text(400, "Policy could not be parsed");
    }
    resources.put(r.id(), new Resource(r.id(), r.body(), r.ownerOrg(), r.ownerCode(), r.type(), r.enabled(),
        r.delegable(), policy));
    ex.getResponseHeaders().set("Location", r.id() + "/policy");
    Http.sendText(ex, 201, null, null);
  }

  private static String policyFile(HttpExchange ex) throws Reject, IOException {
    MultipartReader reader = MultipartReader.open(ex);
    if (reader == null) {
      throw Http.text(400, "Expected multipart/form-data");
    }
    for (MultipartReader.Part part = reader.next(); part != null; part = reader.next()) {
      if (part.name().equals("policyFile")) {
        return part.text();
      }
    }
    throw Http.text(400, "Missing policyFile");
  }

  /** {@code ServiceResourceHelper.ValidateResource}, the PUT's required fields, and the competent-authority check. */
  private Resource validate(Http.Caller c, String id, ObjectNode b, boolean put) throws Reject {
    String type = Http.memberText(b, "resourceType");
    if (type == null || type.equals("Default")) {
      throw Http.validation("resourceType", "Invalid resource type");
    }
    for (String field : List.of("title", "description")) {
      JsonNode t = Http.member(b, field);
      for (String lang : List.of("en", "nb", "nn")) {
        if (t == null || !t.path(lang).isTextual() || t.path(lang).asText().isBlank()) {
          throw Http.validation(field, "Missing " + field + " in " + lang);
        }
      }
    }
    boolean delegable = !Boolean.FALSE.equals(b.has("delegable") ? b.get("delegable").asBoolean() : null);
    if (delegable) {
      JsonNode t = Http.member(b, "rightDescription");
      for (String lang : List.of("en", "nb", "nn")) {
        if (t == null || !t.path(lang).isTextual() || t.path(lang).asText().isBlank()) {
          throw Http.validation("rightDescription", "Missing rightDescription in " + lang);
        }
      }
    }
    if (put && (Http.member(b, "contactPoints") == null || Http.member(b, "contactPoints").isNull())) {
      throw Http.validation("ContactPoints", "The ContactPoints field is required.");
    }
    JsonNode authority = Http.member(b, "hasCompetentAuthority");
    String org = authority == null ? null : Http.memberText(authority, "organization");
    String code = authority == null ? null : Http.memberText(authority, "orgcode");
    if (org == null || org.isBlank()) {
      throw Http.validation("hasCompetentAuthority", "Missing organization");
    }
    if (!org.equals(c.org()) && !c.scopes().contains(RESOURCE_ADMIN)) {
      throw Http.empty(403);
    }
    String mode = Http.memberText(b, "accessListMode");
    return new Resource(id, b, org, code == null ? null : code.toLowerCase(Locale.ROOT), type,
        "Enabled".equalsIgnoreCase(mode), delegable, null);
  }

}
