package no.brokerclient;

import java.util.UUID;

/**
 * A TUS upload made no progress through {@code BrokerClient}'s bounded resume attempts: the server's offset (HEAD)
 * and the offset it accepts a PATCH at never agreed, or every chunk kept failing. Broker can end up here after a
 * connection reset mid-PATCH or a second create, and such an upload can never finish: initialize a new file
 * transfer and upload again.
 */
public final class UploadStalledException extends BrokerException {
  private static final long serialVersionUID = 1L;

  private final UUID fileTransferId;
  private final long serverOffset;
  private final int attempts;

  /**
   * @param fileTransferId the transfer
   * @param serverOffset the last offset HEAD reported, or -1 if none
   * @param attempts the attempts made without progress
   * @param cause the last failure
   */
  public UploadStalledException(UUID fileTransferId, long serverOffset, int attempts, Throwable cause) {
    super("The TUS upload of file transfer " + fileTransferId + " made no progress in " + attempts + " attempts"
        + " (server offset " + serverOffset + "; last failure: " + (cause == null ? "none" : cause.getMessage())
        + "): initialize a new file transfer and upload again", cause);
    this.fileTransferId = fileTransferId;
    this.serverOffset = serverOffset;
    this.attempts = attempts;
  }

  /** @return the transfer */
  public UUID fileTransferId() {
    return fileTransferId;
  }

  /** @return the last offset HEAD reported, or -1 if none */
  public long serverOffset() {
    return serverOffset;
  }

  /** @return the attempts made without progress */
  public int attempts() {
    return attempts;
  }
}
