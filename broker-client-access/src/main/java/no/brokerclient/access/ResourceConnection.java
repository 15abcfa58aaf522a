package no.brokerclient.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * An access list's connection to a resource.
 *
 * @param resourceIdentifier the bare resource id
 * @param actions the action filter; empty means every action of the resource's policy
 * @param unknownActions action ids in the filter that are not Broker's ({@code read}, {@code write}, {@code
 *     subscribe}); usually empty
 * @param createdAt when created, or {@code null}
 * @param updatedAt when last changed, or {@code null}
 */
public record ResourceConnection(String resourceIdentifier, Set<AccessAction> actions, Set<String> unknownActions,
    Instant createdAt, Instant updatedAt) {

  /** Copies the sets. */
  public ResourceConnection {
    actions = actions == null || actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
    unknownActions = unknownActions == null ? Set.of() : Set.copyOf(unknownActions);
  }

  /** @return whether the filter allows every action */
  public boolean allActions() {
    return actions.isEmpty() && unknownActions.isEmpty();
  }

  static ResourceConnection fromWire(JsonNode n) {
    Set<AccessAction> actions = EnumSet.noneOf(AccessAction.class);
    Set<String> unknown = new java.util.TreeSet<>();
    for (JsonNode a : n.path("actionFilters")) {
      AccessAction known = AccessAction.fromWire(a.asText());
      if (known != null) {
        actions.add(known);
      } else {
        unknown.add(a.asText());
      }
    }
    return new ResourceConnection(Rest.text(n, "resourceIdentifier"), actions, unknown,
        AccessList.instant(n, "createdAt"), AccessList.instant(n, "updatedAt"));
  }
}
