package no.brokerclient.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import no.brokerclient.model.OrganizationNumber;

/**
 * One member of an access list ({@code AccessListMembershipDto}).
 *
 * @param partyUuid the member's party UUID (the server's {@code id}, {@code urn:altinn:party:uuid:…})
 * @param partyId the numeric party id, or {@code null} when the server did not say
 * @param organizationNumber the organisation number, or {@code null} (persons have none)
 * @param since when it became a member, or {@code null}
 */
public record Membership(UUID partyUuid, Long partyId, String organizationNumber, Instant since) {

  /** @return the organisation number, when the member is an organisation with a valid one */
  public Optional<OrganizationNumber> organization() {
    return organizationNumber != null && OrganizationNumber.isValid(organizationNumber)
        ? Optional.of(OrganizationNumber.of(organizationNumber)) : Optional.empty();
  }

  static Membership fromWire(JsonNode n) {
    String id = Rest.text(n, "id");
    JsonNode ids = n.path("identifiers");
    String uuid = Rest.text(ids, "urn:altinn:party:uuid");
    if (uuid == null && id != null && id.startsWith("urn:altinn:party:uuid:")) {
      uuid = id.substring("urn:altinn:party:uuid:".length());
    }
    JsonNode pid = ids.get("urn:altinn:party:id");
    Long partyId = pid == null || pid.isNull() ? null : pid.asLong();
    UUID u;
    try {
      u = uuid == null ? null : UUID.fromString(uuid);
    } catch (IllegalArgumentException e) {
      u = null;
    }
    return new Membership(u, partyId, Rest.text(ids, "urn:altinn:organization:identifier-no"),
        AccessList.instant(n, "since"));
  }
}
