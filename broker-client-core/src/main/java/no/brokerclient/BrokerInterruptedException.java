package no.brokerclient;

/**
 * The calling thread was interrupted while the SDK was waiting: for a response, for bytes of a response body, to
 * send a request body, or between retries and polls. The HTTP call in flight, if any, was cancelled (its
 * connection is closed, not returned to the pool), so the thread is released within about a tenth of a second
 * instead of after the read timeout.
 *
 * <p>The thread's interrupt flag is still set when this is thrown, so code further up sees the interrupt too. A
 * download to a file leaves the target untouched (the bytes received so far are kept for the next attempt to
 * resume; see {@link BrokerClient#download(java.util.UUID, java.nio.file.Path, ProgressListener)}). An interrupted
 * initialize or upload may still have reached the server: reconcile with {@link BrokerClient#findInitialized} or
 * {@link BrokerClient#getOverview} before repeating it.
 */
public final class BrokerInterruptedException extends BrokerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was interrupted
   * @param cause the I/O failure the cancellation caused, an {@link InterruptedException}, or {@code null}
   */
  public BrokerInterruptedException(String message, Throwable cause) {
    super(message, cause);
  }
}
