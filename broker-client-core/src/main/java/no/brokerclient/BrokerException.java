package no.brokerclient;

/**
 * Root of every exception thrown by broker-client. Unchecked, so callers catch what they can act on.
 *
 * <ul>
 *   <li>{@link BrokerApiException} and its subclasses: Altinn answered with an error status; {@link
 *       BrokerRedirectException}: it answered with a redirect, which is never followed.</li>
 *   <li>{@link BrokerIOException}: the network failed; {@link BrokerIOException#requestMayHaveBeenSent()} says
 *       whether a non-idempotent call may still have taken effect. Its subclass {@link
 *       BrokerInvalidResponseException}: a success answer could not be accepted.</li>
 *   <li>{@link BrokerValidationException}: the request was rejected locally, before any network call.</li>
 *   <li>{@link ChecksumMismatchException}: downloaded bytes did not match the transfer's MD5.</li>
 *   <li>{@link DownloadSizeException}: a download's declared size was invalid, or unknown and past the limit.</li>
 *   <li>{@link ProgressListenerException}: the caller's {@link ProgressListener} threw; the transfer was aborted.</li>
 *   <li>{@link BrokerInterruptedException}: the thread was interrupted; the call in flight was cancelled.</li>
 *   <li>{@link FileTransferFailedException} and {@link BrokerTimeoutException}: waiting for a status ended badly.</li>
 *   <li>{@link no.brokerclient.auth.AccessTokenException}: no access token could be obtained.</li>
 * </ul>
 *
 * <p>Messages never contain access tokens, subscription keys or other secrets.
 */
public class BrokerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what happened
   */
  public BrokerException(String message) {
    super(message);
  }

  /**
   * @param message what happened
   * @param cause the underlying failure
   */
  public BrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
