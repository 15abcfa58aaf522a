package no.brokerclient;

/**
 * Receives progress of an upload or download. Called on the transferring thread after each chunk (at most every
 * 64 KiB), so keep it cheap; a transfer in parallel parts or ranges calls it from those threads, one call at a time,
 * with the total for the whole file. {@code bytesTransferred} never exceeds a known {@code totalBytes}: a chunk that
 * would pass the declared size fails the transfer before it is reported.
 *
 * <h2>A listener that throws</h2>
 * A {@link RuntimeException} from {@link #onProgress} aborts the transfer: the SDK throws {@link
 * ProgressListenerException} with the listener's exception as its {@linkplain Throwable#getCause() cause}, and
 * never retries. The connection is closed (an upload's half-sent body is never pooled or completed, so Broker does
 * not publish the transfer), a download to a file leaves its target untouched (the bytes so far are kept in the
 * partial file for a later resume), and a download stream throws it from {@code read}. An {@link Error} is not
 * caught. To cancel a transfer on purpose, throw from the listener or interrupt the thread.
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
