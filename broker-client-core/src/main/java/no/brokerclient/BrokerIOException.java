package no.brokerclient;

import java.io.IOException;

/**
 * The connection to Altinn failed (connect error, reset, timeout, truncated response) after any retries the
 * {@link RetryPolicy} allowed.
 *
 * <p>For calls that are not idempotent (initialize, upload, initialize-and-upload, service-owner registration)
 * {@link #requestMayHaveBeenSent()} tells whether the server may have acted on the request. When it is
 * {@code true} after an initialize, use {@link BrokerClient#findInitialized} to find out whether a transfer was
 * created before initializing again.
 *
 * <p>Its subclass {@link BrokerInvalidResponseException} means the connection worked but the answer could not be
 * used (malformed, too large, missing or invalid values).
 */
public class BrokerIOException extends BrokerException {
  private static final long serialVersionUID = 1L;

  private final boolean requestMayHaveBeenSent;

  /**
   * @param message what failed
   * @param cause the I/O failure
   * @param requestMayHaveBeenSent whether the server may have received the request
   */
  public BrokerIOException(String message, IOException cause, boolean requestMayHaveBeenSent) {
    super(message + ": " + describe(cause), cause);
    this.requestMayHaveBeenSent = requestMayHaveBeenSent;
  }

  /**
   * For subclasses about answers that arrived: the request certainly reached the server.
   *
   * @param message the whole message
   * @param cause the underlying failure, or {@code null}
   */
  protected BrokerIOException(String message, Throwable cause) {
    super(message, cause);
    this.requestMayHaveBeenSent = true;
  }

  /**
   * @return {@code false} only when the request certainly never reached the server (for example connection
   *     refused); {@code true} when the outcome is unknown
   */
  public boolean requestMayHaveBeenSent() {
    return requestMayHaveBeenSent;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }
}
