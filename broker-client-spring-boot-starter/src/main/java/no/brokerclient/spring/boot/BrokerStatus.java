package no.brokerclient.spring.boot;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the starter's background work last saw, for the health indicator: the subscriptions ensured at start-up and
 * each poller's last success and failure. Thread-safe; holds no secret.
 */
public final class BrokerStatus {
  /** The subscriptions' state. */
  public enum Subscriptions {
    /** None configured, or ensuring is off. */
    NONE,
    /** Not yet ensured (start-up, delay). */
    PENDING,
    /** Ensured; Altinn has not validated every endpoint yet. */
    AWAITING_VALIDATION,
    /** Every subscription exists and is validated. */
    VALIDATED,
    /** Ensuring failed; see the detail. */
    FAILED
  }

  /**
   * One poller's record.
   *
   * @param lastSuccess when a poll last succeeded, or null
   * @param lastFailure when a poll last failed, or null
   * @param lastError the last failure's message, or null
   */
  public record Poll(Instant lastSuccess, Instant lastFailure, String lastError) {
    /** @return whether the latest poll failed */
    public boolean failing() {
      return lastFailure != null && (lastSuccess == null || lastFailure.isAfter(lastSuccess));
    }
  }

  private volatile Subscriptions subscriptions = Subscriptions.NONE;
  private volatile String subscriptionDetail = "";
  private volatile List<Integer> subscriptionIds = List.of();
  private final Map<String, Poll> polls = new ConcurrentHashMap<>();

  BrokerStatus() {}

  void subscriptions(Subscriptions state, String detail, List<Integer> ids) {
    this.subscriptions = state;
    this.subscriptionDetail = detail;
    this.subscriptionIds = List.copyOf(ids);
  }

  void pollSucceeded(String poller, Instant at) {
    polls.merge(poller, new Poll(at, null, null), (old, n) -> new Poll(at, old.lastFailure(), old.lastError()));
  }

  void pollFailed(String poller, Instant at, String error) {
    polls.merge(poller, new Poll(null, at, error), (old, n) -> new Poll(old.lastSuccess(), at, error));
  }

  /** @return the subscriptions' state */
  public Subscriptions subscriptions() {
    return subscriptions;
  }

  /** @return a line about the subscriptions (ids, outcome or error) */
  public String subscriptionDetail() {
    return subscriptionDetail;
  }

  /** @return the ensured subscriptions' ids */
  public List<Integer> subscriptionIds() {
    return subscriptionIds;
  }

  /** @return each poller's record, by {@code role:resource:organization} */
  public Map<String, Poll> polls() {
    return Map.copyOf(polls);
  }
}
