package no.brokerclient.auth;

import no.brokerclient.BrokerException;

/** No access token could be obtained. The message never contains grants, tokens or key material. */
public class AccessTokenException extends BrokerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   */
  public AccessTokenException(String message) {
    super(message);
  }

  /**
   * @param message what failed
   * @param cause the underlying failure
   */
  public AccessTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
