package no.brokerclient.durable;

/**
 * What a receiving system does with each file: archive it, hand it to the case system. Runs at least once per
 * transfer: after a crash, a lost lease or a failure to record that it returned, it runs again with the same {@link
 * ReceivedFile#idempotencyKey()}, so make it idempotent (an upsert keyed on it, or a check first). The download is
 * confirmed only after it returns; if it throws, it is tried again after a backoff, and after {@link
 * WorkerBuilder#maxAttempts} failures the transfer is quarantined (never confirmed). Called on the inbox's worker
 * threads, at most {@link WorkerBuilder#concurrency} at a time.
 */
@FunctionalInterface
public interface InboxHandler {
  /**
   * @param file the verified file and its overview
   * @throws Exception to have it tried again later
   */
  void handle(ReceivedFile file) throws Exception;
}
