package no.brokerclient.durable;

/**
 * Where a received file transfer is in the {@link Inbox}: {@code DISCOVERED → DOWNLOADED → HANDLED → CONFIRMED},
 * or
 * one of the two ends that need a person ({@code QUARANTINED}) or nothing ({@code GONE}). Whether an instance is
 * working on it right now is the claim ({@link InboxEntry#claim()}), not a state.
 */
public enum InboxState {
  /** Known (from an event, a poll or {@link Inbox#offer}); not downloaded yet. */
  DISCOVERED,
  /** Downloaded to {@link InboxEntry#path()}, size and MD5 verified; the handler has not returned yet. */
  DOWNLOADED,
  /** The handler returned; the download is not confirmed yet. */
  HANDLED,
  /** Confirmed to Broker. Final. */
  CONFIRMED,
  /** Failed {@link WorkerBuilder#maxAttempts} times; left alone until a person looks. Final. */
  QUARANTINED,
  /**
   * Nothing to receive: purged, expired, cancelled or unknown at Broker (404, {@code BRO-00003}, status {@code
   * Purged}), or confirmed by someone else before this inbox downloaded it ({@link InboxEntry#lastError()} says).
   * Final.
   */
  GONE;

  /** @return whether no instance will work on it again */
  public boolean isFinal() {
    return this == CONFIRMED || this == QUARANTINED || this == GONE;
  }
}
