package no.brokerclient;

import java.util.UUID;

/**
 * The bytes downloaded for a file transfer do not have the MD5 checksum (or size) that Broker reports in the
 * transfer's overview. The download target is never written when this is thrown.
 */
public final class ChecksumMismatchException extends BrokerException {
  private static final long serialVersionUID = 1L;

  private final UUID fileTransferId;
  private final String expected;
  private final String actual;

  /**
   * @param fileTransferId the transfer
   * @param expected the checksum (or size) Broker reported
   * @param actual the checksum (or size) of the bytes received
   */
  public ChecksumMismatchException(UUID fileTransferId, String expected, String actual) {
    super("Download of file transfer " + fileTransferId + " is corrupt: expected " + expected + " but received "
        + actual + "; nothing was written to the target");
    this.fileTransferId = fileTransferId;
    this.expected = expected;
    this.actual = actual;
  }

  /** @return the transfer whose download failed verification */
  public UUID fileTransferId() {
    return fileTransferId;
  }

  /** @return the MD5 (lower-case hex) or size Broker reported */
  public String expected() {
    return expected;
  }

  /** @return the MD5 (lower-case hex) or size of what was received */
  public String actual() {
    return actual;
  }
}
