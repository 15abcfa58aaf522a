package no.brokerclient;

import java.util.UUID;
import java.util.function.Function;
import no.brokerclient.model.OrganizationNumber;

/**
 * What to do about a 403 or {@code BRO-00028} (access lists) from Broker, in the words of step 3 of Altinn's common
 * steps; attached to an error's message by {@link no.brokerclient.internal.Transport}.
 */
final class AccessHints {
  private AccessHints() {}

  /**
   * @param resourceId the resource, when the call names it
   * @param org the organisation, when the call names it
   * @param id the file transfer, when the resource is not known
   * @return the hint for an error, or {@code null} when there is none
   */
  static Function<ApiError, String> forCall(String resourceId, OrganizationNumber org, UUID id) {
    return e -> {
      if (e.hasCode("BRO-00028")) {
        return "The resource uses access lists, and Broker checks every recipient against them (step 3 of Altinn's"
            + " common steps): ask the resource's service owner to add each recipient to an access list connected to"
            + " the resource";
      }
      if (e.status() != 403) {
        return null;
      }
      String what = resourceId != null ? "resource '" + resourceId + "'" : "the resource of file transfer " + id;
      String who = org != null ? "organisation " + org : "the organisation your token represents";
      return "Access to a Broker resource is granted by the resource's service owner (step 3 of Altinn's common"
          + " steps): ask the service owner of " + what + " to give " + who + " access. If you act for that"
          + " organisation as a vendor, the token must be for a system user of that organisation with rights to the"
          + " resource";
    };
  }
}
