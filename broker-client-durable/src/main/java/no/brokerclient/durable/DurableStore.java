package no.brokerclient.durable;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the {@link Inbox} and {@link Outbox} keep their state. {@link JdbcDurableStore} is the implementation
 * (PostgreSQL, or embedded H2); another one must keep the same promises:
 *
 * <ul>
 *   <li>{@link #offerInbox} and {@link #insertOutbox} are idempotent on their keys (file transfer id; resource and
 *       {@code sendersFileTransferReference}).</li>
 *   <li>A claim is exclusive: no two callers get the same row while its lease runs, across processes.</li>
 *   <li>{@code save*} and {@code renew} change a row only while the caller's claim token is still the row's and the
 *       row is still in the expected state, and say whether they did (fencing).</li>
 * </ul>
 *
 * Every method may throw {@link DurableStoreException}. Implementations are thread-safe.
 */
public interface DurableStore {
  /** Creates or checks the schema. Idempotent; called by the inbox and outbox before they start. */
  void initialize();

  // ---------------------------------------------------------------------------------------------- inbox

  /**
   * Records a discovered transfer unless it is already there.
   *
   * @param fileTransferId the transfer
   * @param source {@code WEBHOOK}, {@code POLL} or {@code OFFER}
   * @param now the time
   * @return whether a row was added
   */
  boolean offerInbox(UUID fileTransferId, String source, Instant now);

  /**
   * Claims up to {@code max} due, unclaimed (or lease-expired) rows that are not final, oldest due first.
   *
   * @param owner the claiming instance
   * @param max how many at most
   * @param now the time
   * @param lease how long the claims last
   * @return the claimed rows, with their new {@link Claim}
   */
  List<InboxEntry> claimInbox(String owner, int max, Instant now, Duration lease);

  /**
   * Writes a claimed row.
   *
   * @param entry the new content (its claim is the caller's)
   * @param expected the state the caller read
   * @param release whether to drop the claim
   * @param now the time
   * @return {@code false} when the claim was lost (the lease ran out and another instance took it) or the state
   *     changed underneath
   */
  boolean saveInbox(InboxEntry entry, InboxState expected, boolean release, Instant now);

  /**
   * @param fileTransferId the transfer
   * @return its row
   */
  Optional<InboxEntry> inboxEntry(UUID fileTransferId);

  /**
   * @param state the state
   * @param limit most rows
   * @return rows in that state, oldest first
   */
  List<InboxEntry> inboxEntries(InboxState state, int limit);

  /** @return how many rows are in each state (states without rows are absent) */
  Map<InboxState, Long> inboxCounts();

  // ---------------------------------------------------------------------------------------------- outbox

  /**
   * Records a submission unless one with the same resource and {@code sendersFileTransferReference} exists.
   *
   * @param entry the new row (state {@link OutboxState#RECORDED}, no claim)
   * @return the stored row: {@code entry}, or the one recorded earlier
   */
  OutboxEntry insertOutbox(OutboxEntry entry);

  /**
   * Like {@link #claimInbox} for the outbox.
   *
   * @param owner the claiming instance
   * @param max how many at most
   * @param now the time
   * @param lease how long the claims last
   * @return the claimed rows
   */
  List<OutboxEntry> claimOutbox(String owner, int max, Instant now, Duration lease);

  /**
   * Like {@link #saveInbox} for the outbox.
   *
   * @param entry the new content
   * @param expected the state the caller read
   * @param release whether to drop the claim
   * @param now the time
   * @return whether it was written
   */
  boolean saveOutbox(OutboxEntry entry, OutboxState expected, boolean release, Instant now);

  /**
   * Moves a submission on an event from Broker, without a claim: only from {@code from} to {@code to}, dropping any
   * claim (the claimant's next write then fails and it stops).
   *
   * @param fileTransferId the transfer
   * @param from the state it must be in
   * @param to the new state
   * @param brokerStatus the Broker status to record
   * @param now the time
   * @return whether a row changed
   */
  boolean advanceOutbox(UUID fileTransferId, OutboxState from, OutboxState to, String brokerStatus, Instant now);

  /**
   * Records that every recipient confirmed.
   *
   * @param fileTransferId the transfer
   * @param now the time
   * @return whether a row changed
   */
  boolean markAllConfirmed(UUID fileTransferId, Instant now);

  /**
   * @param submissionId the submission
   * @return its row
   */
  Optional<OutboxEntry> outboxEntry(UUID submissionId);

  /**
   * @param state the state
   * @param limit most rows
   * @return rows in that state, oldest first
   */
  List<OutboxEntry> outboxEntries(OutboxState state, int limit);

  // ---------------------------------------------------------------------------------------------- claims

  /**
   * Extends a claim.
   *
   * @param table {@code inbox} or {@code outbox}
   * @param key the row's key
   * @param claim the caller's claim with the new lease end
   * @return {@code false} when the claim was lost
   */
  boolean renew(String table, UUID key, Claim claim);

  /**
   * Drops a claim without changing anything else (graceful stop).
   *
   * @param table {@code inbox} or {@code outbox}
   * @param key the row's key
   * @param token the caller's claim token
   * @return whether it was still the caller's
   */
  boolean release(String table, UUID key, UUID token);
}
