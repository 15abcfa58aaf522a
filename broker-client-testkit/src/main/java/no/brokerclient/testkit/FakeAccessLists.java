package no.brokerclient.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import no.brokerclient.testkit.Http.Reject;

/**
 * The Resource Registry's access lists ({@code /resourceregistry/api/v1/access-lists/{owner}/…}) behind {@link
 * FakeResourceRegistry}: lists, members and resource connections with weak ETags and {@code If-Match} / {@code
 * If-None-Match}, the 100-member pages with version-bound continuation tokens, the register lookup, and the
 * access check Broker and Authorization make ({@link #listAccess}). Guarded by its own monitor.
 *
 * <p>Size: lists, members, connections and their ETag and paging rules are one state under one monitor; split out
 * of {@link FakeResourceRegistry} already.
 */
final class FakeAccessLists {
  private static final int LISTS_PAGE = 20;
  private static final int MEMBERS_PAGE = 100;
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  record Member(UUID uuid, long partyId, String org, Instant since) {}

  record Connection(String resource, List<String> actions, Instant created, Instant updated) {}

  static final class AccessList {
    final String owner;
    final String identifier;
    String name;
    String description;
    long version = 1;
    final Instant created;
    Instant updated;
    final TreeMap<UUID, Member> members = new TreeMap<>();
    final TreeMap<String, Connection> connections = new TreeMap<>();

    AccessList(String owner, String identifier, Instant now) {
      this.owner = owner;
      this.identifier = identifier;
      this.created = now;
      this.updated = now;
    }

    String etag() {
      return weak(version);
    }
  }

  private final FakeResourceRegistry registry;
  private final FakeAltinn altinn;
  private final Map<String, AccessList> lists = new TreeMap<>(); // "owner/id", guarded by this

  FakeAccessLists(FakeResourceRegistry registry, FakeAltinn altinn) {
    this.registry = registry;
    this.altinn = altinn;
  }

  /**
   * @param owner org code
   * @param identifier list id
   * @return the organisation numbers on the list (empty if there is no list)
   */
  synchronized List<String> members(String owner, String identifier) {
    AccessList l = lists.get(owner + "/" + identifier);
    return l == null ? List.of() : l.members.values().stream().map(Member::org).toList();
  }

  /**
   * Whether the access lists let {@code org} use {@code resourceId}, as Broker and Authorization see it.
   *
   * @param resourceId the resource
   * @param org the organisation number
   * @param action {@code read}, {@code write} or {@code subscribe}; {@code null} for any (Broker's recipient check)
   * @return {@code null} when the resource does not use access lists (not in the registry, or mode Disabled); else
   *     whether a list connected to the resource (with that action, or all) has the organisation
   */
  synchronized Boolean listAccess(String resourceId, String org, String action) {
    if (!registry.accessListsEnforced(resourceId)) {
      return null;
    }
    for (AccessList l : lists.values()) {
      Connection c = l.connections.get(resourceId);
      if (c != null && (action == null || c.actions().isEmpty() || c.actions().contains(action))
          && l.members.values().stream().anyMatch(m -> m.org() != null && m.org().equals(org))) {
        return true;
      }
    }
    return false;
  }

  /** Answers {@code /access-lists/{owner}/…} (the scope and owner checks come first). */
  void route(HttpExchange ex, String[] p) throws Reject, IOException {
    String m = ex.getRequestMethod();
    boolean write = !m.equals("GET") && !m.equals("HEAD");
    Http.Caller c = Http.caller(altinn.maskinporten(), ex, write
        ? Set.of(FakeResourceRegistry.LIST_WRITE, FakeResourceRegistry.RESOURCE_ADMIN)
        : Set.of(FakeResourceRegistry.LIST_READ, FakeResourceRegistry.LIST_WRITE, FakeResourceRegistry.RESOURCE_ADMIN,
            "altinn:resourceregistry/pdp:accesslist.read"));
    String owner = owner(c, p[5]);
    int n = p.length;
    synchronized (this) {
      if (n == 6 && m.equals("GET")) {
        listLists(ex, owner);
      } else if (n == 7) {
        list(ex, m, owner, p[6]);
      } else if (n == 8 && p[7].equals("members")) {
        members(ex, m, owner, p[6]);
      } else if (n == 8 && p[7].equals("resource-connections") && m.equals("GET")) {
        connections(ex, owner, p[6]);
      } else if (n == 9 && p[7].equals("resource-connections")) {
        connection(ex, m, c, owner, p[6], p[8]);
      } else {
        throw Http.text(405, "");
      }
    }
  }

