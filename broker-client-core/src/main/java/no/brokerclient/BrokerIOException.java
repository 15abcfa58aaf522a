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
 */
public final class BrokerIOException extends BrokerException {
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
