package no.brokerclient;

import no.brokerclient.internal.SharedSecrets;

/**
 * The one place that decides which {@link BrokerApiException} subclass an error status gets, and the only creator of
 * the subclasses outside this package (through {@link SharedSecrets}; their constructors are not public API).
 */
final class ApiExceptions implements SharedSecrets.ExceptionAccess {
  @Override
  public BrokerApiException forStatus(ApiError e, String hint) {
    int s = e.status();
    if (s == 400) {
      return new BrokerBadRequestException(e, hint);
    }
    if (s == 401) {
      return new BrokerUnauthorizedException(e, hint);
    }
    if (s == 403) {
      return new BrokerAccessDeniedException(e, hint);
    }
    if (s == 404) {
      return new BrokerNotFoundException(e, hint);
    }
    if (s == 409) {
      return new BrokerConflictException(e, hint);
    }
    if (s == 429) {
      return new BrokerRateLimitedException(e, hint);
    }
    if (s >= 500) {
      return new BrokerServerException(e, hint);
    }
    return new BrokerApiException(e, hint);
  }

  @Override
  public BrokerRedirectException redirect(ApiError e, String location) {
    return new BrokerRedirectException(e, location);
  }
}
