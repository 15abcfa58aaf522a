package no.brokerclient;

/**
 * 5xx from Altinn after any retries allowed. {@code BRO-00021} (503) means the service owner's storage is not ready
 * yet; {@code BRO-00008} (500) means the upload failed and the transfer must be initialized again.
 */
public final class BrokerServerException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param error the parsed error
   * @param hint advice appended to the message, or {@code null}
   */
  BrokerServerException(ApiError error, String hint) {
    super(error, hint);
  }
}
