package no.brokerclient;

/**
 * 400 Bad Request: Broker rejected the request. Most of Broker's own error codes arrive with this status ({@link
 * #errorCode()}, e.g. {@code BRO-00028} "the file transfer's resource does not match", {@code BRO-00025} "resource
 * not configured"), as do ASP.NET's field validation errors ({@link #validationErrors()}). Not retried: the same
 * request would be rejected again. A subclass of {@link BrokerApiException}, which 400s were reported as before.
 */
public final class BrokerBadRequestException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  BrokerBadRequestException(ApiError error, String hint) {
    super(error, hint);
  }
}
