package no.brokerclient.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A file transfer with its full status history, as {@code GET /broker/api/v1/filetransfer/{id}/details} returns it
 * ({@code FileTransferStatusDetailsExt}). Broker rate-limits this endpoint to about 10 calls a minute; prefer
 * {@link FileTransferOverview} for polling.
 *
 * @param fileTransferId the transfer's id
 * @param resourceId the Broker resource
 * @param fileName the file name
 * @param sendersFileTransferReference the sender's reference, or {@code null}
 * @param checksum lower-case hex MD5, or {@code null}/empty until known
 * @param useVirusScan whether the file is virus scanned
 * @param fileTransferSize size in bytes
 * @param fileTransferStatus the current status
 * @param fileTransferStatusText the current status text
 * @param fileTransferStatusChanged when the status last changed
 * @param created when initialized
 * @param expirationTime when it expires
 * @param sender the sender as given at initialize
 * @param recipients latest status per recipient
 * @param propertyList the sender's properties
 * @param fileTransferStatusHistory every status change of the transfer
 * @param recipientFileTransferStatusHistory every status change of every recipient
 */
public record FileTransferDetails(
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
    List<StatusChange> fileTransferStatusHistory,
    List<RecipientStatusChange> recipientFileTransferStatusHistory) {

  /** Copies collections; {@code null} becomes empty. */
  public FileTransferDetails {
    recipients = recipients == null ? List.of() : List.copyOf(recipients);
    propertyList = propertyList == null ? Map.of() : Map.copyOf(propertyList);
    fileTransferStatusHistory = fileTransferStatusHistory == null ? List.of() : List.copyOf(fileTransferStatusHistory);
    recipientFileTransferStatusHistory = recipientFileTransferStatusHistory == null
        ? List.of() : List.copyOf(recipientFileTransferStatusHistory);
  }

  /**
   * One entry of {@code fileTransferStatusHistory}.
   *
   * @param fileTransferStatus the status entered
   * @param fileTransferStatusText its text
   * @param fileTransferStatusChanged when
   */
  public record StatusChange(
      FileTransferStatus fileTransferStatus, String fileTransferStatusText, Instant fileTransferStatusChanged) {}

  /**
   * One entry of {@code recipientFileTransferStatusHistory}.
   *
   * @param recipient the recipient, {@code 0192:<orgno>}
   * @param recipientFileTransferStatusCode the status entered
   * @param recipientFileTransferStatusText its text
   * @param recipientFileTransferStatusChanged when
   */
  public record RecipientStatusChange(
      String recipient,
      RecipientFileTransferStatus recipientFileTransferStatusCode,
      String recipientFileTransferStatusText,
      Instant recipientFileTransferStatusChanged) {}
}
