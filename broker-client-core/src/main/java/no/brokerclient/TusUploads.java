package no.brokerclient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import no.brokerclient.internal.Transport;
import no.brokerclient.internal.TusCheckpoint;
import no.brokerclient.internal.TusTransfer;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.UploadResult;

/**
 * The client's TUS wiring: when an upload goes by TUS ({@link UploadMode}, threshold, parts), the {@link
 * TusTransfer} for a transfer, resuming from a checkpoint, and the wait for Broker's asynchronous finalize
 * ({@link BrokerClient.Builder#tusFinalizeTimeout}) with a checksum rejection typed. Immutable.
 */
final class TusUploads {
  private final Transport transport;
  private final BrokerCodec codec;
  private final UploadCheckpointStore checkpoints;
  private final long threshold;
  private final long chunkSize;
  private final int parallelParts;
  private final Duration finalizeTimeout;
  private final StatusPoller poller;

  TusUploads(Transport transport, BrokerCodec codec, UploadCheckpointStore checkpoints, long threshold,
      long chunkSize, int parallelParts, Duration finalizeTimeout, StatusPoller poller) {
    this.transport = transport;
    this.codec = codec;
    this.checkpoints = checkpoints;
    this.threshold = threshold;
    this.chunkSize = chunkSize;
    this.parallelParts = parallelParts;
    this.finalizeTimeout = finalizeTimeout;
    this.poller = poller;
  }

  /**
   * Uploads with TUS when {@code mode} asks for it (or AUTO at or above the threshold) and the deployment has it.
   *
   * @param overview an overview call with the sender's scopes
   * @return the result, or {@code null} when the upload is to be streamed instead
   */
  UploadResult upload(UUID id, Path file, long size, Set<String> scopes, ProgressListener listener, UploadMode mode,
      String knownMd5, Function<UUID, FileTransferOverview> overview) {
    boolean auto = mode == UploadMode.AUTO && size >= threshold;
    if (mode != UploadMode.TUS && mode != UploadMode.TUS_PARALLEL && !auto) {
      return null;
    }
    int parts = mode == UploadMode.TUS ? 1 : parallelParts;
    if (!transfer(id, file, size, scopes).send(chunkSize, parts, listener,
        () -> overview.apply(id).fileTransferStatus())) {
      return null;
    }
    return result(id, size, knownMd5);
  }

  /**
   * {@link BrokerClient#resumeUpload}.
   *
   * @param overview an overview call with the sender's scopes
   * @param fromStart the upload of a transfer still {@code Initialized} that has no checkpoint
   */
  UploadResult resume(UUID id, Path file, long size, Set<String> scopes, ProgressListener listener,
      Function<UUID, FileTransferOverview> overview, Supplier<UploadResult> fromStart) {
    FileTransferStatus s = overview.apply(id).fileTransferStatus();
    if (!FileTransferStatus.INITIALIZED.equals(s) && !FileTransferStatus.UPLOAD_STARTED.equals(s)) {
      UploadResult r = result(id, size, null);
      checkpoints.delete(id, file);
      return r;
    }
    Optional<String> saved = checkpoints.load(id, file);
    if (saved.isEmpty()) {
      if (FileTransferStatus.INITIALIZED.equals(s)) {
        return fromStart.get();
      }
      throw new BrokerException("File transfer " + id + " is UploadStarted, but " + checkpoints
          + " has no TUS checkpoint for " + file + ", so the uploads holding its bytes are unknown: initialize a new"
          + " file transfer and send again");
    }
    transfer(id, file, size, scopes).resume(TusCheckpoint.parse(saved.get()), listener,
        () -> overview.apply(id).fileTransferStatus());
    return result(id, size, null);
  }

  private TusTransfer transfer(UUID id, Path file, long size, Set<String> scopes) {
    return new TusTransfer(transport, codec.url("filetransfer", "upload", "tus", id.toString()), scopes, id, file,
        size, AccessHints.forCall(null, null, id), checkpoints);
  }

  private UploadResult result(UUID id, long size, String knownMd5) {
    FileTransferOverview o = awaitFinalize(id, knownMd5);
    String md5 = knownMd5 != null ? knownMd5 : o.checksum() == null || o.checksum().isBlank() ? null : o.checksum();
    return new UploadResult(id, size, md5);
  }

  /** Broker checks a TUS upload's checksum asynchronously: wait for the verdict, a mismatch typed. */
  private FileTransferOverview awaitFinalize(UUID id, String knownMd5) {
    try {
      return poller.await(id, FileTransferStatus.UPLOAD_PROCESSING, finalizeTimeout);
    } catch (FileTransferFailedException e) {
      FileTransferOverview o = e.overview();
      String text = o.fileTransferStatusText() == null ? "" : o.fileTransferStatusText();
      if (text.toLowerCase(Locale.ROOT).contains("checksum")) {
        throw ChecksumMismatchException.uploadRejected(id, knownMd5 != null ? knownMd5 : o.checksum(), text);
      }
      throw e;
    }
  }
}