  /** {@code OwnedResourceAuthorizationHandler} (403), then {@code OwnerMustBeOrgcodeFilter} (400 RR.VLD-00010). */
  private String owner(Http.Caller c, String owner) throws Reject {
    String o = owner.toLowerCase(Locale.ROOT);
    boolean exempt = c.scopes().contains(FakeResourceRegistry.RESOURCE_ADMIN)
        || c.scopes().contains("altinn:resourceregistry/pdp:accesslist.read");
    if (!exempt && (c.org() == null || !c.org().equals(registry.serviceOwners().get(o)))) {
      throw Http.empty(403);
    }
    if (!registry.serviceOwners().containsKey(o)) {
      throw Http.altinnProblem(400, "STD-00000", "One or more validation errors occurred.", "RR.VLD-00010",
          "/$PATH/owner");
    }
    return o;
  }

  private void listLists(HttpExchange ex, String owner) throws Reject, IOException {
    Map<String, List<String>> q = Http.query(ex);
    String include = Http.first(q, "include");
    String resource = Http.first(q, "resource");
    boolean withConnections = include != null
        && (include.contains("resources") || include.contains("resource-actions"));
    if (include != null && include.contains("members")) {
      throw Http.altinnProblem(501, "RR-00000", "Not implemented", null, null);
    }
    if (withConnections && resource == null) {
      throw Http.altinnProblem(400, "STD-00000", "One or more validation errors occurred.", "RR.VLD-00002",
          "/$QUERY/resource");
    }
    String after = token(Http.first(q, "token"));
    List<AccessList> mine = new ArrayList<>();
    for (AccessList l : lists.values()) {
      if (l.owner.equals(owner) && (after == null || l.identifier.compareTo(after) >= 0)) {
        mine.add(l);
      }
    }
    ObjectNode page = Http.JSON.createObjectNode();
    ObjectNode links = page.putObject("links");
    ArrayNode data = page.putArray("data");
    for (int i = 0; i < Math.min(LISTS_PAGE, mine.size()); i++) {
      ObjectNode info = info(mine.get(i));
      if (withConnections) {
        ArrayNode cs = info.putArray("resourceConnections");
        Connection conn = mine.get(i).connections.get(resource);
        if (conn != null) {
          cs.add(connectionJson(conn, include.contains("resource-actions")));
        }
      }
      data.add(info);
    }
    if (mine.size() > LISTS_PAGE) {
      // The server's bug (AccessListsController.GetAccessListsByOwner): "includes", and no "resource".
      links.put("next", Http.base(ex) + "/resourceregistry/api/v1/access-lists/" + owner + "?token="
          + encode(mine.get(LISTS_PAGE).identifier) + (include != null ? "&includes=" + include : ""));
    }
    Http.sendJson(ex, 200, page);
  }

  private void list(HttpExchange ex, String m, String owner, String id) throws Reject, IOException {
    String key = owner + "/" + id;
    AccessList l = lists.get(key);
    switch (m) {
      case "GET" -> {
        if (l == null) {
          throw Http.text(404, "");
        }
        conditions(ex, l, true);
        sendList(ex, 200, l);
      }
      case "PUT" -> {
        conditions(ex, l, false);
        JsonNode b = Http.readJson(ex, 1 << 16);
        String name = Http.memberText(b, "name");
        if (name == null) {
          throw Http.altinnProblem(400, "STD-00000", "One or more validation errors occurred.", "RR.VLD-00003",
              "/name");
        }
        String description = Http.memberText(b, "description");
        Instant now = altinn.clock().instant();
        if (l == null) {
          l = new AccessList(owner, id, now);
          l.name = name;
          l.description = description == null ? "" : description;
          lists.put(key, l);
        } else if (!name.equals(l.name) || !(description == null ? "" : description).equals(l.description)) {
          l.name = name;
          l.description = description == null ? "" : description;
          changed(l);
        }
        sendList(ex, 200, l);
      }
      case "DELETE" -> {
        if (l == null) {
          Http.sendText(ex, 204, null, null);
          return;
        }
        conditions(ex, l, false);
        lists.remove(key);
        sendList(ex, 200, l);
      }
      case "PATCH" -> throw Http.text(501, "");
      default -> throw Http.text(405, "");
    }
  }

