package no.brokerclient;

/** The Altinn platforms the SDK knows. For local servers and proxies use {@link BrokerClient.Builder#baseUrl}. */
public enum AltinnEnvironment {
  /** Altinn's test environment: {@code https://platform.tt02.altinn.no} (pairs with Maskinporten TEST). */
  TT02("https://platform.tt02.altinn.no"),
  /** Production: {@code https://platform.altinn.no} (pairs with Maskinporten PRODUCTION). */
  PRODUCTION("https://platform.altinn.no");

  private final String platformUrl;

  AltinnEnvironment(String platformUrl) {
    this.platformUrl = platformUrl;
  }

  /** @return the platform base URL, without a trailing slash */
  public String platformUrl() {
    return platformUrl;
  }
}
