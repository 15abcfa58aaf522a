package no.brokerclient.auth;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import no.brokerclient.internal.TokenCache;
import no.brokerclient.internal.TokenCache.Token;
import no.brokerclient.internal.Transport;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * Altinn's token exchange: {@code GET {platform}/authentication/api/v1/exchange/maskinporten} with the cached
 * Maskinporten token as bearer. A 401 means the exchange rejected that token (revoked or expired early): it is
 * dropped and the exchange repeated once with a new one. The exchanged token's expiry is measured on the local clock
 * (see {@link TokenResponses#exchangeResponse}).
 */
final class AltinnExchange {
  static final String NAME = "Altinn token exchange";

  private final HttpUrl url;
  private final String subscriptionKey;
  private final TokenCache<TokenKey> maskinporten;
  private final TokenEndpoint endpoint;
  private final Grants grants;
  private final Clock clock;

  AltinnExchange(HttpUrl url, String subscriptionKey, TokenCache<TokenKey> maskinporten, TokenEndpoint endpoint,
      Grants grants, Clock clock) {
    this.url = url;
    this.subscriptionKey = subscriptionKey;
    this.maskinporten = maskinporten;
    this.endpoint = endpoint;
    this.grants = grants;
    this.clock = clock;
  }

  /** @return the exchange URL (for {@code toString()}: no secret in it) */
  HttpUrl url() {
    return url;
  }

  /** @return an Altinn token for this key */
  Token fetch(TokenKey key) {
    AtomicReference<String> mpToken = new AtomicReference<>();
    return endpoint.send(NAME, Maskinporten.EXCHANGE, key, () -> {
      mpToken.set(maskinporten.get(key));
      Request.Builder rb = new Request.Builder().url(url).get()
          .header("Authorization", "Bearer " + mpToken.get())
          .header("Accept", "text/plain");
      if (subscriptionKey != null) {
        rb.header(Transport.SUBSCRIPTION_KEY_HEADER, subscriptionKey);
      }
      return rb.build();
    }, body -> TokenResponses.exchangeResponse(body, clock.instant(), grants.offset()), status -> {
      if (status != 401) {
        return false;
      }
      maskinporten.invalidate(key, mpToken.get());
      return true;
    });
  }
}
