package no.brokerclient.durable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.events.BrokerEvent;
import no.brokerclient.events.BrokerEventListener;
import no.brokerclient.events.BrokerEventPoller;
import no.brokerclient.events.EventRole;
import no.brokerclient.events.EventType;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.RecipientFileTransferStatus;
import no.brokerclient.model.RecipientStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recipient's inbox that survives crashes and runs on several instances: every published transfer is recorded
 * in a {@link DurableStore}, downloaded (size and MD5 verified), handed to your {@link InboxHandler}, and confirmed
 * to Broker only after the handler returned, exactly once across all instances sharing the store.
 *
 * <pre>{@code
 * JdbcDurableStore store = JdbcDurableStore.builder(dataSource).build();    // or JdbcDurableStore.h2(path)
 * Inbox inbox = Inbox.builder()
 *     .client(recipientBroker)                     // role RECIPIENT
 *     .store(store)
 *     .organization(OrganizationNumber.of("986252932"))
 *     .directory(Path.of("/var/lib/app/inbox"))
 *     .handler(file -> archive.store(file.idempotencyKey(), file.path()))
 *     .build();
 * inbox.start();
 * WebhookHandler webhook = WebhookHandler.builder().listener(inbox.listener()).secret(secret).build();
 * // and the polling backstop: BrokerEventPoller.builder()...listener(inbox.listener()).build().start(...)
 * }</pre>
 *
 * <h2>States</h2>
 * {@link InboxState#DISCOVERED} → (claimed by one instance with a lease) → {@link InboxState#DOWNLOADED} → {@link
 * InboxState#HANDLED} → {@link InboxState#CONFIRMED}. A failure records the attempt, the error and the next attempt
 * time (doubling backoff); after {@link WorkerBuilder#maxAttempts} it is {@link InboxState#QUARANTINED}. A transfer
 * that
 * is unknown, purged, cancelled or has no file (404, {@code BRO-00003}) becomes {@link InboxState#GONE} and is not
 * retried. An instance that dies leaves its claims; they lapse after the lease and another instance resumes from
 * the last recorded state: a download cut off resumes its partial file with {@code Range} (same {@link
 * Builder#directory}), a handler that may have run runs again (at least once), and a
 * transfer whose handler returned is confirmed after checking that it is not confirmed already.
 *
 * <h2>Threads</h2>
 * {@link WorkerBuilder#concurrency} worker threads (default 4) claim and process one transfer at a time; {@link
 * #listener()} and {@link #offer} only write a row, so webhook answers stay fast. {@link #close()} stops claiming,
 * gives running work {@link WorkerBuilder#shutdownTimeout} to finish and releases the rest. Thread-safe.
 */
public final class Inbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

  /** Points in the processing of one transfer, for tests that crash the process there. */
  enum Step {
    DOWNLOADING, DOWNLOADED, HANDLED, CONFIRMED
  }

  private final BrokerClient client;
  private final DurableStore store;
  private final OrganizationNumber organization;
  private final Path directory;
  private final InboxHandler handler;
  private final String instanceId;
  private final boolean deleteAfterConfirm;
  private final Settings settings;
  private final Clock clock;
  private final StepHook hook;
  private final Workers<InboxEntry> workers;

  private Inbox(Builder b) {
    this.client = b.client;
    this.store = b.store;
    this.organization = b.organization;
    this.directory = b.directory;
    this.handler = b.handler;
    this.instanceId = b.instanceIdOrDefault();
    this.deleteAfterConfirm = b.deleteAfterConfirm;
    this.settings = b.settings;
    this.clock = b.clock;
    this.hook = b.hook;
    this.workers = new Workers<>("inbox", "inbox", store, settings, clock,
        max -> store.claimInbox(instanceId, max, clock.instant(), settings.lease()), InboxEntry::fileTransferId,
        InboxEntry::claim, this::process);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks (or creates) the schema and starts the workers. Work recorded before, by this or another instance,
   * is picked up.
   *
   * @return this
   * @throws DurableStoreException when the store cannot be reached or has the wrong schema
   */
  public Inbox start() {
    store.initialize();
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new DurableStoreException("cannot create the inbox directory " + directory + ": " + e, e);
    }
    workers.start();
    LOG.info("Inbox {} started with {} workers on {}", instanceId, settings.concurrency(), store);
    return this;
  }

  /** @return this instance's id (the {@code owner} column of its claims) */
  public String instanceId() {
    return instanceId;
  }

  /**
   * Records a transfer to receive (say, found by your own search). Idempotent: a transfer already recorded, in
   * any state, is left as it is.
   *
   * @param fileTransferId the transfer
   * @return whether it was new
   * @throws DurableStoreException when the store cannot be reached
   */
  public boolean offer(UUID fileTransferId) {
    return offer(fileTransferId, "OFFER");
  }

  private boolean offer(UUID fileTransferId, String source) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    store.initialize(); // a webhook may deliver before start()
    boolean added = store.offerInbox(fileTransferId, source, clock.instant());
    if (added) {
      workers.wake();
    }
    return added;
  }

  /**
   * The listener for {@link WebhookHandler} and {@link BrokerEventPoller}: records {@code published} events for
   * the recipient role. If the store is down it throws, so the webhook is answered 500 and Altinn redelivers
   * (and the poller offers it again).
   *
   * @return the listener
   */
  public BrokerEventListener listener() {
    return event -> {
      if (EventType.PUBLISHED.equals(event.type()) && event.role() == EventRole.RECIPIENT
          && event.fileTransferId() != null) {
        offer(event.fileTransferId(), event.origin() == BrokerEvent.Origin.POLL ? "POLL" : "WEBHOOK");
      }
    };
  }

  /**
   * @param fileTransferId a transfer
   * @return its row, if recorded
   */
  public Optional<InboxEntry> entry(UUID fileTransferId) {
    return store.inboxEntry(fileTransferId);
  }

  // ---------------------------------------------------------------------------------------------- processing

  private void process(InboxEntry claimed, Workers.Held held) {
    InboxEntry e = claimed;
    boolean resumed = claimed.claims() > 1;
    FileTransferOverview overview = null;
    try {
      if (e.state() == InboxState.DOWNLOADED && !downloadedFileIntact(e)) {
        LOG.warn("Inbox: the downloaded file of {} is missing or changed; downloading again", e.fileTransferId());
        e = save(e.rediscovered(), InboxState.DOWNLOADED, held);
        if (e == null) {
          return;
        }
      }
      if (e.state() == InboxState.DISCOVERED) {
        overview = client.getOverview(e.fileTransferId());
        String gone = goneReason(overview);
        if (gone != null) {
          finish(e, e.state(), InboxState.GONE, gone);
          return;
        }
        Path target = directory.resolve(e.fileTransferId() + ".bin");
        DownloadResult r = client.download(e.fileTransferId(), target, hook.halfway(Step.DOWNLOADING,
            e.fileTransferId()));
        e = save(e.downloaded(r.path(), r.size(), r.md5()), InboxState.DISCOVERED, held);
        if (e == null) {
          return;
        }
        hook.at(Step.DOWNLOADED, claimed.fileTransferId());
      }
      if (e.state() == InboxState.DOWNLOADED) {
        if (overview == null) {
          overview = client.getOverview(e.fileTransferId());
        }
        handler.handle(new ReceivedFile(e.fileTransferId(), e.path(), e.size(), e.md5(), overview, e.claims()));
        InboxState before = e.state();
        e = save(e.to(InboxState.HANDLED), before, held);
        if (e == null) {
          return;
        }
        hook.at(Step.HANDLED, claimed.fileTransferId());
      }
      if (e.state() == InboxState.HANDLED) {
        confirm(e, resumed && claimed.state() == InboxState.HANDLED, held);
      }
    } catch (BrokerApiException ex) {
      if (isGone(ex, e.fileTransferId())) {
        finish(e, e.state(), InboxState.GONE, Settings.describe(ex));
      } else {
        fail(e, ex);
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      workers.release(e.fileTransferId(), e.claim());
    } catch (Exception ex) {
      if (Thread.currentThread().isInterrupted()) {
        workers.release(e.fileTransferId(), e.claim());
      } else {
        fail(e, ex);
      }
    }
  }

  private void confirm(InboxEntry e, boolean mayBeConfirmed, Workers.Held held) {
    if (held.lost()) {
      return;
    }
    if (mayBeConfirmed) {
      RecipientStatus mine = client.getOverview(e.fileTransferId()).recipient(organization);
      if (mine != null
          && RecipientFileTransferStatus.DOWNLOAD_CONFIRMED.equals(mine.currentRecipientFileTransferStatusCode())) {
        LOG.info("Inbox: {} was confirmed before this instance resumed it; not confirming again", e.fileTransferId());
        finish(e, InboxState.HANDLED, InboxState.CONFIRMED, null);
        return;
      }
    }
    // Only while the claim is still ours, with at least half a lease left to cover the call (renewed if less).
    Claim current = held.claim();
    Instant now = clock.instant();
    if (current.leaseUntil() == null || current.leaseUntil().isBefore(now.plus(settings.lease().dividedBy(2)))) {
      Claim renewed = new Claim(current.owner(), current.token(), now.plus(settings.lease()));
      if (!store.renew("inbox", e.fileTransferId(), renewed)) {
        LOG.warn("Inbox: lost the claim on {} before confirming; the new owner confirms", e.fileTransferId());
        return;
      }
    }
    client.confirmDownload(e.fileTransferId());
    hook.at(Step.CONFIRMED, e.fileTransferId());
    if (finish(e, InboxState.HANDLED, InboxState.CONFIRMED, null) && deleteAfterConfirm && e.path() != null) {
      try {
        Files.deleteIfExists(e.path());
      } catch (IOException io) {
        LOG.warn("Inbox: could not delete {} after confirming: {}", e.path(), io.toString());
      }
    }
  }

  /** @return why there is nothing to receive (purged, cancelled, failed, confirmed by someone else), or null */
  private String goneReason(FileTransferOverview o) {
    FileTransferStatus s = o.fileTransferStatus();
    if (FileTransferStatus.PURGED.equals(s) || FileTransferStatus.CANCELLED.equals(s)
        || FileTransferStatus.FAILED.equals(s)) {
      return "Broker status " + s;
    }
    RecipientStatus mine = o.recipient(organization);
    if (mine != null
        && RecipientFileTransferStatus.DOWNLOAD_CONFIRMED.equals(mine.currentRecipientFileTransferStatusCode())) {
      return "confirmed outside this inbox before it was downloaded here";
    }
    return null;
  }

  /** 404 and {@code BRO-00003} (no file); for "not ready" ({@code BRO-00007}, {@code BRO-00010}) the status says. */
  private boolean isGone(BrokerApiException e, UUID id) {
    if (e.statusCode() == 404 || e.error().hasCode("BRO-00003")) {
      return true;
    }
    if (e.error().hasCode("BRO-00007") || e.error().hasCode("BRO-00010")) {
      try {
        FileTransferStatus s = client.getOverview(id).fileTransferStatus();
        return FileTransferStatus.PURGED.equals(s) || FileTransferStatus.CANCELLED.equals(s)
            || FileTransferStatus.FAILED.equals(s);
      } catch (BrokerApiException again) {
        return again.statusCode() == 404;
      }
    }
    return false;
  }

  private static boolean downloadedFileIntact(InboxEntry e) {
    try {
      return e.path() != null && e.size() != null && Files.isRegularFile(e.path()) && Files.size(e.path()) == e.size();
    } catch (IOException io) {
      return false;
    }
  }

  /** @return the saved entry, or {@code null} when the claim was lost */
  private InboxEntry save(InboxEntry next, InboxState expected, Workers.Held held) {
    if (held.lost() || !store.saveInbox(next, expected, false, clock.instant())) {
      LOG.warn("Inbox: lost the claim on {}; another instance carries on", next.fileTransferId());
      return null;
    }
    return next;
  }

  private boolean finish(InboxEntry e, InboxState expected, InboxState end, String note) {
    InboxEntry done = e.failed(end, e.attempts(), e.nextAttemptAt(), note);
    boolean saved = store.saveInbox(done, expected, true, clock.instant());
    if (saved) {
      LOG.info("Inbox: {} is {}{}", e.fileTransferId(), end, note == null ? "" : " (" + note + ")");
    }
    return saved;
  }

  private void fail(InboxEntry e, Exception ex) {
    Instant now = clock.instant();
    Settings.Failure f = settings.failure(e.attempts(), now, ex);
    InboxEntry next = e.failed(f.quarantined() ? InboxState.QUARANTINED : e.state(), f.attempt(), f.retryAt(),
        f.error());
    if (store.saveInbox(next, e.state(), true, now)) {
      f.log(LOG, "Inbox: " + e.fileTransferId(), e.state());
    }
  }

  /**
   * Stops the workers: running work gets {@link WorkerBuilder#shutdownTimeout} to finish; unfinished claims are
   * released.
   */
  @Override
  public void close() {
    workers.close(settings.shutdownTimeout());
  }

  @Override
  public String toString() {
    return "Inbox[" + instanceId + ", " + store + "]";
  }

  /**
   * Builds an {@link Inbox}; the worker settings are in {@link WorkerBuilder}. Required: {@link #client}, {@link
   * #store}, {@link #organization}, {@link #directory},
   * {@link #handler}.
   */
  public static final class Builder extends WorkerBuilder<Builder> {
    private BrokerClient client;
    private DurableStore store;
    private OrganizationNumber organization;
    private Path directory;
    private InboxHandler handler;
    private boolean deleteAfterConfirm = true;

    private Builder() {}

    /**
     * @param client a client with {@link Role#RECIPIENT}
     * @return this
     */
    public Builder client(BrokerClient client) {
      this.client = Objects.requireNonNull(client, "client");
      if (!client.roles().contains(Role.RECIPIENT)) {
        throw new IllegalArgumentException("the inbox needs a BrokerClient with Role.RECIPIENT");
      }
      return this;
    }

    /**
     * @param store where the state lives; instances that share work share the store
     * @return this
     */
    public Builder store(DurableStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @param organization the receiving organisation (its own recipient status decides whether a transfer is
     *     already confirmed)
     * @return this
     */
    public Builder organization(OrganizationNumber organization) {
      this.organization = Objects.requireNonNull(organization, "organization");
      return this;
    }

    /**
     * @param directory where files are downloaded ({@code <fileTransferId>.bin}); created if missing. With several
     *     instances on different machines each has its own; the store records which file is whose
     * @return this
     */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
      return this;
    }

    /**
     * @param handler what to do with each file (at least once per transfer)
     * @return this
     */
    public Builder handler(InboxHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * @param delete delete the downloaded file once confirmed; default {@code true} (the handler moves or copies
     *     what it keeps)
     * @return this
     */
    public Builder deleteAfterConfirm(boolean delete) {
      this.deleteAfterConfirm = delete;
      return this;
    }

    /** @return the inbox (not started: call {@link Inbox#start()}) */
    public Inbox build() {
      if (client == null || store == null || organization == null || directory == null || handler == null) {
        throw new IllegalStateException("Inbox needs client, store, organization, directory and handler");
      }
      return new Inbox(this);
    }
  }
}
