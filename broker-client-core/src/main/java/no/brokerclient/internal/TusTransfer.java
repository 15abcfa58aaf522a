package no.brokerclient.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import no.brokerclient.ApiError;
import no.brokerclient.BrokerConflictException;
import no.brokerclient.BrokerException;
import no.brokerclient.BrokerIOException;
import no.brokerclient.BrokerInterruptedException;
import no.brokerclient.BrokerServerException;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.ProgressListener;
import no.brokerclient.UploadCheckpointStore;
import no.brokerclient.internal.Transport.Call;
import no.brokerclient.model.FileTransferStatus;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one whole file to a transfer's TUS endpoint: checks that the deployment has TUS ({@code OPTIONS}), sizes
 * the chunks within Broker's block limit (50,000 PATCHes over all parts), then either creates the single upload
 * once and sends it, or creates {@code parts} parts one after another in file order (Broker assembles them in
 * creation order, whatever the final list says), sends them in parallel on their own threads and connections,
 * and posts the {@code final;} concatenation with absolute paths. That POST is not idempotent: after an ambiguous
 * failure the transfer's status decides (still {@code UploadStarted}: post once more; later: it took effect).
 * Waiting for Broker's asynchronous finalize is the caller's part. Internal.
 */
public final class TusTransfer {
  private static final Logger LOG = LoggerFactory.getLogger(TusTransfer.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Transport transport;
  private final HttpUrl tusUrl;
  private final Set<String> scopes;
  private final UUID fileTransferId;
  private final Path file;
  private final long size;
  private final Function<ApiError, String> hint;
  private final UploadCheckpointStore checkpoints;

  /**
   * @param transport the transport
   * @param tusUrl the transfer's TUS URL, {@code …/filetransfer/upload/tus/{id}}
   * @param scopes the sender scopes
   * @param fileTransferId the transfer
   * @param file the file
   * @param size its length
   * @param hint advice for error messages
   * @param checkpoints where the checkpoint for {@link #resume} goes
   */
  public TusTransfer(Transport transport, HttpUrl tusUrl, Set<String> scopes, UUID fileTransferId, Path file,
      long size, Function<ApiError, String> hint, UploadCheckpointStore checkpoints) {
    this.transport = transport;
    this.tusUrl = tusUrl;
    this.scopes = scopes;
    this.fileTransferId = fileTransferId;
    this.file = file;
    this.size = size;
    this.hint = hint;
    this.checkpoints = checkpoints;
  }

  /**
   * @param chunkSize the configured chunk size
   * @param parts 1 for one sequential upload, more for parallel parts (fewer when the file has fewer chunks)
   * @param listener progress for the whole file
   * @param status reads the transfer's status (for the final POST's ambiguous failures)
   * @return false when the deployment has no TUS endpoint (nothing was sent; use the streamed upload)
   */
  public boolean send(long chunkSize, int parts, ProgressListener listener, Supplier<FileTransferStatus> status) {
    long chunk = TusUpload.chunkSize(chunkSize, size, TusUpload.MAX_PATCHES - parts);
    int n = (int) Math.max(1, Math.min(parts, (size + chunk - 1) / chunk));
    if (!TusUpload.supported(transport, tusUrl, scopes)) {
      LOG.info("Broker's TUS endpoint answered 404 to OPTIONS with Tus-Resumable: this deployment has no TUS;"
          + " sending file transfer {} with the streamed upload instead", fileTransferId);
      return false;
    }
    TusProgress progress = new TusProgress(listener, size, n);
    if (n == 1) {
      LOG.debug("TUS upload of {}: {} bytes in chunks of {}", fileTransferId, size, chunk);
      TusUpload single = create(false, 0, size, chunk, progress, 0);
      saveCheckpoint(chunk, false, List.of(single));
      single.send(0, () -> finished(status));
      checkpoints.delete(fileTransferId, file);
      return true;
    }
    long chunksPerPart = ((size + chunk - 1) / chunk + n - 1) / n;
    long partLength = chunksPerPart * chunk;
    List<TusUpload> uploads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) { // one after another, in file order: Broker assembles in creation order
      long start = i * partLength;
      long length = Math.min(partLength, size - start);
      uploads.add(create(true, start, length, chunk, progress, i));
    }
    LOG.debug("TUS upload of {}: {} bytes in {} parts of up to {}, chunks of {}", fileTransferId, size, n,
        partLength, chunk);
    saveCheckpoint(chunk, true, uploads);
    runAll(uploads, 0, status);
    concatenate(uploads, status);
    checkpoints.delete(fileTransferId, file);
    return true;
  }

