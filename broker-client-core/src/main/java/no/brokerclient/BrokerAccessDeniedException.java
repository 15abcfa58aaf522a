package no.brokerclient;

/**
 * 403 Forbidden: the caller lacks access. For file-transfer calls this is step 3 of Altinn's common steps: access to a
 * Broker resource is granted by the resource's service owner; the message names the resource and organisation when
 * known.
 */
public final class BrokerAccessDeniedException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param error the parsed error
   * @param hint advice appended to the message, or {@code null}
   */
  BrokerAccessDeniedException(ApiError error, String hint) {
    super(error, hint);
  }
}
