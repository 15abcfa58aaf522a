package no.brokerclient;

/**
 * Altinn (or a server posing as it) answered with a success status, but the body cannot be accepted: not valid
 * JSON for the operation, larger than the configured limit (counted after gzip decoding), {@code null} where a
 * value is required, or holding an invalid value such as a file transfer id that is not a UUID. The request
 * reached the server ({@link #requestMayHaveBeenSent()} is {@code true}); for a non-idempotent call such as
 * initialize, reconcile with {@link BrokerClient#findInitialized} before repeating it.
 *
 * <p>A subclass of {@link BrokerIOException}, which malformed answers were reported as before, so existing catch
 * blocks keep working. The message names the method and path, never a token, key or the body's secrets.
 */
public final class BrokerInvalidResponseException extends BrokerIOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was wrong, with method and path
   * @param cause the parse failure, or {@code null}
   */
  public BrokerInvalidResponseException(String message, Throwable cause) {
    super(message, cause);
  }
}
