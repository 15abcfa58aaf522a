package no.brokerclient.auth;

import java.util.List;
import java.util.Objects;

/** Everything that changes a token. Its {@code toString()} holds no secret; its hash is computed once. */
record TokenKey(String clientId, String issuer, List<String> scopes, String resource, String consumerOrg,
    String systemUserOrg, String externalRef, int hash) {
  TokenKey(String clientId, String issuer, List<String> scopes, String resource, String consumerOrg,
      String systemUserOrg, String externalRef) {
    this(clientId, issuer, scopes, resource, consumerOrg, systemUserOrg, externalRef,
        Objects.hash(clientId, issuer, scopes, resource, consumerOrg, systemUserOrg, externalRef));
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "scopes=" + String.join(" ", scopes) + (systemUserOrg != null ? " systemUser=" + systemUserOrg : "")
        + (consumerOrg != null ? " consumerOrg=" + consumerOrg : "")
        + (resource != null ? " resource=" + resource : "");
  }
}
