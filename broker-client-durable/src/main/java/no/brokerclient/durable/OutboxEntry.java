package no.brokerclient.durable;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import no.brokerclient.model.FileTransferInitialize;

/**
 * One row of the outbox: a submission and how far it got.
 *
 * @param submissionId the submission (primary key)
 * @param state where it is
 * @param request the initialize request, with the file's MD5 and its {@code sendersFileTransferReference} (unique
 *     per resource in the outbox)
 * @param file the file to upload
 * @param fileTransferId Broker's id once initialized, else {@code null}
 * @param attempts failed attempts so far
 * @param claims how many times an instance claimed it
 * @param nextAttemptAt not claimed before this time
 * @param lastError the last failure, or {@code null}
 * @param claim the current claim, or {@code null}
 * @param initializingAt when an initialize call was last started, or {@code null}
 * @param brokerStatus the last Broker status seen ({@code Published}, {@code Failed}…), or {@code null}
 * @param allConfirmedAt when an {@code allconfirmeddownloaded} event arrived, or {@code null}
 * @param created when the submission was recorded
 * @param updated when the row last changed
 */
public record OutboxEntry(UUID submissionId, OutboxState state, FileTransferInitialize request, Path file,
    UUID fileTransferId, int attempts, int claims, Instant nextAttemptAt, String lastError, Claim claim,
    Instant initializingAt, String brokerStatus, Instant allConfirmedAt, Instant created, Instant updated) {

  OutboxEntry to(OutboxState next, UUID transfer, String status) {
    return new OutboxEntry(submissionId, next, request, file, transfer, attempts, claims, nextAttemptAt, lastError,
        claim, initializingAt, status, allConfirmedAt, created, updated);
  }

  OutboxEntry initializing(Instant at) {
    return new OutboxEntry(submissionId, OutboxState.INITIALIZING, request, file, fileTransferId, attempts, claims,
        nextAttemptAt, lastError, claim, at, brokerStatus, allConfirmedAt, created, updated);
  }

  OutboxEntry failed(OutboxState next, int attempt, Instant retryAt, String error) {
    return new OutboxEntry(submissionId, next, request, file, fileTransferId, attempt, claims, retryAt, error, claim,
        initializingAt, brokerStatus, allConfirmedAt, created, updated);
  }
}
