package no.brokerclient.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Supplies bearer tokens for Altinn calls. {@link no.brokerclient.BrokerClient} asks for a token for the scope set
 * each operation needs (see {@link AltinnScopes}) before every HTTP attempt, so implementations must be
 * thread-safe and should cache: a call here is on the hot path of every request.
 *
 * <p>The Maskinporten provider (with per-scope-set caching, refresh ahead of expiry and Altinn token exchange)
 * implements this interface; {@link #fixed(String)} is enough for tests and short scripts.
 */
@FunctionalInterface
public interface AccessTokenProvider {

  /**
   * Returns a currently valid access token for the given scopes.
   *
   * @param scopes the scope set the operation needs, e.g. {@link AltinnScopes#SENDER}; never empty
   * @return the raw token, without the {@code Bearer } prefix
   * @throws AccessTokenException if no token can be obtained
   */
  String accessToken(Set<String> scopes);

  /**
   * Tells the provider that Altinn rejected {@code token} with 401 (revoked, or expired early). A caching
   * provider drops it so that the next {@link #accessToken} call fetches a fresh one. The client then retries the
   * request once. The default does nothing.
   *
   * @param scopes the scope set the rejected token was issued for
   * @param token the rejected token
   */
  default void invalidate(Set<String> scopes, String token) {
    // nothing cached by default
  }

  /**
   * A provider that always returns the same token, whatever the scopes. For tests and one-off scripts; it cannot
   * refresh, so calls fail once the token expires. Its {@code toString()} never shows the token.
   *
   * @param token the bearer token
   * @return the provider
   */
  static AccessTokenProvider fixed(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("token is blank");
    }
    return new AccessTokenProvider() {
      @Override
      public String accessToken(Set<String> scopes) {
        return token;
      }

      @Override
      public String toString() {
        return "AccessTokenProvider.fixed(****)";
      }
    };
  }
}
