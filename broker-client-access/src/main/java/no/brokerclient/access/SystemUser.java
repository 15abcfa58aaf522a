package no.brokerclient.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.auth.MaskinportenView;
import no.brokerclient.model.OrganizationNumber;

/**
 * An approved system user ({@code SystemUserExternalDTO}): the vendor's system acting for one customer.
 *
 * @param id the system user's id
 * @param systemId the system
 * @param customer the customer organisation ({@code reporteeOrgNo})
 * @param externalRef the external reference; Maskinporten's token request must carry the same value
 * @param created when it was created, or {@code null}
 * @param userType {@code standard} or {@code agent}
 */
public record SystemUser(UUID id, String systemId, OrganizationNumber customer, String externalRef, Instant created,
    String userType) {

  /**
   * The vendor's Maskinporten tokens for this system user: {@code vendor.withSystemUser(customer, externalRef)}.
   * Give {@code forBroker()} of the result to a {@code BrokerClient}.
   *
   * @param vendor the vendor's Maskinporten, with a client id listed in the system's {@code clientId}
   * @return the view for this customer (it shares {@code vendor}'s cache and connections; close {@code vendor}, not
   *     the view)
   */
  public MaskinportenView tokens(Maskinporten vendor) {
    return vendor.withSystemUser(customer, externalRef);
  }

  static SystemUser fromWire(JsonNode n) {
    String ref = Rest.text(n, "externalRef");
    String org = Rest.text(n, "reporteeOrgNo");
    return new SystemUser(UUID.fromString(Rest.text(n, "id")), Rest.text(n, "systemId"), OrganizationNumber.of(org),
        ref == null || ref.isEmpty() ? org : ref, AccessList.instant(n, "created"), Rest.text(n, "userType"));
  }
}