  /**
   * Finishes an upload from its checkpoint (after a restart): each upload asks HEAD where it stands and sends only
   * the rest; parts are then joined. Never creates anything again.
   *
   * @param checkpoint the checkpoint saved by {@link #send}
   * @param listener progress for the whole file
   * @param status reads the transfer's status
   */
  public void resume(TusCheckpoint checkpoint, ProgressListener listener, Supplier<FileTransferStatus> status) {
    if (!checkpoint.fileTransferId().equals(fileTransferId)) {
      throw new BrokerValidationException("checkpoint", "is for file transfer " + checkpoint.fileTransferId()
          + ", not " + fileTransferId);
    }
    if (checkpoint.fileSize() != size || checkpoint.fileModified() != modified()) {
      throw new BrokerValidationException("file", file + " changed since its upload started (size or modification"
          + " time): a resumed upload would mix two versions; initialize a new file transfer");
    }
    List<TusCheckpoint.Region> regions = checkpoint.uploads();
    TusProgress progress = new TusProgress(listener, size, regions.size());
    List<TusUpload> uploads = new ArrayList<>();
    for (int i = 0; i < regions.size(); i++) {
      TusCheckpoint.Region r = regions.get(i);
      HttpUrl url = tusUrl.resolve(r.path());
      if (url == null || !url.encodedPath().startsWith(tusUrl.encodedPath())) {
        throw new BrokerValidationException("checkpoint", "has an upload outside this transfer's TUS URL: "
            + Text.clean(r.path(), 200));
      }
      uploads.add(TusUpload.resume(transport, scopes, fileTransferId, url, file, r.start(), r.length(),
          checkpoint.chunkSize(), transport.retryPolicy(), progress, i));
    }
    LOG.info("Resuming the TUS upload of {} from its checkpoint: {} upload(s)", fileTransferId, uploads.size());
    if (uploads.size() == 1 && !checkpoint.partial()) {
      uploads.get(0).send(-1, () -> finished(status));
    } else {
      runAll(uploads, -1, status);
      concatenate(uploads, status);
    }
    checkpoints.delete(fileTransferId, file);
  }

  private long modified() {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw new BrokerValidationException("file", "cannot read the modification time of " + file + ": "
          + e.getMessage());
    }
  }

  private void saveCheckpoint(long chunk, boolean partial, List<TusUpload> uploads) {
    List<TusCheckpoint.Region> regions = new ArrayList<>();
    for (TusUpload u : uploads) {
      regions.add(new TusCheckpoint.Region(u.url().encodedPath(), u.regionStart(), u.length()));
    }
    checkpoints.save(fileTransferId, file, new TusCheckpoint(fileTransferId, size, modified(), chunk, partial,
        regions).toJson());
  }

  private TusUpload create(boolean partial, long start, long length, long chunk, TusProgress progress, int part) {
    return TusUpload.create(transport, scopes, fileTransferId, tusUrl, partial, file, start, length, chunk,
        transport.retryPolicy(), progress, part, hint);
  }

  /** Sends every part on its own thread; the first failure (or an interrupt of the caller) stops them all. */
  private void runAll(List<TusUpload> uploads, long offset, Supplier<FileTransferStatus> status) {
    ExecutorService pool = Executors.newFixedThreadPool(uploads.size(), r -> {
      Thread t = new Thread(r, "broker-client-tus-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    // Futures are taken as they finish, not in part order: a late part's failure stops the others at once.
    CompletionService<Void> running = new ExecutorCompletionService<>(pool);
    try {
      for (TusUpload u : uploads) {
        running.submit(() -> {
          u.send(offset, () -> finished(status));
          return null;
        });
      }
      for (int i = 0; i < uploads.size(); i++) {
        try {
          running.take().get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof BrokerException b) {
            throw b;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new BrokerException("a TUS part of file transfer " + fileTransferId + " failed", cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BrokerInterruptedException("interrupted while sending the TUS parts of file transfer "
              + fileTransferId + "; the parts were cancelled", e);
        }
      }
    } finally {
      pool.shutdownNow(); // interrupts the parts still running: Interruptible cancels their calls
      awaitStopped(pool);
    }
  }

  private static void awaitStopped(ExecutorService pool) {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          if (pool.awaitTermination(30, TimeUnit.SECONDS)) {
            return;
          }
          LOG.warn("TUS part threads did not stop within 30 s of being cancelled");
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether the transfer is past {@code UploadStarted}: its upload took effect, whatever HEAD can still say. */
  private static boolean finished(Supplier<FileTransferStatus> status) {
    FileTransferStatus s = status.get();
    return !FileTransferStatus.INITIALIZED.equals(s) && !FileTransferStatus.UPLOAD_STARTED.equals(s);
  }

  /** The final POST, with absolute paths in creation order; not idempotent, so an unclear outcome is read back. */
  private void concatenate(List<TusUpload> uploads, Supplier<FileTransferStatus> status) {
    StringBuilder refs = new StringBuilder("final;");
    for (int i = 0; i < uploads.size(); i++) {
      refs.append(i == 0 ? "" : " ").append(uploads.get(i).url().encodedPath());
    }
    for (int attempt = 1; ; attempt++) {
      Call call = Call.of("POST", tusUrl, scopes, false).header("Tus-Resumable", TusUpload.VERSION)
          .header("Upload-Concat", refs.toString()).accept(null).hint(hint);
      try {
        transport.execute(call).close();
        return;
      } catch (BrokerIOException | BrokerServerException | BrokerConflictException e) {
        if (finished(status)) {
          LOG.info("The final TUS POST of {} failed ({}), but the transfer is past UploadStarted: it took effect",
              fileTransferId, e.getMessage());
          return;
        }
        if (attempt >= 2 || e instanceof BrokerConflictException) {
          throw e;
        }
        LOG.info("The final TUS POST of {} failed ({}) and the transfer is still UploadStarted: posting it again",
            fileTransferId, e.getMessage());
      }
    }
  }
}
