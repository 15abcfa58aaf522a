package no.brokerclient;

/**
 * The server answered with a redirect (3xx), which the SDK never follows: none of Altinn's APIs redirect, and
 * following would send the subscription key, the uploaded bytes or a signed grant to another origin, or accept a
 * download from it. Usually a misconfigured base URL or proxy. {@link #location()} names where it pointed
 * (without query or user info).
 */
public final class BrokerRedirectException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  private final String location;

  /**
   * @param error the parsed response (status 3xx)
   * @param location the cleaned {@code Location}, or {@code "(none)"}
   */
  BrokerRedirectException(ApiError error, String location) {
    super(error, "Redirected to " + location + "; the SDK does not follow redirects (Altinn's APIs never"
        + " redirect, and credentials or data would go to another origin): check the configured URL and proxies");
    this.location = location;
  }

  /**
   * @return where the redirect pointed: {@code scheme://host[:port]/path}, with {@code ?…} when it had a query
   *     (never shown), or {@code "(none)"}
   */
  public String location() {
    return location;
  }
}
