package no.brokerclient;

import no.brokerclient.model.FileTransferOverview;

/**
 * While waiting for a status, the file transfer reached a state it cannot leave: {@code Failed} (checksum
 * mismatch, malware found, aborted upload: see {@link FileTransferOverview#fileTransferStatusText()}),
 * {@code Purged} or {@code Cancelled}. A failed transfer must be initialized again.
 */
public final class FileTransferFailedException extends BrokerException {
  private static final long serialVersionUID = 1L;

  private final transient FileTransferOverview overview;

  /**
   * @param overview the overview showing the terminal status
   */
  public FileTransferFailedException(FileTransferOverview overview) {
    super("File transfer " + overview.fileTransferId() + " ended in status " + overview.fileTransferStatus()
        + ": " + overview.fileTransferStatusText());
    this.overview = overview;
  }

  /** @return the overview that showed the terminal status */
  public FileTransferOverview overview() {
    return overview;
  }
}
