package no.brokerclient.access;

import no.brokerclient.ApiError;
import no.brokerclient.BrokerApiException;

/**
 * The Resource Registry answered 412 Precondition Failed: the access list changed since the {@link Version} you sent
 * ({@code If-Match}), or it changed while its pages were being read. Read it again and repeat your change. Never
 * retried automatically.
 */
public class VersionConflictException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param error the (bodiless) 412
   * @param hint what it means here
   */
  VersionConflictException(ApiError error, String hint) {
    super(error, hint);
  }
}
