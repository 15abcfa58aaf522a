package no.brokerclient.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A file transfer as {@code GET /broker/api/v1/filetransfer/{id}} returns it ({@code FileTransferOverviewExt}).
 *
 * @param fileTransferId the transfer's id
 * @param resourceId the Broker resource
 * @param fileName the file name given at initialize
 * @param sendersFileTransferReference the sender's reference, or {@code null}
 * @param checksum lower-case hex MD5 of the file; {@code null} or empty until known
 * @param useVirusScan whether the file is virus scanned
 * @param fileTransferSize size in bytes; 0 before upload
 * @param fileTransferStatus the transfer's status
 * @param fileTransferStatusText detailed text, e.g. {@code Checksum mismatch}
 * @param fileTransferStatusChanged when the status last changed
 * @param created when the transfer was initialized
 * @param expirationTime when the transfer expires and is purged
 * @param sender the sender as given at initialize ({@code 0192:<orgno>} or URN form)
 * @param recipients the latest status of every recipient
 * @param propertyList the sender's properties, in no particular order
 * @param published when the transfer became {@code Published}, or {@code null}
 */
public record FileTransferOverview(
    UUID fileTransferId,
    String resourceId,
    String fileName,
    String sendersFileTransferReference,
    String checksum,
    boolean useVirusScan,
    long fileTransferSize,
    FileTransferStatus fileTransferStatus,
    String fileTransferStatusText,
    Instant fileTransferStatusChanged,
    Instant created,
    Instant expirationTime,
    String sender,
    List<RecipientStatus> recipients,
    Map<String, String> propertyList,
    Instant published) {

  /** Copies collections; {@code null} becomes empty. */
  public FileTransferOverview {
    recipients = recipients == null ? List.of() : List.copyOf(recipients);
    propertyList = propertyList == null ? Map.of() : Map.copyOf(propertyList);
  }

  /**
   * @param organization a recipient
   * @return that recipient's status entry, or {@code null} if it is not a recipient
   */
  public RecipientStatus recipient(OrganizationNumber organization) {
    for (RecipientStatus r : recipients) {
      try {
        if (OrganizationNumber.of(r.recipient()).equals(organization)) {
          return r;
        }
      } catch (no.brokerclient.BrokerValidationException e) {
        // not an organisation number: cannot be this one
      }
    }
    return null;
  }
}
