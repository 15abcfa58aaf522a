package no.brokerclient;

/**
 * Receives progress of an upload or download. Called on the transferring thread after each chunk (at most every
 * 64 KiB), so keep it cheap; exceptions it throws abort the transfer.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that does nothing. */
  ProgressListener NONE = (done, total) -> { };

  /**
   * @param bytesTransferred bytes sent or received so far
   * @param totalBytes total bytes, or {@code -1} when unknown
   */
  void onProgress(long bytesTransferred, long totalBytes);
}
