package no.brokerclient;

/**
 * 409 Conflict, e.g. {@code BRO-00004} (the transfer was already uploaded or failed: initialize a new one) or {@code
 * BRO-07002} (service owner exists).
 */
public final class BrokerConflictException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param error the parsed error
   * @param hint advice appended to the message, or {@code null}
   */
  BrokerConflictException(ApiError error, String hint) {
    super(error, hint);
  }
}