  private void changed(AccessList l) {
    l.version++;
    l.updated = altinn.clock().instant();
  }

  private void members(HttpExchange ex, String m, String owner, String id) throws Reject, IOException {
    AccessList l = lists.get(owner + "/" + id);
    if (l == null) {
      throw Http.text(404, "");
    }
    if (m.equals("GET")) {
      conditions(ex, l, true);
      page(ex, l, l.members, Http.first(Http.query(ex), "token"), UUID::fromString, "members", this::memberJson);
      return;
    }
    conditions(ex, l, false);
    List<String> urns = membersBody(ex);
    if (urns.size() > MEMBERS_PAGE) {
      throw Http.altinnProblem(400, "STD-00000", "One or more validation errors occurred.",
          m.equals("PUT") ? "RR.VLD-00000" : "RR.VLD-00001", "/data");
    }
    List<Member> resolved = new ArrayList<>();
    for (String urn : urns) {
      Member found = resolve(urn);
      if (found == null) {
        throw Http.altinnProblem(400, "RR-00001", "One or more party references not found.", null, null);
      }
      resolved.add(found);
    }
    Map<UUID, Member> before = new HashMap<>(l.members);
    switch (m) {
      case "POST" -> resolved.forEach(r -> l.members.putIfAbsent(r.uuid(), r));
      case "DELETE" -> resolved.forEach(r -> l.members.remove(r.uuid()));
      case "PUT" -> {
        l.members.clear();
        resolved.forEach(r -> l.members.put(r.uuid(), before.getOrDefault(r.uuid(), r)));
      }
      default -> throw Http.text(405, "");
    }
    if (!before.keySet().equals(l.members.keySet())) {
      changed(l);
    }
    page(ex, l, l.members, null, UUID::fromString, "members", this::memberJson);
  }

  /** The custom converter: exactly one property, {@code data}, an array of strings. */
  private static List<String> membersBody(HttpExchange ex) throws Reject, IOException {
    JsonNode b = Http.readJson(ex, 1 << 20);
    if (!b.isObject() || b.size() != 1 || !b.has("data") || !b.get("data").isArray()) {
      throw Http.validation("$", "The JSON value could not be converted to UpsertAccessListPartyMembersListDto.");
    }
    List<String> urns = new ArrayList<>();
    for (JsonNode u : b.get("data")) {
      if (!u.isTextual()) {
        throw Http.validation("$.data", "The JSON value could not be converted.");
      }
      urns.add(u.asText());
    }
    return urns;
  }

  /** Altinn's register: organisations unless {@link #unknownOrganizations}; party UUIDs and ids of seen ones. */
  private Member resolve(String urn) throws Reject {
    Instant now = altinn.clock().instant();
    String org;
    if (urn.startsWith("urn:altinn:organization:identifier-no:")) {
      org = urn.substring("urn:altinn:organization:identifier-no:".length());
      if (!org.matches("\\d{9}")) {
        throw Http.validation("$.data", "Invalid party URN " + urn);
      }
    } else if (urn.startsWith("urn:altinn:party:uuid:")) {
      org = orgOf(p -> p.uuid().toString().equalsIgnoreCase(urn.substring("urn:altinn:party:uuid:".length())));
    } else if (urn.startsWith("urn:altinn:party:id:")) {
      org = orgOf(p -> Long.toString(p.partyId()).equals(urn.substring("urn:altinn:party:id:".length())));
    } else {
      throw Http.validation("$.data", "Invalid party URN " + urn);
    }
    if (org == null || registry.unknown(org)) {
      return null;
    }
    return party(org, now);
  }

