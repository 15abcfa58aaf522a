package no.brokerclient.events;

import java.time.Instant;
import java.util.UUID;
import no.brokerclient.model.OrganizationNumber;

/**
 * A Broker event, from a webhook delivery (CloudEvents 1.0 JSON) or synthesized by {@link BrokerEventPoller}.
 * Treat it as a trigger: read the transfer's overview with your own token before acting on it.
 *
 * @param id the CloudEvent id ({@code poll:<fileTransferId>:<type>} for polled events)
 * @param source the CloudEvent source, e.g. {@code https://platform.tt02.altinn.no/broker/api/v1/filetransfer}
 * @param type the event type (possibly unknown to this SDK version)
 * @param time when Broker raised it, or {@code null}
 * @param subject the raw subject, e.g. {@code urn:altinn:organization:identifier-no:991825827}, or {@code null}
 * @param organization the subject's organisation, or {@code null} if the subject is not an organisation URN
 * @param resourceId the bare Broker resource id (from the {@code resource} extension), or {@code null}
 * @param fileTransferId the transfer (from {@code resourceinstance}), or {@code null}
 * @param role {@code data.Role}: whether the event is for the sender or a recipient
 * @param origin where it came from
 */
public record BrokerEvent(String id, String source, EventType type, Instant time, String subject,
    OrganizationNumber organization, String resourceId, UUID fileTransferId, EventRole role, Origin origin) {

  /** Where an event came from. */
  public enum Origin {
    /** Pushed by Altinn Events. */
    WEBHOOK,
    /** Found by {@link BrokerEventPoller}. */
    POLL
  }

  /**
   * The key duplicates share, whichever path delivered them: {@code type|fileTransferId|subject|role} for events
   * about a transfer (so a polled {@code published} and the pushed one collapse), else {@code source|id}.
   *
   * @return the dedupe key
   */
  public String dedupeKey() {
    if (fileTransferId != null && organization != null) {
      return type.value() + "|" + fileTransferId + "|" + organization.digits() + "|" + role;
    }
    return source + "|" + id;
  }
}
