package no.brokerclient;

import no.brokerclient.model.FileTransferOverview;

/** Waiting for a file transfer to reach a status took longer than the caller allowed. */
public final class BrokerTimeoutException extends BrokerException {
  private static final long serialVersionUID = 1L;

  private final transient FileTransferOverview lastSeen;

  /**
   * @param message what was awaited
   * @param lastSeen the last overview read, or {@code null}
   */
  public BrokerTimeoutException(String message, FileTransferOverview lastSeen) {
    super(message);
    this.lastSeen = lastSeen;
  }

  /** @return the last overview read before giving up, or {@code null} if none was read */
  public FileTransferOverview lastSeen() {
    return lastSeen;
  }
}
