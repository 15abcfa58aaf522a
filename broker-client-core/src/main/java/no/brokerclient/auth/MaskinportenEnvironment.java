package no.brokerclient.auth;

/**
 * Maskinporten's environments. Altinn TT02 pairs with {@link #TEST}, Altinn production with {@link #PRODUCTION}.
 * For local servers use {@link Maskinporten.Builder#issuer(String)}.
 */
public enum MaskinportenEnvironment {
  /** {@code https://test.maskinporten.no/}. */
  TEST("https://test.maskinporten.no/"),
  /** {@code https://maskinporten.no/}. */
  PRODUCTION("https://maskinporten.no/");

  private final String issuer;

  MaskinportenEnvironment(String issuer) {
    this.issuer = issuer;
  }

  /** @return the issuer, which is also the grant's {@code aud}, with its trailing slash */
  public String issuer() {
    return issuer;
  }
}
