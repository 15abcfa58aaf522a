package no.brokerclient.testing;

import java.time.Duration;
import no.brokerclient.RetryPolicy;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.testkit.FakeAltinn;

/** Clients set up against an embedded {@link FakeAltinn} the way the tests need them. */
public final class FakeSetup {
  private FakeSetup() {}

  /**
   * @param fake the fake
   * @param clientId a Maskinporten client id, registered at the fake by this call
   * @param org the organisation number the client belongs to
   * @param scopes the scopes the fake lets the client have
   * @return a Maskinporten client for it, against the fake's Maskinporten and Altinn token exchange
   */
  public static Maskinporten maskinporten(FakeAltinn fake, String clientId, String org, String... scopes) {
    return Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId(clientId)
        .signer(GrantSigners.jwk(fake.client(clientId, org, scopes)))
        .altinnPlatformUrl(fake.platformUrl()).build();
  }

  /**
   * @param maxBackoff the longest wait between tries
   * @param maxRetryAfter the longest {@code Retry-After} honoured
   * @return a policy of 2 retries from 10 ms backoff, so that tests which make the fake fail stay quick
   */
  public static RetryPolicy fastRetries(Duration maxBackoff, Duration maxRetryAfter) {
    return RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(10)).maxBackoff(maxBackoff)
        .maxRetryAfter(maxRetryAfter).build();
  }
}
