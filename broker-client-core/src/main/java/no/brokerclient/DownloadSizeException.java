package no.brokerclient;

import java.util.UUID;

/**
 * A download was refused or stopped because of its size, before harm: the transfer's overview declared a size
 * Broker can never report (negative, or above {@link #MAX_BROKER_FILE_SIZE}), or the overview declared no size
 * ({@code fileTransferSize} 0 or missing) and the server sent more than {@link
 * BrokerClient.Builder#maxUnknownSizeDownload(long)} allows. A download to a file leaves the target untouched and
 * deletes the bytes received.
 */
public final class DownloadSizeException extends BrokerException {
  private static final long serialVersionUID = 1L;

  /**
   * The largest file Broker stores: 32 MiB × 50,000 Azure blocks (1,677,721,600,000 bytes), the limit for
   * transfers without virus scan (scanned ones are limited to 50 GB).
   */
  public static final long MAX_BROKER_FILE_SIZE = 1_677_721_600_000L;

  private final UUID fileTransferId;
  private final long limit;

  /**
   * @param fileTransferId the transfer
   * @param message what was wrong with the size
   * @param limit the limit that applied, in bytes
   */
  public DownloadSizeException(UUID fileTransferId, String message, long limit) {
    super("Download of file transfer " + fileTransferId + " refused: " + message);
    this.fileTransferId = fileTransferId;
    this.limit = limit;
  }

  /** @return the transfer */
  public UUID fileTransferId() {
    return fileTransferId;
  }

  /** @return the limit that applied, in bytes */
  public long limit() {
    return limit;
  }
}
