package no.brokerclient.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import no.brokerclient.BrokerClient;
import no.brokerclient.TelemetryListener;
import no.brokerclient.internal.Telemetry;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.RecipientFileTransferStatus;
import no.brokerclient.model.SearchRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A polling backstop for webhooks: Altinn can lose events (Broker does not retry a failed publish) or delay them
 * (Events caches subscriptions for up to an hour). Each poll searches Broker and feeds what it finds to the same
 * listener, deduplicated against webhook deliveries through a shared {@link EventDeduplicator}.
 *
 * <ul>
 *   <li>{@link EventRole#RECIPIENT}: transfers {@code Published} whose recipient status for the caller is still
 *       {@code Initialized} (not downloaded), as {@code published} events.</li>
 *   <li>{@link EventRole#SENDER}: transfers the caller sent after {@link Builder#since(Instant)} (fixed: every
 *       poll searches from it, it does not advance); each one's overview is read and a status change to {@code
 *       UploadProcessing}, {@code Published}, {@code Failed}, {@code AllConfirmedDownloaded} or {@code Purged}
 *       becomes the matching event. Transfers in a final status are not read again.</li>
 * </ul>
 *
 * Broker allows about 10 searches a minute; do not poll more often than every 6 s (the default interval of {@link
 * #start} is one minute). Thread-safe; polls do not overlap.
 */
public final class BrokerEventPoller {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerEventPoller.class);
  /** Shortest interval {@link #start} accepts (Broker's 10 searches a minute). */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(6);
  private static final String SOURCE = "broker-client:poll";

  private final BrokerClient client;
  private final String resourceId;
  private final OrganizationNumber organization;
  private final EventRole role;
  private final BrokerEventListener listener;
  private final EventDeduplicator dedupe;
  private final Instant since;
  private final Telemetry telemetry;
  private final Map<UUID, FileTransferStatus> lastStatus = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, FileTransferStatus> eldest) {
          return size() > 50_000;
        }
      });

  private BrokerEventPoller(Builder b) {
    this.client = b.client;
    this.resourceId = b.resourceId;
    this.organization = b.organization;
    this.role = b.role;
    this.listener = b.listener;
    this.dedupe = b.dedupe;
    this.since = b.since;
    this.telemetry = Telemetry.of(b.telemetry);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Polls once. A failure with one transfer (its overview cannot be read, or the listener throws anything) is
   * logged and the poll moves on to the next; the transfer is looked at again next poll. A failing search throws.
   *
   * @return how many events reached the listener
   */
  public synchronized int pollOnce() {
    return role == EventRole.RECIPIENT ? pollRecipient() : pollSender();
  }

  /**
   * Polls every {@code interval} on {@code executor} until the returned future is cancelled. A failing poll
   * (whatever it throws, {@code Error}s included) is logged and the next one runs as scheduled.
   *
   * @param executor the scheduler (owned by the caller)
   * @param interval at least {@link #MIN_INTERVAL}
   * @return the scheduled task
   */
  public ScheduledFuture<?> start(ScheduledExecutorService executor, Duration interval) {
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException("interval must be at least " + MIN_INTERVAL + " (Broker allows 10 searches"
          + " a minute)");
    }
    return executor.scheduleWithFixedDelay(() -> {
      try {
        int n = pollOnce();
        if (n > 0) {
          LOG.info("Poll of {} found {} event(s) the webhook had not delivered", resourceId, n);
        }
      } catch (Throwable t) { // a scheduled task that throws is never run again: no failure may end the polling
        LOG.warn("Poll of {} failed; polling again in {}: {}", resourceId, interval, t.toString());
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private int pollRecipient() {
    FileTransferSearch search = FileTransferSearch.builder(resourceId)
        .status(FileTransferStatus.PUBLISHED)
        .recipientStatus(RecipientFileTransferStatus.INITIALIZED)
        .build();
    int delivered = 0;
    try (Stream<UUID> ids = client.searchAll(search)) {
      for (UUID id : (Iterable<UUID>) ids::iterator) {
        delivered += each(id, () -> emit(id, EventType.PUBLISHED, EventRole.RECIPIENT)
            == EventDeduplicator.Outcome.HANDLED);
      }
    }
    return delivered;
  }

  private int pollSender() {
    FileTransferSearch search = FileTransferSearch.builder(resourceId).role(SearchRole.SENDER).from(since).build();
    int delivered = 0;
    try (Stream<UUID> ids = client.searchAll(search)) {
      for (UUID id : (Iterable<UUID>) ids::iterator) {
        delivered += each(id, () -> senderChange(id));
      }
    }
    return delivered;
  }

  /** @return whether a changed status of a sent transfer reached the listener */
  private boolean senderChange(UUID id) {
    FileTransferStatus previous = lastStatus.get(id);
    if (previous != null && isFinal(previous)) {
      return false;
    }
    FileTransferOverview o = client.getOverview(id);
    FileTransferStatus s = o.fileTransferStatus();
    if (s.equals(previous)) {
      return false;
    }
    EventType type = eventFor(s);
    EventDeduplicator.Outcome outcome = type == null ? null : emit(id, type, EventRole.SENDER);
    if (outcome == null || outcome == EventDeduplicator.Outcome.HANDLED
        || outcome == EventDeduplicator.Outcome.DUPLICATE) {
      lastStatus.put(id, s);
    }
    return outcome == EventDeduplicator.Outcome.HANDLED;
  }

  /**
   * Runs one transfer's step so that nothing it throws ends the poll.
   *
   * @return 1 when an event reached the listener, else 0
   */
  private int each(UUID id, BooleanSupplier step) {
    try {
      return step.getAsBoolean() ? 1 : 0;
    } catch (Throwable t) { // one bad transfer (unreadable overview, say) must not hide the ones after it
      LOG.warn("Poll of {} skipped file transfer {} this time: {}", resourceId, id, t.toString());
      return 0;
    }
  }

  private static boolean isFinal(FileTransferStatus s) {
    return Set.of(FileTransferStatus.ALL_CONFIRMED_DOWNLOADED, FileTransferStatus.FAILED, FileTransferStatus.PURGED)
        .contains(s);
  }

  private static EventType eventFor(FileTransferStatus s) {
    if (FileTransferStatus.UPLOAD_PROCESSING.equals(s)) {
      return EventType.UPLOAD_PROCESSING;
    }
    if (FileTransferStatus.PUBLISHED.equals(s)) {
      return EventType.PUBLISHED;
    }
    if (FileTransferStatus.FAILED.equals(s)) {
      return EventType.UPLOAD_FAILED;
    }
    if (FileTransferStatus.ALL_CONFIRMED_DOWNLOADED.equals(s)) {
      return EventType.ALL_CONFIRMED_DOWNLOADED;
    }
    if (FileTransferStatus.PURGED.equals(s)) {
      return EventType.FILE_PURGED;
    }
    return null;
  }

  private EventDeduplicator.Outcome emit(UUID id, EventType type, EventRole r) {
    BrokerEvent e = new BrokerEvent("poll:" + id + ":" + type.value(), SOURCE, type, null, organization.urn(),
        organization, resourceId, id, r, BrokerEvent.Origin.POLL);
    EventDeduplicator.Delivery d = dedupe.deliver(e, listener);
    if (d.outcome() == EventDeduplicator.Outcome.HANDLED) {
      telemetry.pollerCaughtMissedEvent(type.value());
    }
    if (d.outcome() == EventDeduplicator.Outcome.FAILED) {
      LOG.warn("Listener failed for polled {} on file transfer {}; it will be offered again: {}", type, id,
          d.failure().toString());
    }
    return d.outcome();
  }

  /** Builds a {@link BrokerEventPoller}. */
  public static final class Builder {
    private BrokerClient client;
    private String resourceId;
    private OrganizationNumber organization;
    private EventRole role;
    private BrokerEventListener listener;
    private EventDeduplicator dedupe = new EventDeduplicator();
    private Instant since = Instant.now().minus(Duration.ofDays(1));
    private TelemetryListener telemetry = TelemetryListener.NONE;

    private Builder() {}

    /**
     * @param telemetry told of each event a poll found that the webhook had not delivered; default {@link
     *     TelemetryListener#NONE}
     * @return this builder
     */
    public Builder telemetry(TelemetryListener telemetry) {
      this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
      return this;
    }

    /**
     * @param client a client with the RECIPIENT (or SENDER) role. Required.
     * @return this builder
     */
    public Builder client(BrokerClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * @param resourceId the Broker resource. Required.
     * @return this builder
     */
    public Builder resourceId(String resourceId) {
      this.resourceId = no.brokerclient.model.ResourceId.of(resourceId).id();
      return this;
    }

    /**
     * @param organization your organisation (the subject webhook events carry). Required.
     * @return this builder
     */
    public Builder organization(OrganizationNumber organization) {
      this.organization = Objects.requireNonNull(organization, "organization");
      return this;
    }

    /**
     * @param role {@link EventRole#RECIPIENT} or {@link EventRole#SENDER}. Required.
     * @return this builder
     */
    public Builder role(EventRole role) {
      if (role == EventRole.UNKNOWN) {
        throw new IllegalArgumentException("role must be SENDER or RECIPIENT");
      }
      this.role = Objects.requireNonNull(role, "role");
      return this;
    }

    /**
     * @param listener the same listener the webhook feeds. Required.
     * @return this builder
     */
    public Builder listener(BrokerEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @param deduplicator the {@link WebhookHandler#deduplicator()} to dedupe against; default a new window
     * @return this builder
     */
    public Builder deduplicator(EventDeduplicator deduplicator) {
      this.dedupe = Objects.requireNonNull(deduplicator, "deduplicator");
      return this;
    }

    /**
     * @param since senders: every poll looks at transfers created after this instant (it does not advance with the
     *     polls); default 24 hours before {@link BrokerEventPoller#builder()} was called
     * @return this builder
     */
    public Builder since(Instant since) {
      this.since = Objects.requireNonNull(since, "since");
      return this;
    }

    /** @return the poller */
    public BrokerEventPoller build() {
      if (client == null || resourceId == null || organization == null || role == null || listener == null) {
        throw new IllegalStateException("client, resourceId, organization, role and listener are required");
      }
      return new BrokerEventPoller(this);
    }
  }

}
