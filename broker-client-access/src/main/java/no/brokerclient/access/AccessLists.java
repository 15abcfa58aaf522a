package no.brokerclient.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import no.brokerclient.ApiError;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerNotFoundException;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.internal.Transport.Call;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access lists in the Resource Registry ({@code /resourceregistry/api/v1/access-lists/{owner}}): who may use a
 * resource whose {@code accessListMode} is {@code Enabled}. Only registered Altinn service owners can use them;
 * {@code owner} is the org code (e.g. {@code ttd}), not an organisation number. Reads use scope {@link
 * AccessScopes#ACCESS_LIST_READ}, writes {@link AccessScopes#ACCESS_LIST_WRITE}. Get it from {@link
 * AltinnAccessClient#accessLists()}.
 *
 * <p>Versions: each answer's {@code ETag} is returned as an opaque {@link Version}; a 412 is a {@link
 * VersionConflictException}. Member changes are idempotent and sent in chunks of at most {@value #MAX_PER_REQUEST}.
 */
public final class AccessLists {
  /** The server's limit of parties per members request. */
  public static final int MAX_PER_REQUEST = 100;
  private static final Logger LOG = LoggerFactory.getLogger(AccessLists.class);
  private static final Set<String> READ = Set.of(AccessScopes.ACCESS_LIST_READ);
  private static final Set<String> WRITE = Set.of(AccessScopes.ACCESS_LIST_WRITE);
  private static final Pattern OWNER = Pattern.compile("[a-z][a-z0-9]{1,19}");
  private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  /** Restarts of a paged read that the list's changes interrupted (412). */
  private static final int MAX_RESTARTS = 3;
  private static final int MAX_PAGES = 10_000;

  private final Rest rest;
  private final ResourceRegistry resources;

  AccessLists(Rest rest, ResourceRegistry resources) {
    this.rest = rest;
    this.resources = resources;
  }

  /**
   * Creates a list, failing if it exists ({@code PUT} with {@code If-None-Match: *}).
   *
   * @param owner the service owner's org code
   * @param identifier the list id: lower-case letters, digits and single hyphens (the server does not check; this
   *     does)
   * @param name the name
   * @param description the description, or {@code null}
   * @return the new list with its version
   * @throws AlreadyExistsException when a list with this id exists
   */
  public AccessList create(String owner, String identifier, String name, String description) {
    Call call = upsert(owner, identifier, name, description).header("If-None-Match", "*");
    Rest.Reply r = rest.send(call);
    if (r.status() == 412) {
      throw new AlreadyExistsException(Rest.error("PUT", listUrl(owner, identifier).build(), 412),
          "access list " + owner + "/" + identifier + " already exists; use createOrUpdate or update");
    }
    return r.as(b -> AccessList.fromWire(owner, b, r.version()));
  }

  /**
   * Creates the list, or sets its name and description when it exists (an unconditional {@code PUT}; an unchanged
   * list gets no new version). Safe to repeat.
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @param name the name
   * @param description the description, or {@code null} (which clears it)
   * @return the list with its version
   */
  public AccessList createOrUpdate(String owner, String identifier, String name, String description) {
    Rest.Reply r = rest.send(upsert(owner, identifier, name, description));
    return r.as(b -> AccessList.fromWire(owner, b, r.version()));
  }

  /**
   * Updates the list only if it is still at {@code expected} ({@code If-Match}).
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @param name the name
   * @param description the description, or {@code null}
   * @param expected the version read before
   * @return the list with its new version
   * @throws VersionConflictException when the list changed (or no longer exists)
   */
  public AccessList update(String owner, String identifier, String name, String description, Version expected) {
    Objects.requireNonNull(expected, "expected");
    Rest.Reply r = rest.send(upsert(owner, identifier, name, description).header("If-Match", expected.etag()));
    if (r.status() == 412) {
      throw new VersionConflictException(Rest.error("PUT", listUrl(owner, identifier).build(), 412),
          "access list " + owner + "/" + identifier + " is no longer at version " + expected.etag()
              + ": read it again");
    }
    return r.as(b -> AccessList.fromWire(owner, b, r.version()));
  }

  private Call upsert(String owner, String identifier, String name, String description) {
    if (name == null || name.isBlank()) {
      throw new BrokerValidationException("name", "is required");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name.strip());
    if (description != null) {
      body.put("description", description);
    }
    return Rest.call("PUT", listUrl(owner, identifier).build(), WRITE, true, body).hint(hint(owner));
  }

  /**
   * @param owner the service owner's org code
   * @param identifier the list id
   * @return the list with its version, or empty when there is none
   */
  public Optional<AccessList> get(String owner, String identifier) {
    try {
      Rest.Reply r = rest.send(Rest.call("GET", listUrl(owner, identifier).build(), READ, true, null)
          .hint(hint(owner)));
      return Optional.of(r.as(b -> AccessList.fromWire(owner, b, r.version())));
    } catch (BrokerNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads the list unless it is still at {@code known} ({@code If-None-Match}; the server answers 304).
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @param known the version you have
   * @return the changed list, or empty when it is unchanged
   * @throws BrokerNotFoundException when the list no longer exists
   */
  public Optional<AccessList> getIfChanged(String owner, String identifier, Version known) {
    Objects.requireNonNull(known, "known");
    Rest.Reply r = rest.send(Rest.call("GET", listUrl(owner, identifier).build(), READ, true, null)
        .header("If-None-Match", known.etag()).hint(hint(owner)));
    return r.status() == 304 ? Optional.empty() : Optional.of(r.as(b -> AccessList.fromWire(owner, b, r.version())));
  }

  /**
   * Deletes the list. Safe to repeat.
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @return true when it was deleted, false when there was none (204)
   */
  public boolean delete(String owner, String identifier) {
    Rest.Reply r = rest.send(Rest.call("DELETE", listUrl(owner, identifier).build(), WRITE, true, null)
        .hint(hint(owner)));
    return r.status() != 204;
  }

  /**
   * Every list of the owner, 20 per page, by identifier.
   *
   * @param owner the service owner's org code
   * @return the lists (without versions: the list-of-lists pages carry none)
   */
  public List<AccessList> list(String owner) {
    HttpUrl first = ownerUrl(owner).build();
    return rest.all(u -> Rest.call("GET", u, READ, true, null).hint(hint(owner)), first, Function.identity(),
        n -> AccessList.fromWire(owner, n, null), MAX_PAGES);
  }

  /**
   * Every list of the owner with its connection to one resource and the connection's action filter ({@code
   * include=resource-actions&resource=…}). Works around the server's next link, which drops {@code resource} and
   * misspells {@code include}: pages after the first would otherwise come back without connections.
   *
   * @param owner the service owner's org code
   * @param resourceId the resource
   * @return the lists; {@link AccessList#connections()} is empty for lists not connected to the resource
   */
  public List<AccessList> listForResource(String owner, String resourceId) {
    String id = ResourceRegistry.resourceId(resourceId);
    HttpUrl first = ownerUrl(owner).addQueryParameter("include", "resource-actions")
        .addQueryParameter("resource", id).build();
    Function<HttpUrl, HttpUrl> fix = next -> next.newBuilder().removeAllQueryParameters("includes")
        .removeAllQueryParameters("include").removeAllQueryParameters("resource")
        .addQueryParameter("include", "resource-actions").addQueryParameter("resource", id).build();
    return rest.all(u -> Rest.call("GET", u, READ, true, null).hint(hint(owner)), first, fix,
        n -> AccessList.fromWire(owner, n, null), MAX_PAGES);
  }

  /**
   * Adds members; parties already on the list stay (idempotent, safe to repeat). Sent in chunks of at most {@value
   * #MAX_PER_REQUEST}, one after another; each chunk is applied whole or not at all.
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @param parties the parties (duplicates are sent once)
   * @return counts and the list's new version
   * @throws UnknownPartiesException when the register does not know some parties (see there for what was applied)
   */
  public MembershipChange addMembers(String owner, String identifier, Collection<? extends Party> parties) {
    return changeMembers("POST", owner, identifier, parties);
  }

  /**
   * Removes members; parties not on the list are ignored (idempotent). A {@code DELETE} with a JSON body, in chunks
   * of at most {@value #MAX_PER_REQUEST}.
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @param parties the parties
   * @return counts and the list's new version
   * @throws UnknownPartiesException when the register does not know some parties
   */
  public MembershipChange removeMembers(String owner, String identifier, Collection<? extends Party> parties) {
    return changeMembers("DELETE", owner, identifier, parties);
  }

  /**
   * Replaces all members with {@code parties} ({@code PUT …/members}): only for lists of at most {@value
   * #MAX_PER_REQUEST}, which the server enforces; larger lists change with {@link #addMembers} and {@link
   * #removeMembers}. Safe to repeat.
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @param parties the complete new membership, at most {@value #MAX_PER_REQUEST} distinct parties
   * @return counts and the list's new version
   * @throws UnknownPartiesException when the register does not know some parties (nothing was changed)
   */
  public MembershipChange replaceMembers(String owner, String identifier, Collection<? extends Party> parties) {
    Objects.requireNonNull(parties, "parties");
    if (new LinkedHashSet<>(parties).size() > MAX_PER_REQUEST) {
      throw new BrokerValidationException("parties", "PUT replaces at most " + MAX_PER_REQUEST + " members; use"
          + " addMembers and removeMembers for larger lists");
    }
    return changeMembers("PUT", owner, identifier, parties);
  }

  private MembershipChange changeMembers(String method, String owner, String identifier,
      Collection<? extends Party> parties) {
    Objects.requireNonNull(parties, "parties");
    HttpUrl url = listUrl(owner, identifier).addPathSegment("members").build();
    List<Party> distinct = new ArrayList<>(new LinkedHashSet<>(parties));
    if (distinct.contains(null)) {
      throw new BrokerValidationException("parties", "contains null");
    }
    Version version = null;
    int requests = 0;
    for (int from = 0; from < distinct.size(); from += MAX_PER_REQUEST) {
      List<Party> chunk = distinct.subList(from, Math.min(distinct.size(), from + MAX_PER_REQUEST));
      try {
        version = sendMembers(method, url, owner, chunk);
        requests++;
      } catch (BrokerApiException e) {
        if (e.statusCode() != 400 || !"RR-00001".equals(e.errorCode())) {
          throw e;
        }
        // Singly sent, PUT would replace the list each time; its unknown parties stay unresolved.
        throw new UnknownPartiesException(e.error(), method.equals("PUT") ? chunk
            : resolveUnknown(method, url, owner, chunk));
      }
      LOG.debug("{} {} parties on access list {}/{}", method, chunk.size(), owner, identifier);
    }
    return new MembershipChange(distinct.size(), requests, version);
  }

  private Version sendMembers(String method, HttpUrl url, String owner, List<Party> chunk) {
    Map<String, Object> body = Map.of("data", chunk.stream().map(Party::urn).toList());
    return rest.send(Rest.call(method, url, WRITE, true, body).hint(hint(owner))).version();
  }

  /** One request per party of the failed chunk: the known ones are applied, the unknown ones returned. */
  private List<Party> resolveUnknown(String method, HttpUrl url, String owner, List<Party> chunk) {
    List<Party> unknown = new ArrayList<>();
    for (Party p : chunk) {
      try {
        sendMembers(method, url, owner, List.of(p));
      } catch (BrokerApiException e) {
        if (e.statusCode() != 400 || !"RR-00001".equals(e.errorCode())) {
          throw e;
        }
        unknown.add(p);
      }
    }
    return unknown;
  }

  /**
   * Every member, 100 per page. When the list changes between pages (412), starts again from the first page, up to
   * three times.
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @return the members
   * @throws VersionConflictException when the list kept changing
   */
  public List<Membership> members(String owner, String identifier) {
    HttpUrl first = listUrl(owner, identifier).addPathSegment("members").build();
    return restarting(first, owner, Membership::fromWire);
  }

  /**
   * Every resource connection of the list, 100 per page (restarted like {@link #members}).
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @return the connections
   */
  public List<ResourceConnection> connections(String owner, String identifier) {
    HttpUrl first = listUrl(owner, identifier).addPathSegment("resource-connections").build();
    return restarting(first, owner, ResourceConnection::fromWire);
  }

  private <T> List<T> restarting(HttpUrl first, String owner, Function<JsonNode, T> map) {
    for (int attempt = 0; ; attempt++) {
      try {
        return rest.all(u -> Rest.call("GET", u, READ, true, null).hint(hint(owner)), first, Function.identity(),
            map, MAX_PAGES);
      } catch (VersionConflictException e) {
        if (attempt >= MAX_RESTARTS) {
          throw e;
        }
        LOG.debug("{} changed while it was read; starting again", first.encodedPath());
      }
    }
  }

  /**
   * Connects the list to a resource: its members get the given actions on it ({@code PUT
   * …/resource-connections/{resourceId}}; idempotent, and a different set replaces the filter). Logs a WARN when the
   * resource's {@code accessListMode} is not {@code Enabled}, because the connection then has no effect.
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @param resourceId the resource (owned by the same service owner)
   * @param actions the actions allowed; empty for every action of the policy
   * @return the connection
   */
  public ResourceConnection connect(String owner, String identifier, String resourceId, Set<AccessAction> actions) {
    Objects.requireNonNull(actions, "actions");
    String rid = ResourceRegistry.resourceId(resourceId);
    HttpUrl url = listUrl(owner, identifier).addPathSegment("resource-connections").addPathSegment(rid).build();
    resources.get(rid).ifPresent(r -> {
      if (r.accessListMode() != AccessListMode.ENABLED) {
        LOG.warn("Access list {}/{} connected to resource {}, whose accessListMode is {}: the list has no effect"
            + " until the resource's accessListMode is Enabled (ResourceRegistry.createOrUpdate with"
            + " AccessListMode.ENABLED)", owner, identifier, rid, r.accessListMode().wire());
      }
    });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("actionFilters", actions.stream().sorted().map(AccessAction::wire).toList());
    Rest.Reply r = rest.send(Rest.call("PUT", url, WRITE, true, body).hint(e -> connectHint(e, owner, identifier,
        rid)));
    return r.as(ResourceConnection::fromWire);
  }

  /**
   * Removes the list's connection to a resource. Safe to repeat.
   *
   * @param owner the service owner's org code
   * @param identifier the list id
   * @param resourceId the resource
   * @return true when a connection was removed, false when there was none
   */
  public boolean disconnect(String owner, String identifier, String resourceId) {
    String rid = ResourceRegistry.resourceId(resourceId);
    HttpUrl url = listUrl(owner, identifier).addPathSegment("resource-connections").addPathSegment(rid).build();
    return rest.send(Rest.call("DELETE", url, WRITE, true, null).hint(hint(owner))).status() != 204;
  }

  private HttpUrl.Builder ownerUrl(String owner) {
    if (owner == null || !OWNER.matcher(owner).matches()) {
      throw new BrokerValidationException("owner", "must be the service owner's Altinn org code (e.g. ttd), not an"
          + " organisation number; got '" + owner + "'");
    }
    return rest.url("access-lists", owner);
  }

  private HttpUrl.Builder listUrl(String owner, String identifier) {
    if (identifier == null || identifier.length() > 100 || !ID.matcher(identifier).matches()) {
      throw new BrokerValidationException("identifier", "must be lower-case letters, digits and single hyphens"
          + " (e.g. approved-senders), at most 100 characters; got '" + identifier + "'");
    }
    return ownerUrl(owner).addPathSegment(identifier);
  }

  private static Function<ApiError, String> hint(String owner) {
    return e -> {
      if (e.status() == 403) {
        return "Only registered Altinn service owners can use access lists: the token's organisation must be service"
            + " owner '" + owner + "' and have scope " + AccessScopes.ACCESS_LIST_WRITE + " (or "
            + AccessScopes.ACCESS_LIST_READ + " to read), granted through tjenesteeier@altinn.no";
      }
      if (e.status() == 400 && Rest.validationCodes(e).contains("RR.VLD-00010")) {
        return "'" + owner + "' is not in Altinn's list of service owners (altinn-orgs.json)";
      }
      return null;
    };
  }

  private static String connectHint(ApiError e, String owner, String identifier, String resourceId) {
    if (e.status() == 400 && "RR-00002".equals(e.code())) {
      return "resource " + resourceId + " does not exist in the Resource Registry";
    }
    if (e.status() == 403 && "RR-00004".equals(e.code())) {
      return "resource " + resourceId + " belongs to another service owner than '" + owner + "'";
    }
    if (e.status() == 404) {
      return "access list " + owner + "/" + identifier + " does not exist";
    }
    return hint(owner).apply(e);
  }
}
