package no.brokerclient.access;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the Resource Registry has for a resource ({@code GET /resourceregistry/api/v1/resource/{id}}), in the parts
 * that matter for Broker.
 *
 * @param identifier the resource id
 * @param resourceType e.g. {@code BrokerService}
 * @param accessListMode the mode
 * @param ownerCode {@code hasCompetentAuthority.orgcode}, or {@code null}
 * @param ownerOrganization {@code hasCompetentAuthority.organization}, or {@code null}
 * @param delegable whether rights to it can be delegated (system users need this)
 */
public record RegisteredResource(String identifier, String resourceType, AccessListMode accessListMode,
    String ownerCode, String ownerOrganization, boolean delegable) {

  static RegisteredResource fromWire(JsonNode n) {
    JsonNode a = n.path("hasCompetentAuthority");
    return new RegisteredResource(Rest.text(n, "identifier"), Rest.text(n, "resourceType"),
        AccessListMode.fromWire(Rest.text(n, "accessListMode")), Rest.text(a, "orgcode"),
        Rest.text(a, "organization"), n.path("delegable").asBoolean(true));
  }
}
