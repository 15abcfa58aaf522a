package no.brokerclient.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.brokerclient.internal.Json;

/**
 * An access list ({@code AccessListInfoDto}).
 *
 * @param owner the service owner's org code it was read under
 * @param identifier the list id within the owner
 * @param urn {@code urn:altinn:access-list:{owner}:{identifier}}
 * @param name the name
 * @param description the description, empty when unset
 * @param createdAt when created, or {@code null}
 * @param updatedAt when last changed, or {@code null}
 * @param version the {@code ETag} of the answer, or {@code null} when it came without one (list-of-lists pages)
 * @param connections resource connections, when asked for ({@link AccessLists#listForResource}); else empty
 */
public record AccessList(String owner, String identifier, String urn, String name, String description,
    Instant createdAt, Instant updatedAt, Version version, List<ResourceConnection> connections) {

  /** Copies the list. */
  public AccessList {
    connections = connections == null ? List.of() : List.copyOf(connections);
  }

  static AccessList fromWire(String owner, JsonNode n, Version version) {
    List<ResourceConnection> cs = new ArrayList<>();
    for (JsonNode c : n.path("resourceConnections")) {
      cs.add(ResourceConnection.fromWire(c));
    }
    String d = Rest.text(n, "description");
    return new AccessList(owner, Rest.text(n, "identifier"), Rest.text(n, "urn"), Rest.text(n, "name"),
        d == null ? "" : d, instant(n, "createdAt"), instant(n, "updatedAt"), version, cs);
  }

  static Instant instant(JsonNode n, String field) {
    String s = Rest.text(n, field);
    return s == null ? null : Json.parseInstant(s);
  }
}
