package no.brokerclient;

import java.util.Set;
import no.brokerclient.auth.AltinnScopes;

/**
 * What a {@link BrokerClient} is allowed to do. Each role maps to the Maskinporten scope set Broker requires for
 * it; the client asks its token provider for exactly that set, and an operation whose role was not configured
 * throws {@link IllegalStateException} before any I/O, naming the role, its scopes and {@code roles(Role.…)}.
 */
public enum Role {
  /** Initialize and upload files: {@link AltinnScopes#SENDER}. */
  SENDER(AltinnScopes.SENDER),
  /** Download and confirm files: {@link AltinnScopes#RECIPIENT}. */
  RECIPIENT(AltinnScopes.RECIPIENT),
  /**
   * Resource settings, service-owner registration and statistics ({@link BrokerClient#serviceOwner()}): {@link
   * AltinnScopes#SERVICE_OWNER}.
   */
  SERVICE_OWNER(AltinnScopes.SERVICE_OWNER);

  private final Set<String> scopes;

  Role(Set<String> scopes) {
    this.scopes = scopes;
  }

  /** @return the scope set tokens for this role carry */
  public Set<String> scopes() {
    return scopes;
  }
}
