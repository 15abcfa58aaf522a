package no.brokerclient;

/** 429 Too Many Requests after the retries the {@link RetryPolicy} allowed. Broker's documented limits are per Maskinporten client: 120/min for most calls, 10/min for search and details. */
public final class BrokerRateLimitedException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param error the parsed error
   * @param hint advice appended to the message, or {@code null}
   */
  public BrokerRateLimitedException(ApiError error, String hint) {
    super(error, hint);
  }
}
