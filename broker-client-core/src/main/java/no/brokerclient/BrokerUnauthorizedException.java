package no.brokerclient;

/**
 * 401 Unauthorized. Without a body (and with `WWW-Authenticate`) the token was rejected: expired, wrong issuer or
 * missing scope. With {@code BRO-00006} the token is valid but the organisation (system user) has no right to the
 * resource.
 */
public final class BrokerUnauthorizedException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param error the parsed error
   * @param hint advice appended to the message, or {@code null}
   */
  BrokerUnauthorizedException(ApiError error, String hint) {
    super(error, hint);
  }
}