  private String orgOf(java.util.function.Predicate<Member> match) {
    for (String org : knownOrgs()) {
      if (match.test(party(org, null))) {
        return org;
      }
    }
    return null;
  }

  private Set<String> knownOrgs() {
    Set<String> orgs = new java.util.TreeSet<>(registry.serviceOwners().values());
    lists.values().forEach(l -> l.members.values().forEach(m -> orgs.add(m.org())));
    orgs.addAll(altinn.maskinporten().organizations());
    return orgs;
  }

  /** The organisation's party, with a stable UUID and id derived from its number. */
  static Member party(String org, Instant since) {
    UUID uuid = UUID.nameUUIDFromBytes(("party:" + org).getBytes(StandardCharsets.UTF_8));
    return new Member(uuid, 50_000_000L + Math.floorMod(org.hashCode(), 10_000_000), org, since);
  }

  private ObjectNode memberJson(Member mem) {
    ObjectNode n = Http.JSON.createObjectNode();
    n.put("id", "urn:altinn:party:uuid:" + mem.uuid());
    n.put("since", mem.since().toString());
    ObjectNode ids = n.putObject("identifiers");
    ids.put("urn:altinn:party:uuid", mem.uuid().toString());
    ids.put("urn:altinn:party:id", mem.partyId());
    ids.put("urn:altinn:organization:identifier-no", mem.org());
    return n;
  }

  private void connections(HttpExchange ex, String owner, String id) throws Reject, IOException {
    AccessList l = lists.get(owner + "/" + id);
    if (l == null) {
      throw Http.text(404, "");
    }
    conditions(ex, l, true);
    page(ex, l, l.connections, Http.first(Http.query(ex), "token"), k -> k, "resource-connections",
        c -> connectionJson(c, true));
  }

  private void connection(HttpExchange ex, String m, Http.Caller c, String owner, String id, String resourceId)
      throws Reject, IOException {
    if (m.equals("PUT")) {
      JsonNode b = Http.readJson(ex, 1 << 16);
      FakeResourceRegistry.Resource r = registry.resource(resourceId);
      if (r == null) {
        throw Http.altinnProblem(400, "RR-00002", "One or more resource references not found.", null, null);
      }
      if (!owner.equals(r.ownerCode()) && !c.scopes().contains(FakeResourceRegistry.RESOURCE_ADMIN)) {
        throw Http.altinnProblem(403, "RR-00004", "Cannot create a access-list connection to a resource not owned by"
            + " the same service-owner as the access-list.", null, null);
      }
      AccessList l = lists.get(owner + "/" + id);
      if (l == null) {
        throw Http.text(404, "");
      }
      conditions(ex, l, false);
      List<String> actions = new ArrayList<>();
      JsonNode filters = Http.member(b, "actionFilters");
      if (filters != null) {
        filters.forEach(a -> actions.add(a.asText()));
      }
      actions.sort(null);
      Connection old = l.connections.get(resourceId);
      Instant now = altinn.clock().instant();
      Connection conn = old;
      if (old == null || !old.actions().equals(actions)) {
        conn = new Connection(resourceId, List.copyOf(actions), old == null ? now : old.created(), now);
        l.connections.put(resourceId, conn);
        changed(l);
      }
      ex.getResponseHeaders().set("ETag", l.etag());
      Http.sendJson(ex, 200, connectionJson(conn, true));
    } else if (m.equals("DELETE")) {
      AccessList l = lists.get(owner + "/" + id);
      if (l == null) {
        throw Http.text(404, "");
      }
      conditions(ex, l, false);
      Connection old = l.connections.remove(resourceId);
      if (old == null) {
        Http.sendText(ex, 204, null, null);
        return;
      }
      changed(l);
      ex.getResponseHeaders().set("ETag", l.etag());
      Http.sendJson(ex, 200, connectionJson(old, true));
    } else {
      throw Http.text(405, "");
    }
  }

