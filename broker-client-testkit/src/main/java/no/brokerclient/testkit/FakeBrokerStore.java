package no.brokerclient.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import no.brokerclient.testkit.Http.Caller;
import no.brokerclient.testkit.Http.Reject;

/**
 * The state every endpoint group of {@link FakeBroker} shares: resources, service owners and file transfers, the
 * locking rule (a {@link Transfer} is guarded by its own monitor), the status transitions after a file is stored
 * (checksum, virus scan, publish, fail, purge) with the events they raise, the access checks, and the files on disk
 * (one temporary blob per transfer, streamed, never in the heap).
 */
final class FakeBrokerStore {
  static final long MAX_SCANNED = 50_000_000_000L;

  /** Raises Broker events; implemented by the events fake. */
  interface EventSink {
    void raise(String type, Transfer t, String org, String role);
  }

  /** A configured Broker resource. */
  static final class Resource {
    final String id;
    final String owner;
    final Set<String> access = ConcurrentHashMap.newKeySet();
    volatile Long maxFileTransferSize;
    volatile Duration ttl;
    volatile Boolean purgeAfterAllConfirmed;
    volatile Duration grace;
    volatile Boolean useManifestFileShim;
    volatile String externalServiceCodeLegacy;
    volatile Integer externalServiceEditionCodeLegacy;
    volatile String requiredParty;
    volatile boolean configured;

    Resource(String id, String owner) {
      this.id = id;
      this.owner = owner;
    }
  }

  record StatusEntry(String status, String text, Instant at) {}

  record RecipientEntry(String recipient, String status, String text, Instant at) {}

  /** One file transfer. Guarded by its own monitor. */
  static final class Transfer {
    final UUID id;
    final String resourceId;
    final String fileName;
    final String reference;
    final String sender;
    final List<String> recipients;
    final Map<String, String> properties;
    final String givenChecksum;
    final boolean useVirusScan;
    final Instant created;
    final Instant expiration;
    String checksum;
    long size;
    Path blob;
    String status = "Initialized";
    String statusText = "Ready for upload";
    Instant statusChanged;
    Instant published;
    final List<StatusEntry> history = new ArrayList<>();
    final Map<String, RecipientEntry> recipientState = new LinkedHashMap<>();
    final List<RecipientEntry> recipientHistory = new ArrayList<>();
    Instant lastRangedDownload;

    Transfer(UUID id, String resourceId, String fileName, String reference, String sender, List<String> recipients,
        Map<String, String> properties, String checksum, boolean useVirusScan, Instant now, Duration ttl) {
      this.id = id;
      this.resourceId = resourceId;
      this.fileName = fileName;
      this.reference = reference;
      this.sender = sender;
      this.recipients = recipients;
      this.properties = properties;
      this.givenChecksum = checksum;
      this.checksum = checksum;
      this.useVirusScan = useVirusScan;
      this.created = now;
      this.expiration = now.plus(ttl);
      this.statusChanged = now;
      history.add(new StatusEntry("Initialized", "Ready for upload", now));
      for (String r : recipients) {
        RecipientEntry e = new RecipientEntry(r, "Initialized", "Initialized", now);
        recipientState.put(r, e);
        recipientHistory.add(e);
      }
    }

    String senderOrg() {
      return Http.digits(sender);
    }

    boolean isRecipient(String org) {
      return recipientState.containsKey("0192:" + org);
    }

    Instant enteredStatus(String s) {
      for (int i = history.size() - 1; i >= 0; i--) {
        if (history.get(i).status().equals(s)) {
          return history.get(i).at();
        }
      }
      return null;
    }
  }

  private final FakeAltinn altinn;
  private final Map<String, Resource> resources = new ConcurrentHashMap<>();
  private final Map<String, String> serviceOwners = new ConcurrentHashMap<>();
  private final Map<UUID, Transfer> transfers = new ConcurrentHashMap<>();
  private final Path storage;
  private final ScheduledExecutorService scheduler;
  private final EventSink events;
  volatile Duration virusScanDelay = Duration.ofMillis(300);
  volatile boolean nextUploadMalicious;

  FakeBrokerStore(FakeAltinn altinn, Path storage, ScheduledExecutorService scheduler, EventSink events) {
    this.altinn = altinn;
    this.storage = storage;
    this.scheduler = scheduler;
    this.events = events;
  }

  Clock clock() {
    return altinn.clock();
  }

