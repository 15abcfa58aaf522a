package no.brokerclient.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.Maskinporten;

/**
 * The health check behind the Boot 3 and Boot 4 indicators: a token is obtainable (from Maskinporten's cache,
 * so usually no request), the subscriptions are validated and the latest poll succeeded (which also shows that
 * Broker answers). Down when any of these fails; subscriptions still awaiting validation do not make it down.
 */
final class BrokerHealth {
  /**
   * @param up whether healthy
   * @param details what was checked; never a secret
   */
  record Result(boolean up, Map<String, Object> details) {}

  private final AccessTokenProvider tokens;
  private final java.util.Set<String> scopes;
  private final BrokerStatus status;

  BrokerHealth(BrokerProperties properties, Maskinporten maskinporten, BrokerStatus status) {
    this.tokens = BrokerAutoConfiguration.asSystemUser(maskinporten, properties.getSystemUser()).forBroker();
    this.scopes = properties.getRoles().get(0).scopes();
    this.status = status;
  }

  Result check() {
    Map<String, Object> d = new LinkedHashMap<>();
    boolean up = true;
    try {
      tokens.accessToken(scopes);
      d.put("token", "obtainable");
    } catch (RuntimeException e) {
      up = false;
      d.put("token", "failed: " + e.getMessage());
    }
    if (status != null) {
      d.put("subscriptions", status.subscriptions().name().toLowerCase(java.util.Locale.ROOT));
      if (!status.subscriptionDetail().isEmpty()) {
        d.put("subscriptionDetail", status.subscriptionDetail());
      }
      up &= status.subscriptions() != BrokerStatus.Subscriptions.FAILED;
      Map<String, Object> polls = new LinkedHashMap<>();
      status.polls().forEach((name, p) -> {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("lastSuccess", p.lastSuccess() == null ? "never" : p.lastSuccess().toString());
        if (p.failing()) {
          one.put("lastError", p.lastError());
        }
        polls.put(name, one);
      });
      if (!polls.isEmpty()) {
        d.put("polls", polls);
      }
      up &= status.polls().values().stream().noneMatch(BrokerStatus.Poll::failing);
    }
    return new Result(up, d);
  }
}