  private static ObjectNode connectionJson(Connection c, boolean withActions) {
    ObjectNode n = Http.JSON.createObjectNode();
    n.put("resourceIdentifier", c.resource());
    if (withActions && !c.actions().isEmpty()) {
      ArrayNode a = n.putArray("actionFilters");
      c.actions().forEach(a::add);
    }
    n.put("createdAt", c.created().toString());
    n.put("updatedAt", c.updated().toString());
    return n;
  }

  /** One page of 100, with a continuation token bound to the list's version (412 when it changed). */
  private <K extends Comparable<K>, V> void page(HttpExchange ex, AccessList l, TreeMap<K, V> items, String token,
      java.util.function.Function<String, K> key, String path, java.util.function.Function<V, ObjectNode> json)
      throws Reject, IOException {
    String from = token(token);
    Map<K, V> tail = items;
    if (from != null) {
      String[] vk = from.split("\\|", 2);
      if (vk.length != 2 || !vk[0].equals(Long.toString(l.version))) {
        throw Http.empty(412);
      }
      try {
        tail = items.tailMap(key.apply(vk[1]), true);
      } catch (IllegalArgumentException e) {
        throw Http.validation("token", "Invalid continuation token");
      }
    }
    ObjectNode page = Http.JSON.createObjectNode();
    ObjectNode links = page.putObject("links");
    ArrayNode data = page.putArray("data");
    int i = 0;
    for (Map.Entry<K, V> e : tail.entrySet()) {
      if (i++ == MEMBERS_PAGE) {
        links.put("next", Http.base(ex) + "/resourceregistry/api/v1/access-lists/" + l.owner + "/" + l.identifier + "/"
            + path + "?token=" + encode(l.version + "|" + e.getKey()));
        break;
      }
      data.add(json.apply(e.getValue()));
    }
    ex.getResponseHeaders().set("ETag", l.etag());
    ex.getResponseHeaders().set("Last-Modified", HTTP_DATE.format(l.updated));
    Http.sendJson(ex, 200, page);
  }

  private void sendList(HttpExchange ex, int status, AccessList l) throws IOException {
    ex.getResponseHeaders().set("ETag", l.etag());
    ex.getResponseHeaders().set("Last-Modified", HTTP_DATE.format(l.updated));
    Http.sendJson(ex, status, info(l));
  }

  private static ObjectNode info(AccessList l) {
    ObjectNode n = Http.JSON.createObjectNode();
    n.put("urn", "urn:altinn:access-list:" + l.owner + ":" + l.identifier);
    n.put("identifier", l.identifier);
    n.put("name", l.name);
    n.put("description", l.description);
    n.put("createdAt", l.created.toString());
    n.put("updatedAt", l.updated.toString());
    return n;
  }

  /**
   * {@code RequestCondition}: If-Match / If-None-Match with weak tags or {@code *}; 412 on writes, 304 on reads.
   *
   * @param l the list, or {@code null} when it does not exist
   */
  private static void conditions(HttpExchange ex, AccessList l, boolean read) throws Reject {
    String ifMatch = ex.getRequestHeaders().getFirst("If-Match");
    String ifNoneMatch = ex.getRequestHeaders().getFirst("If-None-Match");
    if (ifMatch != null && !matches(ifMatch, l)) {
      throw Http.empty(412);
    }
    if (ifNoneMatch != null && matches(ifNoneMatch, l)) {
      if (read) {
        throw new Reject(304, null, "", Map.of("ETag", l.etag()));
      }
      throw Http.empty(412);
    }
  }

  private static boolean matches(String header, AccessList l) throws Reject {
    for (String tag : header.split(",")) {
      String t = tag.strip();
      if (t.equals("*")) {
        if (l != null) {
          return true;
        }
        continue;
      }
      if (!t.startsWith("W/\"")) {
        throw Http.text(400, "Only weak etags are supported.");
      }
      if (l != null && t.equals(l.etag())) {
        return true;
      }
    }
    return false;
  }

  static String weak(long version) {
    return "W/\"" + encode("{\"version\":\"" + version + "\"}") + "\"";
  }

  private static String encode(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String token(String t) throws Reject {
    if (t == null || t.isEmpty()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(t), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Http.validation("token", "Invalid continuation token");
    }
  }
}
