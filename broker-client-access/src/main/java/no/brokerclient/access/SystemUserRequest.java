package no.brokerclient.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A system-user request ({@code RequestSystemResponse}): the vendor asks a customer organisation to approve a
 * system user for its system. The customer's manager opens {@link #confirmUrl()} in a browser, logs in and approves
 * or rejects; there is no event, so poll {@link SystemUsers#status} or {@link SystemUsers#awaitApproval}.
 *
 * @param id the request id
 * @param systemId the system
 * @param customer the customer's organisation number ({@code partyOrgNo})
 * @param externalRef the external reference the request was made with; Maskinporten needs the same value
 * @param resources the bare resource ids of the requested rights
 * @param accessPackages the requested access-package URNs
 * @param status the status
 * @param confirmUrl the approval URL exactly as Altinn sent it (never rebuilt: it carries more than {@code ?id=})
 * @param redirectUrl where the customer's browser goes afterwards, or {@code null}
 * @param created when it was made, or {@code null}
 * @param timedOut whether it is older than Altinn's 180 days (make a new one)
 */
public record SystemUserRequest(UUID id, String systemId, String customer, String externalRef, List<String> resources,
    List<String> accessPackages, RequestStatus status, String confirmUrl, String redirectUrl, Instant created,
    boolean timedOut) {

  /** Copies the lists. */
  public SystemUserRequest {
    resources = List.copyOf(resources);
    accessPackages = List.copyOf(accessPackages);
  }

  static SystemUserRequest fromWire(JsonNode n) {
    String status = Rest.text(n, "status");
    String redirect = Rest.text(n, "redirectUrl");
    return new SystemUserRequest(UUID.fromString(Rest.text(n, "id")), Rest.text(n, "systemId"),
        Rest.text(n, "partyOrgNo"), Rest.text(n, "externalRef"), rightResources(n.path("rights")),
        packages(n.path("accessPackages")), new RequestStatus(status == null ? "" : status),
        Rest.text(n, "confirmUrl"), redirect == null || redirect.isEmpty() ? null : redirect,
        AccessList.instant(n, "created"), n.path("timedOut").asBoolean(false));
  }

  /** The {@code value}s of {@code rights[].resource[]} whose {@code id} is {@code urn:altinn:resource}. */
  static List<String> rightResources(JsonNode rights) {
    List<String> out = new ArrayList<>();
    for (JsonNode right : rights) {
      for (JsonNode attr : right.path("resource")) {
        if ("urn:altinn:resource".equals(Rest.text(attr, "id")) && Rest.text(attr, "value") != null) {
          out.add(Rest.text(attr, "value"));
        }
      }
    }
    return out;
  }

  static List<String> packages(JsonNode packages) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : packages) {
      if (Rest.text(p, "urn") != null) {
        out.add(Rest.text(p, "urn"));
      }
    }
    return out;
  }
}
