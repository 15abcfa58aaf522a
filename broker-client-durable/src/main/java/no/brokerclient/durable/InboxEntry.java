package no.brokerclient.durable;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of the inbox: a received file transfer and how far it got.
 *
 * @param fileTransferId the transfer (the primary key, and the handler's idempotency key)
 * @param state where it is
 * @param source how it was first discovered: {@code WEBHOOK}, {@code POLL} or {@code OFFER}
 * @param attempts failed attempts so far
 * @param claims how many times an instance claimed it (more than one: resumed after a crash or a failure)
 * @param nextAttemptAt not claimed before this time (backoff after a failure)
 * @param lastError the last failure (exception type and message), or {@code null}
 * @param claim the current claim, or {@code null} when no instance holds it
 * @param path the downloaded file once {@link InboxState#DOWNLOADED}, else {@code null}
 * @param size its size in bytes, or {@code null}
 * @param md5 its verified MD5 (lower-case hex), or {@code null}
 * @param created when the row was written
 * @param updated when the row last changed
 */
public record InboxEntry(UUID fileTransferId, InboxState state, String source, int attempts, int claims,
    Instant nextAttemptAt, String lastError, Claim claim, Path path, Long size, String md5, Instant created,
    Instant updated) {

  InboxEntry to(InboxState next) {
    return new InboxEntry(fileTransferId, next, source, attempts, claims, nextAttemptAt, lastError, claim, path, size,
        md5, created, updated);
  }

  InboxEntry downloaded(Path file, long bytes, String hash) {
    return new InboxEntry(fileTransferId, InboxState.DOWNLOADED, source, attempts, claims, nextAttemptAt, lastError,
        claim, file, bytes, hash, created, updated);
  }

  InboxEntry rediscovered() {
    return new InboxEntry(fileTransferId, InboxState.DISCOVERED, source, attempts, claims, nextAttemptAt, lastError,
        claim, null, null, null, created, updated);
  }

  InboxEntry failed(InboxState next, int attempt, Instant retryAt, String error) {
    return new InboxEntry(fileTransferId, next, source, attempt, claims, retryAt, error, claim, path, size, md5,
        created, updated);
  }
}