  FakeAltinn altinn() {
    return altinn;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** @return the sink for Broker's events */
  EventSink events() {
    return events;
  }

  Resource registerResource(String id, String owner, List<String> access) {
    serviceOwners.putIfAbsent(owner, "Service owner " + owner);
    Resource r = resources.computeIfAbsent(id, k -> new Resource(k, owner));
    r.access.addAll(access);
    r.access.add(owner);
    r.configured = true;
    return r;
  }

  Resource resource(String id) {
    return resources.get(id);
  }

  /** @return the service owners' names by organisation number (live) */
  Map<String, String> serviceOwners() {
    return serviceOwners;
  }

  Transfer transfer(UUID id) {
    return transfers.get(id);
  }

  /** @return every transfer (a live view) */
  Collection<Transfer> transfers() {
    return transfers.values();
  }

  /** Stores a new transfer and raises {@code filetransferinitialized}. */
  void add(Transfer t) {
    transfers.put(t.id, t);
    events.raise("filetransferinitialized", t, t.senderOrg(), "Sender");
  }

  // ------------------------------------------------------------------------------------------------ auth

  /** The caller, with one of the scopes {@code anyOf} (see {@link Http#caller}). */
  Caller caller(HttpExchange ex, Set<String> anyOf) throws Reject {
    return Http.caller(altinn.maskinporten(), ex, anyOf);
  }

  /** BRO-00006, Broker's answer when the PDP denies. */
  static Reject denied() {
    return Http.problem(401, 6, DENIED);
  }

  /** Errors.NoAccessToResource's message (BRO-00006). */
  static final String DENIED = "You must use a bearer token that represents a system user with access to the"
      + " resource in the Resource Rights Registry";

  /** BRO-00005: a resource Broker does not know. */
  static Reject unknownResource() {
    return Http.problem(403, 5, "The resource needs to be registered as an Altinn 3 resource and it has to be"
        + " associated with a service owner");
  }

  /** BRO-00001. */
  static Reject notFound() {
    return Http.problem(404, 1, "The requested file transfer was not found");
  }

  /** @return the transfer if the caller is its sender or a recipient; else BRO-00001 or BRO-00006 */
  Transfer visible(Caller c, UUID id) throws Reject {
    Transfer t = transfers.get(id);
    if (t == null) {
      throw notFound();
    }
    if (!c.org().equals(t.senderOrg()) && !t.isRecipient(c.org())) {
      throw denied();
    }
    return t;
  }

  /**
   * Whether {@code org} may use the resource: its access lists decide when it has them (Resource Registry, mode
   * Enabled; {@code action} {@code null} for any), else the fake's per-resource access set.
   */
  boolean hasAccess(Resource r, String org, String action) {
    Boolean listed = altinn.resourceRegistry().listAccess(r.id, org, action); // null: no access lists
    return listed != null ? listed : r.access.contains(org);
  }

  /** The fake's 403 BRO-00005 (with a hint) when {@code org} may not use the resource. */
  void requireAccess(Resource r, String org, String action) throws Reject {
    if (!hasAccess(r, org, action)) {
      throw Http.problem(403, 5, "Organisation " + org + " has no access to resource " + r.id
          + " (FakeAltinn access list; in Altinn the service owner grants it in the resource's policy)");
    }
  }

  // ------------------------------------------------------------------------------------------------ files and status

  /** Streams the body to a temporary file with MD5, then runs Broker's completion rules. */
  void receive(Transfer t, InputStream body, long declared) throws Reject {
    Resource r = resources.get(t.resourceId);
    synchronized (t) {
      if (!t.status.equals("Initialized")) {
        throw Http.problem(409, 4, "A file transfer has already been, or attempted to be, created. Create a new file"
            + " transfer resource to try again.");
      }
      if (declared >= 0 && ((t.useVirusScan && declared > MAX_SCANNED)
          || (r.maxFileTransferSize != null && declared > r.maxFileTransferSize))) {
        throw Http.problem(400, 16, "File size exceeds maximum");
      }
      status(t, "UploadStarted", "Upload started");
    }
    Path blob;
    String md5;
    long size = 0;
    try {
      blob = newFile(t, "");
      MessageDigest md = MessageDigest.getInstance("MD5");
      byte[] buf = new byte[256 * 1024];
      try (FileChannel ch = FileChannel.open(blob, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(ch)) {
        int n;
        while ((n = body.read(buf)) != -1) {
          out.write(buf, 0, n);
          md.update(buf, 0, n);
          size += n;
        }
      }
      md5 = HexFormat.of().formatHex(md.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      fail(t, "File upload failed and was aborted");
      throw Http.problem(500, 8, "Error occurred while uploading file See /details for more information.");
    }
    synchronized (t) {
      t.size = size;
      if (r.maxFileTransferSize != null && size > r.maxFileTransferSize) {
        deleteQuietly(blob);
        fail(t, "File size exceeds maximum");
        throw Http.problem(400, 16, "File size exceeds maximum");
      }
      if (!complete(t, blob, md5)) {
        throw Http.problem(400, 9, "The checksum of uploaded file did not match the checksum specified in initialize"
            + " call.");
      }
    }
  }

  /**
   * Broker's completion once the blob is stored (streamed upload, or TUS finalize): the initialize checksum is
   * compared (a mismatch deletes the blob and fails the transfer), then the scan starts or the transfer is published.
   * The caller holds {@code t}'s monitor and has set {@code t.size}.
   *
   * @return false on a checksum mismatch
   */
  boolean complete(Transfer t, Path blob, String md5) {
    if (t.givenChecksum != null && !t.givenChecksum.equals(md5)) {
      deleteQuietly(blob);
      fail(t, "Checksum mismatch");
      return false;
    }
    t.blob = blob;
    t.checksum = md5;
    if (t.useVirusScan) {
      if (!t.status.equals("UploadProcessing")) { // a TUS concatenation is there already, without the event
        status(t, "UploadProcessing", "Processing upload");
        events.raise("uploadprocessing", t, t.senderOrg(), "Sender");
      }
      boolean malicious = nextUploadMalicious;
      nextUploadMalicious = false;
      scheduler.schedule(() -> scanned(t, malicious), virusScanDelay.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      publish(t);
    }
    return true;
  }

  private void scanned(Transfer t, boolean malicious) {
    synchronized (t) {
      if (!t.status.equals("UploadProcessing")) {
        return;
      }
      if (malicious) {
        deleteQuietly(t.blob);
        t.blob = null;
        fail(t, "Malware scan failed: Trojan:Fake/EICAR. Extra details: {}");
      } else {
        publish(t);
      }
    }
  }

  private void publish(Transfer t) {
    status(t, "Published", "Ready for download");
    t.published = t.statusChanged;
    events.raise("published", t, t.senderOrg(), "Sender");
    for (String rec : t.recipients) {
      events.raise("published", t, Http.digits(rec), "Recipient");
    }
  }

  void fail(Transfer t, String text) {
    synchronized (t) {
      status(t, "Failed", text);
    }
    events.raise("uploadfailed", t, t.senderOrg(), "Sender");
  }

  void status(Transfer t, String status, String text) {
    Instant now = clock().instant();
    t.status = status;
    t.statusText = text;
    t.statusChanged = now;
    t.history.add(new StatusEntry(status, text, now));
  }

  void recipientStatus(Transfer t, String recipient, String status, String text) {
    RecipientEntry e = new RecipientEntry(recipient, status, text, clock().instant());
    t.recipientState.put(recipient, e);
    t.recipientHistory.add(e);
  }

  static void deleteQuietly(Path p) {
    try {
      if (p != null) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort
    }
  }

  /**
   * @param suffix what follows the transfer id in the file name
   * @return a new empty file in the fake's storage
   */
  Path newFile(Transfer t, String suffix) throws IOException {
    return Files.createTempFile(storage, t.id + suffix, ".blob");
  }

  /**
   * Purges a transfer now, as Broker does after the grace period or at expiry: raises {@code filepurged} and, for
   * recipients that never confirmed, {@code fileneverconfirmeddownloaded}.
   */
  void purge(UUID id) {
    Transfer t = transfers.get(id);
    if (t == null) {
      return;
    }
    List<String> never = new ArrayList<>();
    synchronized (t) {
      if (t.status.equals("Purged") || t.status.equals("Failed")) {
        return;
      }
      deleteQuietly(t.blob);
      t.blob = null;
      status(t, "Purged", "FileTransfer has been purged");
      t.recipientState.values().stream().filter(e -> !e.status().equals("DownloadConfirmed"))
          .forEach(e -> never.add(Http.digits(e.recipient())));
    }
    events.raise("filepurged", t, t.senderOrg(), "Sender");
    for (String org : never) {
      events.raise("fileneverconfirmeddownloaded", t, org, "Recipient");
    }
    if (!never.isEmpty()) {
      events.raise("fileneverconfirmeddownloaded", t, t.senderOrg(), "Sender");
    }
  }

  /** Removes all stored blobs. */
  void close() {
    for (Transfer t : transfers.values()) {
      deleteQuietly(t.blob);
    }
  }
}
