package no.brokerclient.access;

import no.brokerclient.BrokerException;

/**
 * The customer rejected the system-user request, or it can no longer be approved (denied, or older than 180 days).
 * Make a new request with {@link SystemUsers#requestSystemUser} (it replaces a refused one).
 */
public class SystemUserRequestRefusedException extends BrokerException {
  private static final long serialVersionUID = 1L;

  private final transient SystemUserRequest request;

  /** @param request the request as last read */
  public SystemUserRequestRefusedException(SystemUserRequest request) {
    super("system-user request " + request.id() + " for " + request.customer() + " on " + request.systemId() + " is "
        + (request.timedOut() ? "timed out (older than 180 days)" : request.status().value()));
    this.request = request;
  }

  /** @return the request as last read */
  public SystemUserRequest request() {
    return request;
  }
}
