package no.brokerclient;

import java.util.UUID;

/**
 * The bytes of a file transfer do not have the MD5 checksum (or size) they should have: on download, the bytes
 * received do not match the transfer's overview (the download target is never written when this is thrown); on a
 * TUS upload, Broker's check after the last chunk found that the bytes it stored do not match the initialize
 * checksum (the transfer is {@code Failed}; initialize a new one).
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
    this("Download of file transfer " + fileTransferId + " is corrupt: expected " + expected + " but received "
        + actual + "; nothing was written to the target", fileTransferId, expected, actual);
  }

  private ChecksumMismatchException(String message, UUID fileTransferId, String expected, String actual) {
    super(message);
    this.fileTransferId = fileTransferId;
    this.expected = expected;
    this.actual = actual;
  }

  /**
   * A TUS upload that Broker failed with "Checksum mismatch" after its last chunk.
   *
   * @param fileTransferId the transfer, now {@code Failed}
   * @param expected the initialize checksum
   * @param statusText Broker's status text
   * @return the exception; its {@link #actual()} is {@code null} (Broker does not say)
   */
  public static ChecksumMismatchException uploadRejected(UUID fileTransferId, String expected, String statusText) {
    return new ChecksumMismatchException("Broker failed the upload of file transfer " + fileTransferId + ": the bytes"
        + " it stored do not match the initialize checksum " + expected + " (" + statusText + "); the file changed"
        + " while it was sent, or the checksum is wrong: initialize a new file transfer and send again",
        fileTransferId, expected, null);
  }

  /** @return the transfer whose bytes failed verification */
  public UUID fileTransferId() {
    return fileTransferId;
  }

  /** @return the MD5 (lower-case hex) or size Broker reported */
  public String expected() {
    return expected;
  }

  /** @return the MD5 (lower-case hex) or size of what was received, or {@code null} when unknown */
  public String actual() {
    return actual;
  }
}
