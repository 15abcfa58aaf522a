package no.brokerclient.events;

import java.util.List;

/**
 * What {@link EventsClient#ensure} did.
 *
 * @param entries one per requested subscription, in request order
 * @param deleted stale subscriptions removed (same endpoint and resource, no longer requested)
 */
public record EnsureResult(List<Entry> entries, List<Subscription> deleted) {

  /** Copies the lists. */
  public EnsureResult {
    entries = List.copyOf(entries);
    deleted = List.copyOf(deleted);
  }

  /** @return whether every requested subscription is validated (receives events) */
  public boolean allValidated() {
    return entries.stream().allMatch(e -> e.subscription().validated());
  }

  /** @return the entries whose subscription is not validated yet */
  public List<Entry> notValidated() {
    return entries.stream().filter(e -> !e.subscription().validated()).toList();
  }

  /** What happened to one requested subscription. */
  public enum Outcome {
    /** A validated identical subscription existed and was reused. */
    EXISTING,
    /** An identical subscription existed but was not validated; it was posted again, which re-sends validation. */
    REVALIDATION_REQUESTED,
    /** No identical subscription existed; it was created (validation follows asynchronously). */
    CREATED
  }

  /**
   * @param request what was asked for
   * @param subscription the subscription now serving it
   * @param outcome what was done
   */
  public record Entry(SubscriptionRequest request, Subscription subscription, Outcome outcome) {}
}
