package no.brokerclient.durable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import no.brokerclient.BrokerClient;
import no.brokerclient.BrokerNotFoundException;
import no.brokerclient.BrokerTimeoutException;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.FileTransferFailedException;
import no.brokerclient.Role;
import no.brokerclient.UploadCheckpointStore;
import no.brokerclient.UploadMode;
import no.brokerclient.UploadStalledException;
import no.brokerclient.events.BrokerEventListener;
import no.brokerclient.events.EventRole;
import no.brokerclient.events.EventType;
import no.brokerclient.internal.Hex;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sender's outbox that survives crashes and runs on several instances: {@link #submit} records the intent (with
 * the request's {@code sendersFileTransferReference}) in a {@link DurableStore} before any call to Broker; workers
 * then initialize, upload, wait for {@code Published} and record the outcome.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.builder().client(senderBroker).store(store).build().start();
 * OutboxEntry s = outbox.submit(FileTransferInitialize.builder()
 *     .resourceId("my-resource").fileName("report.xml").sender("991825827").recipient("986252932").build(),
 *     Path.of("out/report.xml"));                                    // keep the file until PUBLISHED
 * outbox.await(s.submissionId(), Duration.ofMinutes(10));            // or query outbox.status(id) later
 * }</pre>
 *
 * <h2>Crashes</h2>
 * The state is recorded before each call that changes something at Broker ({@link OutboxState#INITIALIZING} before
 * initialize), so after a crash another instance (after the lease) knows what may have happened: an initialize that
 * may have reached Broker is looked up with {@link BrokerClient#findInitialized} (matching the reference and file
 * name) instead of initializing twice; an upload that was cut off is checked with the overview:
 *
 * <ul>
 *   <li>{@code Initialized} (nothing arrived): uploaded from the start;</li>
 *   <li>{@code UploadStarted}: a TUS upload (files of at least the client's {@code tusThreshold}, default 64 MiB,
 *       in {@link UploadMode#AUTO}; see {@link Builder#uploadMode}) is finished with {@link
 *       BrokerClient#resumeUpload} from its checkpoint, sending only what Broker lacks, on whichever instance
 *       claims it, when the client keeps its checkpoints in the database ({@link
 *       JdbcDurableStore#uploadCheckpoints()}). Without a checkpoint (a streamed upload still running, or a TUS
 *       upload cut between its create and its checkpoint) the attempt is retried later, each try counting as an
 *       attempt (so with the default settings the submission is quarantined before Broker fails the idle transfer
 *       after 24 h; a try after that initializes a new one). An upload Broker expired (24 h without a PATCH or HEAD:
 *       404) or that cannot be resumed ({@link UploadStalledException}) is <em>abandoned</em>: its transfer stays
 *       {@code UploadStarted} until Broker fails it, so it is never published, and a new transfer is initialized
 *       with the same {@code sendersFileTransferReference} (recorded {@code INITIALIZING} first, and reconciled
 *       by {@code findInitialized} after a crash, which reuses only {@code Initialized} transfers, never the
 *       abandoned one): recipients get the file once;</li>
 *   <li>{@code Failed} or {@code Cancelled} (a streamed upload that broke off): initialized anew, as above;</li>
 *   <li>received ({@code UploadProcessing} and later): not uploaded again.</li>
 * </ul>
 * The checkpoint row of a transfer is deleted when its upload completes, and when the outbox finishes or abandons
 * the transfer.
 *
 * <h2>Events</h2>
 * {@link #listener()} moves uploaded submissions to {@code PUBLISHED} or {@code FAILED} on the sender's {@code
 * published} and {@code uploadfailed} events and records {@code allconfirmeddownloaded}; without events the workers
 * poll the overview ({@link BrokerClient#awaitStatus}). Thread-safe.
 */
public final class Outbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  /** How far before the recorded initialize time {@code findInitialized} searches (clock differences). */
  static final Duration RECONCILE_MARGIN = Duration.ofMinutes(5);

  /** Points in the work on one submission, for tests that crash the process there. */
  enum Step {
    INITIALIZED, UPLOADING, UPLOADED
  }

  private final BrokerClient client;
  private final DurableStore store;
  private final String instanceId;
  private final Duration publishTimeout;
  private final Settings settings;
  private final Clock clock;
  private final StepHook hook;
  private final UploadMode uploadMode;
  private final UploadCheckpointStore checkpoints;
  private final Workers<OutboxEntry> workers;

  private Outbox(Builder b) {
    this.client = b.client;
    this.store = b.store;
    this.instanceId = b.instanceIdOrDefault();
    this.publishTimeout = b.publishTimeout;
    this.settings = b.settings;
    this.clock = b.clock;
    this.hook = b.hook;
    this.uploadMode = b.uploadMode;
    this.checkpoints = b.checkpoints != null ? b.checkpoints
        : b.store instanceof JdbcDurableStore j ? j.uploadCheckpoints() : UploadCheckpointStore.besideFile();
    this.workers = new Workers<>("outbox", "outbox", store, settings, clock,
        max -> store.claimOutbox(instanceId, max, clock.instant(), settings.lease()), OutboxEntry::submissionId,
        OutboxEntry::claim, this::process);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks (or creates) the schema and starts the workers; unfinished submissions are picked up.
   *
   * @return this
   * @throws DurableStoreException when the store cannot be reached or has the wrong schema
   */
  public Outbox start() {
    store.initialize();
    workers.start();
    LOG.info("Outbox {} started with {} workers on {}", instanceId, settings.concurrency(), store);
    return this;
  }

  /** @return this instance's id */
  public String instanceId() {
    return instanceId;
  }

  /**
   * Records a file to send. Validates the file and computes its MD5 (streamed) first; no call to Broker is made
   * here. Idempotent per resource and {@code sendersFileTransferReference}: submitting a request with a reference
   * already in the outbox returns that submission unchanged. Keep the file unchanged until the submission is
   * {@link OutboxState#PUBLISHED} (a crashed upload is sent again from it).
   *
   * @param request the metadata (its checksum, if set, must match the file)
   * @param file the file
   * @return the recorded submission
   * @throws BrokerValidationException if the file is unreadable or does not match the request's checksum
   * @throws DurableStoreException when the store cannot be reached (nothing was recorded or sent)
   */
  public OutboxEntry submit(FileTransferInitialize request, Path file) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(file, "file");
    Path abs = file.toAbsolutePath();
    String md5 = md5(abs);
    if (request.checksum() != null && !request.checksum().equals(md5)) {
      throw new BrokerValidationException("checksum", "the request says " + request.checksum()
          + " but the file's MD5 is " + md5);
    }
    store.initialize();
    Instant now = clock.instant();
    OutboxEntry stored = store.insertOutbox(new OutboxEntry(UUID.randomUUID(), OutboxState.RECORDED,
        request.withChecksum(md5), abs, null, 0, 0, now, null, null, null, null, null, now, now));
    workers.wake();
    return stored;
  }

  private static String md5(Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new BrokerValidationException("file", file + " is not a readable regular file");
    }
    try {
      return Hex.md5(file);
    } catch (IOException e) {
      throw new BrokerValidationException("file", "cannot read " + file + ": " + e.getMessage());
    }
  }

  /**
   * @param submissionId a submission
   * @return its row
   */
  public Optional<OutboxEntry> status(UUID submissionId) {
    return store.outboxEntry(submissionId);
  }

  /**
   * Waits until the submission is final ({@code PUBLISHED}, {@code FAILED} or {@code QUARANTINED}), reading the
   * store every 200 ms.
   *
   * @param submissionId the submission
   * @param timeout how long
   * @return the final row
   * @throws BrokerTimeoutException if it is not final in time
   * @throws InterruptedException if interrupted
   */
  public OutboxEntry await(UUID submissionId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      OutboxEntry e = status(submissionId).orElseThrow(() -> new IllegalArgumentException("unknown submission "
          + submissionId));
      if (e.state().isFinal()) {
        return e;
      }
      if (System.nanoTime() > deadline) {
        throw new BrokerTimeoutException("submission " + submissionId + " is still " + e.state() + " after "
            + timeout, null);
      }
      Thread.sleep(200);
    }
  }

  /**
   * The listener for the sender's events ({@code WebhookHandler}, {@code BrokerEventPoller} with role SENDER).
   *
   * @return the listener
   */
  public BrokerEventListener listener() {
    return event -> {
      if (event.role() != EventRole.SENDER || event.fileTransferId() == null) {
        return;
      }
      Instant now = clock.instant();
      if (EventType.PUBLISHED.equals(event.type())) {
        store.advanceOutbox(event.fileTransferId(), OutboxState.UPLOADED, OutboxState.PUBLISHED, "Published", now);
      } else if (EventType.UPLOAD_FAILED.equals(event.type())) {
        store.advanceOutbox(event.fileTransferId(), OutboxState.UPLOADED, OutboxState.FAILED, "Failed", now);
      } else if (EventType.ALL_CONFIRMED_DOWNLOADED.equals(event.type())) {
        store.markAllConfirmed(event.fileTransferId(), now);
      }
    };
  }

  // ---------------------------------------------------------------------------------------------- processing

  private void process(OutboxEntry claimed, Workers.Held held) {
    OutboxEntry e = claimed;
    try {
      if (e.state() == OutboxState.INITIALIZED && (claimed.claims() > 1 || claimed.attempts() > 0)) {
        e = checkUpload(e, held);
        if (e == null) {
          return;
        }
      }
      if (e.state() == OutboxState.RECORDED || e.state() == OutboxState.INITIALIZING) {
        UUID id = e.state() == OutboxState.INITIALIZING ? reconcile(e) : null;
        if (id == null) {
          OutboxState before = e.state();
          e = save(e.initializing(clock.instant()), before, held);
          if (e == null) {
            return;
          }
          id = client.initialize(e.request());
          hook.at(Step.INITIALIZED, e.submissionId());
        }
        e = save(e.to(OutboxState.INITIALIZED, id, FileTransferStatus.INITIALIZED.value()), OutboxState.INITIALIZING,
            held);
        if (e == null) {
          return;
        }
      }
      if (e.state() == OutboxState.INITIALIZED) {
        client.upload(e.fileTransferId(), e.file(), hook.halfway(Step.UPLOADING, e.submissionId()), uploadMode);
        e = save(e.to(OutboxState.UPLOADED, e.fileTransferId(), FileTransferStatus.UPLOAD_PROCESSING.value()),
            OutboxState.INITIALIZED, held);
        if (e == null) {
          return;
        }
        hook.at(Step.UPLOADED, e.submissionId());
      }
      if (e.state() == OutboxState.UPLOADED) {
        FileTransferOverview o = client.awaitStatus(e.fileTransferId(), FileTransferStatus.PUBLISHED, publishTimeout);
        finish(e, OutboxState.PUBLISHED, o.fileTransferStatus().value(), null);
      }
    } catch (FileTransferFailedException ex) {
      FileTransferOverview o = ex.overview();
      finish(e, OutboxState.FAILED, o.fileTransferStatus().value(), Settings.describe(ex));
    } catch (RuntimeException ex) {
      if (Thread.currentThread().isInterrupted()) {
        workers.release(e.submissionId(), e.claim());
      } else {
        fail(e, ex);
      }
    }
  }

  /**
   * After a crash or failure in {@code INITIALIZED}: what did Broker get? Still {@code Initialized}: upload.
   * Received ({@code UploadProcessing} and later): do not upload again. Failed or cancelled (the upload broke off):
   * start over with a new transfer. {@code UploadStarted}: resume the TUS upload (see {@link #resume}).
   */
  private OutboxEntry checkUpload(OutboxEntry e, Workers.Held held) {
    FileTransferOverview o = client.getOverview(e.fileTransferId());
    FileTransferStatus s = o.fileTransferStatus();
    if (FileTransferStatus.INITIALIZED.equals(s)) {
      return e;
    }
    if (FileTransferStatus.UPLOAD_STARTED.equals(s)) {
      return resume(e, held);
    }
    if (FileTransferStatus.UPLOAD_PROCESSING.equals(s) || FileTransferStatus.PUBLISHED.equals(s)
        || FileTransferStatus.ALL_CONFIRMED_DOWNLOADED.equals(s)) {
      return save(e.to(OutboxState.UPLOADED, e.fileTransferId(), s.value()), OutboxState.INITIALIZED, held);
    }
    if (FileTransferStatus.FAILED.equals(s) || FileTransferStatus.CANCELLED.equals(s)
        || FileTransferStatus.PURGED.equals(s)) {
      return abandon(e, s, s + ": " + o.fileTransferStatusText(), held);
    }
    throw new IllegalStateException("transfer " + e.fileTransferId() + " is " + s + "; trying again later");
  }

  /**
   * {@code UploadStarted} after a crash or failure: finishes a TUS upload from its checkpoint (whichever instance
   * began it). Without a checkpoint the client refuses before sending anything and the attempt is retried later. An
   * upload Broker no longer knows (expired after 24 h idle: 404) or cannot finish (HEAD and PATCH never agree) is
   * abandoned for a new transfer; the old one is never published.
   */
  private OutboxEntry resume(OutboxEntry e, Workers.Held held) {
    if (held.lost()) {
      return null;
    }
    try {
      client.resumeUpload(e.fileTransferId(), e.file(), hook.halfway(Step.UPLOADING, e.submissionId()));
    } catch (BrokerNotFoundException | UploadStalledException ex) {
      return abandon(e, FileTransferStatus.UPLOAD_STARTED, "UploadStarted, and its TUS upload cannot be resumed ("
          + ex.getMessage() + ")", held);
    }
    LOG.info("Outbox: resumed the TUS upload of transfer {} (submission {})", e.fileTransferId(), e.submissionId());
    return save(e.to(OutboxState.UPLOADED, e.fileTransferId(), FileTransferStatus.UPLOAD_PROCESSING.value()),
        OutboxState.INITIALIZED, held);
  }

  /** Gives up the submission's transfer (it can never be published) and goes back to initialize a new one. */
  private OutboxEntry abandon(OutboxEntry e, FileTransferStatus s, String why, Workers.Held held) {
    LOG.info("Outbox: transfer {} of submission {} is {}: initializing a new one", e.fileTransferId(),
        e.submissionId(), why);
    forgetCheckpoint(e);
    int attempt = e.attempts() + 1;
    if (settings.quarantine(attempt)) {
      fail(e, new IllegalStateException("transfer " + e.fileTransferId() + " is " + s));
      return null;
    }
    OutboxEntry again = e.failed(OutboxState.RECORDED, attempt, e.nextAttemptAt(), "transfer " + e.fileTransferId()
        + " is " + why).to(OutboxState.RECORDED, null, s.value());
    return save(again, OutboxState.INITIALIZED, held);
  }

  /** Deletes the transfer's TUS checkpoint, if any; a store that cannot do it now only leaves a small row. */
  private void forgetCheckpoint(OutboxEntry e) {
    if (e.fileTransferId() == null) {
      return;
    }
    try {
      checkpoints.delete(e.fileTransferId(), e.file());
    } catch (RuntimeException ex) {
      LOG.warn("Outbox: could not delete the TUS checkpoint of transfer {}: {}", e.fileTransferId(), ex.toString());
    }
  }

  /** @return the transfer an earlier initialize of this submission created, if Broker has one */
  private UUID reconcile(OutboxEntry e) {
    Instant since = (e.initializingAt() != null ? e.initializingAt() : e.created()).minus(RECONCILE_MARGIN);
    List<FileTransferOverview> found = client.findInitialized(e.request(), since);
    for (FileTransferOverview o : found) {
      if (FileTransferStatus.INITIALIZED.equals(o.fileTransferStatus())) {
        LOG.info("Outbox: submission {} was initialized before a crash as {}; reusing it", e.submissionId(),
            o.fileTransferId());
        return o.fileTransferId();
      }
    }
    return null;
  }

  /** @return the saved entry, or {@code null} when the claim was lost */
  private OutboxEntry save(OutboxEntry next, OutboxState expected, Workers.Held held) {
    if (held.lost() || !store.saveOutbox(next, expected, false, clock.instant())) {
      LOG.info("Outbox: submission {} changed underneath (an event, or another instance took it over)",
          next.submissionId());
      return null;
    }
    return next;
  }

  private void finish(OutboxEntry e, OutboxState end, String brokerStatus, String note) {
    OutboxEntry done = e.failed(end, e.attempts(), e.nextAttemptAt(), note).to(end, e.fileTransferId(),
        brokerStatus);
    if (store.saveOutbox(done, e.state(), true, clock.instant())) {
      LOG.info("Outbox: submission {} (transfer {}) is {}", e.submissionId(), e.fileTransferId(), end);
      forgetCheckpoint(e);
    }
  }

  private void fail(OutboxEntry e, RuntimeException ex) {
    Instant now = clock.instant();
    Settings.Failure f = settings.failure(e.attempts(), now, ex);
    OutboxEntry next = e.failed(f.quarantined() ? OutboxState.QUARANTINED : e.state(), f.attempt(), f.retryAt(),
        f.error());
    if (store.saveOutbox(next, e.state(), true, now)) {
      f.log(LOG, "Outbox: submission " + e.submissionId(), e.state());
      if (f.quarantined()) {
        forgetCheckpoint(e);
      }
    }
  }

  /** Stops the workers; see {@link WorkerBuilder#shutdownTimeout}. */
  @Override
  public void close() {
    workers.close(settings.shutdownTimeout());
  }

  @Override
  public String toString() {
    return "Outbox[" + instanceId + ", " + store + "]";
  }

  /**
   * Builds an {@link Outbox}; the worker settings are in {@link WorkerBuilder}. Required: {@link #client}, {@link
   * #store}.
   */
  public static final class Builder extends WorkerBuilder<Builder> {
    private BrokerClient client;
    private DurableStore store;
    private Duration publishTimeout = Duration.ofMinutes(10);
    private UploadMode uploadMode = UploadMode.AUTO;
    private UploadCheckpointStore checkpoints;

    private Builder() {}

    /**
     * @param client a client with {@link Role#SENDER}
     * @return this
     */
    public Builder client(BrokerClient client) {
      this.client = Objects.requireNonNull(client, "client");
      if (!client.roles().contains(Role.SENDER)) {
        throw new IllegalArgumentException("the outbox needs a BrokerClient with Role.SENDER");
      }
      return this;
    }

    /**
     * @param store where the state lives
     * @return this
     */
    public Builder store(DurableStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @param timeout how long one worker waits for the virus scan to publish an upload before trying again later
     *     (the wait counts as a failed attempt); default 10 minutes
     * @return this
     */
    public Builder publishTimeout(Duration timeout) {
      this.publishTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * @param mode how the workers upload; default {@link UploadMode#AUTO}: TUS for files of at least the client's
     *     {@link BrokerClient.Builder#tusThreshold tusThreshold} (default 64 MiB), resumable after a crash from any
     *     instance; one streamed POST below it. {@link UploadMode#STREAM} never uses TUS (a cut upload is then sent
     *     again from zero, to a new transfer)
     * @return this
     */
    public Builder uploadMode(UploadMode mode) {
      this.uploadMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * The store the {@linkplain #client client} keeps its TUS checkpoints in ({@link
     * BrokerClient.Builder#uploadCheckpoints}): the outbox deletes a transfer's checkpoint when it finishes or
     * abandons the transfer. Give the client and the outbox the same one; for resuming on another instance it must
     * be shared, as {@link JdbcDurableStore#uploadCheckpoints()} is.
     *
     * @param store the checkpoint store; default {@link JdbcDurableStore#uploadCheckpoints()} when the {@linkplain
     *     #store store} is a {@link JdbcDurableStore}, else {@link UploadCheckpointStore#besideFile()} (the client's
     *     default)
     * @return this
     */
    public Builder uploadCheckpoints(UploadCheckpointStore store) {
      this.checkpoints = Objects.requireNonNull(store, "store");
      return this;
    }

    /** @return the outbox (not started: call {@link Outbox#start()}) */
    public Outbox build() {
      if (client == null || store == null) {
        throw new IllegalStateException("Outbox needs client and store");
      }
      return new Outbox(this);
    }
  }
}
