package no.brokerclient.durable;

/**
 * Where a submission is in the {@link Outbox}: {@code RECORDED → INITIALIZING → INITIALIZED → UPLOADED →
 * PUBLISHED},
 * or {@code FAILED} (Broker failed the transfer: malware, checksum) or {@code QUARANTINED} (too many attempts).
 */
public enum OutboxState {
  /** The intent is stored; no call to Broker yet. */
  RECORDED,
  /** An initialize call may be under way: after a crash the outbox looks for it with {@code findInitialized}. */
  INITIALIZING,
  /** Broker knows the transfer ({@link OutboxEntry#fileTransferId()}); the upload has not completed. */
  INITIALIZED,
  /** The upload completed; waiting for the virus scan to publish it. */
  UPLOADED,
  /** Broker published it to the recipients. Final. */
  PUBLISHED,
  /** Broker failed the transfer (malware found, checksum mismatch, cancelled or purged first). Final. */
  FAILED,
  /** Failed {@link WorkerBuilder#maxAttempts} times for other reasons; left alone until a person looks. Final. */
  QUARANTINED;

  /** @return whether no instance will work on it again */
  public boolean isFinal() {
    return this == PUBLISHED || this == FAILED || this == QUARANTINED;
  }
}
