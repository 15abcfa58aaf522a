package no.brokerclient;

/**
 * 404 Not Found, e.g. {@code BRO-00001} (unknown file transfer) or {@code BRO-07004} (service owner not registered).
 */
public final class BrokerNotFoundException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param error the parsed error
   * @param hint advice appended to the message, or {@code null}
   */
  BrokerNotFoundException(ApiError error, String hint) {
    super(error, hint);
  }
}
