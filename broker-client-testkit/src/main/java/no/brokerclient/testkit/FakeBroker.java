package no.brokerclient.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.brokerclient.testkit.Http.Caller;
import no.brokerclient.testkit.Http.Reject;

/**
 * Broker v1 as {@code altinn-broker-api.md} describes the server: the file-transfer state machine, MD5 checks,
 * size limits, search, Range downloads, confirm rules, resources and service owners, scope and access checks, and
 * the events it raises. File bytes stream to temporary files, never to the heap.
 */
final class FakeBroker {
  static final String WRITE = "altinn:broker.write";
  static final String READ = "altinn:broker.read";
  static final String SERVICE_OWNER = "altinn:serviceowner";
  static final long MAX_SCANNED = 50_000_000_000L;
  private static final Pattern ACTOR = Pattern.compile("^(?:\\d{4}:\\d{9}|urn:altinn:organization:identifier-no:\\d{9})$");
  private static final Pattern RESOURCE = Pattern.compile("^(?:urn:altinn:resource:)?[^:]{1,255}$");
  private static final Pattern MD5 = Pattern.compile("^[0-9a-f]{32}$");
  private static final List<String> STATUSES = List.of("Initialized", "UploadStarted", "UploadProcessing", "Published",
      "Cancelled", "AllConfirmedDownloaded", "Purged", "Failed");
  private static final List<String> RECIPIENT_STATUSES = List.of("Initialized", "DownloadStarted", "DownloadConfirmed");

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
      return digits(sender);
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
  private final FakeBrokerTus tus;
  volatile Duration virusScanDelay = Duration.ofMillis(300);
  volatile boolean nextUploadMalicious;

  FakeBroker(FakeAltinn altinn, Path storage, ScheduledExecutorService scheduler, EventSink events) {
    this.altinn = altinn;
    this.storage = storage;
    this.scheduler = scheduler;
    this.events = events;
    this.tus = new FakeBrokerTus(this, altinn, storage, scheduler);
  }

  FakeBrokerTus tus() {
    return tus;
  }

  private Clock clock() {
    return altinn.clock();
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

  Transfer transfer(UUID id) {
    return transfers.get(id);
  }

  // ------------------------------------------------------------------------------------------------ routing

  void handle(HttpExchange ex) throws IOException {
    try {
      route(ex);
    } catch (Reject r) {
      drain(ex);
      Http.send(ex, r);
    }
  }

  private static void drain(HttpExchange ex) {
    try (InputStream in = ex.getRequestBody()) {
      Http.drain(in);
    } catch (IOException e) {
      // the client went away
    }
  }

  private void route(HttpExchange ex) throws Reject, IOException {
    String m = ex.getRequestMethod();
    String[] p = ex.getRequestURI().getPath().replaceAll("/+$", "").split("/");
    // p: "", broker, api, v1, <area>, ...
    if (p.length < 5) {
      throw Http.text(404, "");
    }
    String area = p[4];
    int n = p.length;
    if (area.equals("filetransfer") && n >= 7 && p[5].equals("upload") && p[6].equals("tus")) {
      tus.handle(ex, m, p);
    } else if (area.equals("filetransfer")) {
      if (n == 5 && m.equals("POST")) {
        initialize(ex);
      } else if (n == 5 && m.equals("GET")) {
        search(ex);
      } else if (n == 6 && p[5].equals("upload") && m.equals("POST")) {
        multipart(ex);
      } else if (n == 6 && m.equals("GET")) {
        overview(ex, id(p[5]), false);
      } else if (n == 7 && p[6].equals("details") && m.equals("GET")) {
        overview(ex, id(p[5]), true);
      } else if (n == 7 && p[6].equals("upload") && m.equals("POST")) {
        upload(ex, id(p[5]));
      } else if (n == 7 && p[6].equals("download") && m.equals("GET")) {
        download(ex, id(p[5]));
      } else if (n == 7 && p[6].equals("confirmdownload") && m.equals("POST")) {
        confirm(ex, id(p[5]));
      } else {
        throw Http.text(405, "");
      }
    } else if (area.equals("resource") && n == 6) {
      if (m.equals("PUT")) {
        putResource(ex, p[5]);
      } else if (m.equals("GET")) {
        getResource(ex, p[5]);
      } else {
        throw Http.text(405, "");
      }
    } else if (area.equals("serviceowner") && n == 5) {
      serviceOwner(ex, m);
    } else if (area.equals("statistics") && n == 6 && p[5].equals("monthly") && m.equals("GET")) {
      statistics(ex);
    } else {
      throw Http.text(404, "");
    }
  }

  private static UUID id(String s) throws Reject {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw Http.validation("fileTransferId", "The value '" + s + "' is not valid.");
    }
  }

  // ------------------------------------------------------------------------------------------------ auth

  Caller caller(HttpExchange ex, Set<String> anyOf) throws Reject {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    JWTClaimsSet c = auth != null && auth.startsWith("Bearer ") ? altinn.maskinporten().verifyIssued(auth.substring(7))
        : null;
    if (c == null) {
      throw Http.empty(401);
    }
    Object scope = c.getClaim("scope");
    Set<String> scopes = scope instanceof String s ? Set.of(s.split(" ")) : Set.of();
    Caller caller = new Caller(org(c), scopes, c);
    if (!caller.hasAny(anyOf)) {
      throw Http.empty(403);
    }
    return caller;
  }

  /** authorization_details system user, then urn:altinn:orgNumber, then consumer.ID (ClaimsPrincipalExtensions). */
  static String org(JWTClaimsSet c) {
    Object details = c.getClaim("authorization_details");
    if (details instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> d && d.get("systemuser_org") instanceof Map<?, ?> su && su.get("ID") instanceof String id) {
          return digits(id);
        }
      }
    }
    Object orgNumber = c.getClaim("urn:altinn:orgNumber");
    if (orgNumber instanceof String s) {
      return digits(s);
    }
    if (c.getClaim("consumer") instanceof Map<?, ?> consumer && consumer.get("ID") instanceof String id) {
      return digits(id);
    }
    return null;
  }

  static String digits(String actor) {
    if (actor == null) {
      return null;
    }
    int i = actor.lastIndexOf(':');
    return i < 0 ? actor : actor.substring(i + 1);
  }

  static Reject denied() {
    return Http.problem(401, 6, "You must use a bearer token that represents a system user with access to the resource"
        + " in the Resource Rights Registry");
  }

  private Transfer visible(Caller c, UUID id) throws Reject {
    Transfer t = transfers.get(id);
    if (t == null) {
      throw Http.problem(404, 1, "The requested file transfer was not found");
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

  private void requireAccess(Resource r, String org, String action) throws Reject {
    if (!hasAccess(r, org, action)) {
      throw Http.problem(403, 5, "Organisation " + org + " has no access to resource " + r.id
          + " (FakeAltinn access list; in Altinn the service owner grants it in the resource's policy)");
    }
  }

  // ------------------------------------------------------------------------------------------------ sending

  private void initialize(HttpExchange ex) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = caller(ex, Set.of(WRITE));
    JsonNode b = Http.readJson(ex, 1 << 20);
    String fileName = Http.memberText(b, "fileName");
    String resourceId = Http.memberText(b, "resourceId");
    String ref = b.has("sendersFileTransferReference") ? Http.memberText(b, "sendersFileTransferReference") : "";
    String sender = Http.memberText(b, "sender");
    if (fileName == null || fileName.isEmpty() || fileName.length() > 255) {
      throw Http.validation("FileName", "The field FileName must be a string with a minimum length of 1 and a maximum"
          + " length of 255.");
    }
    if (resourceId == null || !RESOURCE.matcher(resourceId).matches()) {
      throw Http.validation("ResourceId", "The field ResourceId is invalid.");
    }
    if (ref == null || ref.isEmpty()) {
      throw Http.validation("SendersFileTransferReference", "The SendersFileTransferReference field is required.");
    }
    if (ref.length() > 500) {
      throw Http.problem(500, 0, "value too long for type character varying(500)");
    }
    if (sender == null || !ACTOR.matcher(sender).matches()) {
      throw Http.validation("Sender", "Value needs to be parseable as organization number");
    }
    JsonNode rec = b.get("recipients");
    if (rec == null || !rec.isArray() || rec.isEmpty()) {
      throw Http.validation("Recipients", "One or more recipients are required");
    }
    List<String> recipients = new ArrayList<>();
    for (JsonNode r : rec) {
      if (!r.isTextual() || !ACTOR.matcher(r.asText()).matches()) {
        throw Http.validation("Recipients", "Each recipient needs to be parseable as organization number");
      }
      recipients.add("0192:" + digits(r.asText()));
    }
    Map<String, String> props = new LinkedHashMap<>();
    JsonNode pl = b.get("propertyList");
    if (pl != null && !pl.isNull()) {
      if (!pl.isObject() || pl.size() > 10) {
        throw Http.validation("PropertyList", "PropertyList can contain at most 10 properties");
      }
      for (Map.Entry<String, JsonNode> e : pl.properties()) {
        if (e.getKey().length() > 50 || e.getValue().asText().length() > 3000) {
          throw Http.validation("PropertyList", "PropertyList Key can not exceed 50 characters, Value can not exceed"
              + " 3000 characters");
        }
        props.put(e.getKey(), e.getValue().asText());
      }
    }
    String checksum = Http.memberText(b, "checksum");
    if (checksum != null && !checksum.isEmpty() && !MD5.matcher(checksum).matches()) {
      throw Http.validation("Checksum", "The checksum, if used, must be a MD5 hash with a length of 32 characters");
    }
    boolean disableScan = b.path("disableVirusScan").asBoolean(false);
    Transfer t = create(c, resourceId, fileName, ref, sender, recipients, props,
        checksum == null || checksum.isEmpty() ? null : checksum, !disableScan);
    Http.sendJson(ex, 200, Map.of("fileTransferId", t.id.toString()));
  }

  private Transfer create(Caller c, String resourceIdRaw, String fileName, String ref, String sender,
      List<String> recipients, Map<String, String> props, String checksum, boolean scan) throws Reject {
    String resourceId = resourceIdRaw.startsWith("urn:altinn:resource:")
        ? resourceIdRaw.substring("urn:altinn:resource:".length()) : resourceIdRaw;
    Resource r = resources.get(resourceId);
    if (r == null) {
      throw Http.problem(403, 5, "The resource needs to be registered as an Altinn 3 resource and it has to be"
          + " associated with a service owner");
    }
    if (!digits(sender).equals(c.org())) {
      throw denied();
    }
    requireAccess(r, c.org(), "write");
    for (String rec : recipients) {
      if (!hasAccess(r, digits(rec), null)) {
        throw Http.problem(400, 28, "All recipients need to be in the access list of the resource.");
      }
    }
    Instant now = clock().instant();
    Transfer t = new Transfer(UUID.randomUUID(), resourceId, fileName, ref, sender, recipients, props, checksum, scan,
        now, r.ttl != null ? r.ttl : Duration.ofDays(30));
    transfers.put(t.id, t);
    events.raise("filetransferinitialized", t, t.senderOrg(), "Sender");
    return t;
  }

  private void upload(HttpExchange ex, UUID id) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = caller(ex, Set.of(WRITE));
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/octet-stream")) {
      throw Http.text(415, "");
    }
    Transfer t = transfers.get(id);
    if (t == null) {
      throw Http.problem(404, 1, "The requested file transfer was not found");
    }
    if (!c.org().equals(t.senderOrg())) {
      throw denied();
    }
    long declared = parseLength(ex.getRequestHeaders().getFirst("Content-Length"));
    receive(t, ex.getRequestBody(), declared);
    Http.sendJson(ex, 200, Map.of("fileTransferId", t.id.toString()));
  }

  private static long parseLength(String s) {
    try {
      return s == null ? -1 : Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Streams the body to a temporary file with MD5, then runs Broker's completion rules. */
  private void receive(Transfer t, InputStream body, long declared) throws Reject {
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
      blob = Files.createTempFile(storage, t.id.toString(), ".blob");
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
      events.raise("published", t, digits(rec), "Recipient");
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

  private void recipientStatus(Transfer t, String recipient, String status, String text) {
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

  /** Initialize-and-upload: multipart/form-data parsed as a stream; the file part goes straight to disk. */
  private void multipart(HttpExchange ex) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = caller(ex, Set.of(WRITE));
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    Matcher bm = type == null ? null : Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(type);
    if (type == null || !type.startsWith("multipart/form-data") || !bm.find()) {
      throw Http.text(415, "");
    }
    MultipartReader reader = new MultipartReader(ex.getRequestBody(), bm.group(1));
    Map<String, List<String>> fields = new LinkedHashMap<>();
    Map<String, String> props = new LinkedHashMap<>();
    Transfer t = null;
    MultipartReader.Part part;
    while ((part = reader.next()) != null) {
      String name = part.name();
      if ("FileTransfer".equalsIgnoreCase(name)) {
        t = create(c, one(fields, "Metadata.ResourceId"), one(fields, "Metadata.FileName"),
            one(fields, "Metadata.SendersFileTransferReference"), one(fields, "Metadata.Sender"),
            recipients(fields), props, emptyToNull(one(fields, "Metadata.Checksum")),
            !"true".equalsIgnoreCase(one(fields, "Metadata.DisableVirusScan")));
        receive(t, part.body(), -1);
      } else if (name.startsWith("Metadata.PropertyList[") && name.endsWith("]")) {
        props.put(name.substring("Metadata.PropertyList[".length(), name.length() - 1), part.text());
      } else {
        fields.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(part.text());
      }
    }
    if (t == null) {
      throw Http.validation("FileTransfer", "The FileTransfer field is required.");
    }
    Http.sendJson(ex, 200, Map.of("fileTransferId", t.id.toString()));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String one(Map<String, List<String>> fields, String name) throws Reject {
    List<String> v = fields.get(name.toLowerCase(Locale.ROOT));
    if (v == null || v.isEmpty()) {
      if (name.endsWith("Checksum") || name.endsWith("DisableVirusScan")) {
        return null;
      }
      throw Http.validation(name, "The " + name + " field is required.");
    }
    return v.get(0);
  }

  private static List<String> recipients(Map<String, List<String>> fields) throws Reject {
    List<String> v = fields.get("metadata.recipients");
    if (v == null || v.isEmpty()) {
      throw Http.validation("Metadata.Recipients", "One or more recipients are required");
    }
    List<String> out = new ArrayList<>();
    for (String r : v) {
      if (!ACTOR.matcher(r).matches()) {
        throw Http.validation("Metadata.Recipients", "Each recipient needs to be parseable as organization number");
      }
      out.add("0192:" + digits(r));
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------ reading

  private void overview(HttpExchange ex, UUID id, boolean details) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = caller(ex, Set.of(READ, WRITE));
    Transfer t = visible(c, id);
    synchronized (t) {
      Http.sendJson(ex, 200, json(t, details));
    }
  }

  ObjectNode json(Transfer t, boolean details) {
    ObjectNode n = Http.JSON.createObjectNode();
    n.put("fileTransferId", t.id.toString());
    n.put("resourceId", t.resourceId);
    n.put("fileName", t.fileName);
    n.put("sendersFileTransferReference", t.reference);
    n.put("checksum", t.checksum);
    n.put("useVirusScan", t.useVirusScan);
    n.put("fileTransferSize", t.size);
    n.put("fileTransferStatus", t.status);
    n.put("fileTransferStatusText", t.statusText);
    n.put("fileTransferStatusChanged", ts(t.statusChanged));
    n.put("created", ts(t.created));
    n.put("expirationTime", ts(t.expiration));
    n.put("sender", t.sender);
    ArrayNode recipients = n.putArray("recipients");
    for (RecipientEntry e : t.recipientState.values()) {
      ObjectNode r = recipients.addObject();
      r.put("recipient", e.recipient());
      r.put("currentRecipientFileTransferStatusCode", e.status());
      r.put("currentRecipientFileTransferStatusText", e.text());
      r.put("currentRecipientFileTransferStatusChanged", ts(e.at()));
    }
    ObjectNode props = n.putObject("propertyList");
    t.properties.forEach(props::put);
    if (!details) {
      n.put("published", t.published == null ? null : ts(t.published));
    } else {
      ArrayNode h = n.putArray("fileTransferStatusHistory");
      for (StatusEntry e : t.history) {
        h.addObject().put("fileTransferStatus", e.status()).put("fileTransferStatusText", e.text())
            .put("fileTransferStatusChanged", ts(e.at()));
      }
      ArrayNode rh = n.putArray("recipientFileTransferStatusHistory");
      for (RecipientEntry e : t.recipientHistory) {
        rh.addObject().put("recipient", e.recipient()).put("recipientFileTransferStatusCode", e.status())
            .put("recipientFileTransferStatusText", e.text()).put("recipientFileTransferStatusChanged", ts(e.at()));
      }
    }
    return n;
  }

  static String ts(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC).toString().replace("Z", "+00:00");
  }

  private void search(HttpExchange ex) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = caller(ex, Set.of(READ, WRITE));
    Map<String, List<String>> q = Http.query(ex);
    String resourceId = Http.first(q, "resourceId");
    if (resourceId == null || resourceId.isEmpty()) {
      throw Http.validation("resourceId", "The resourceId field is required.");
    }
    String status = enumValue(Http.first(q, "status"), STATUSES, "status");
    String recipientStatus = enumValue(Http.first(q, "recipientStatus"), RECIPIENT_STATUSES, "recipientStatus");
    String role = enumValue(Http.first(q, "role"), List.of("Recipient", "Sender"), "role");
    Instant from = time(Http.first(q, "from"), "from");
    Instant to = time(Http.first(q, "to"), "to");
    boolean ascending = "true".equalsIgnoreCase(Http.first(q, "orderAscending"));
    Resource searched = resources.get(resourceId);
    if (searched == null) {
      throw Http.problem(403, 5, "The resource needs to be registered as an Altinn 3 resource and it has to be"
          + " associated with a service owner");
    }
    requireAccess(searched, c.org(), null); // Broker asks the PDP for the caller's own org on the resource (any action)
    String me = "0192:" + c.org();
    List<Map.Entry<Instant, UUID>> hits = new ArrayList<>();
    for (Transfer t : transfers.values()) {
      synchronized (t) {
        if (!t.resourceId.equals(resourceId)) {
          continue;
        }
        boolean asSender = t.sender.equals(me); // stored as sent: URN-form senders are not found (as in Broker)
        boolean asRecipient = t.recipientState.containsKey(me);
        if (recipientStatus != null) {
          RecipientEntry e = t.recipientState.get(me);
          if (e == null || !e.status().equals(recipientStatus)) {
            continue;
          }
        } else if ("Sender".equals(role) ? !asSender : "Recipient".equals(role) ? !asRecipient : !(asSender || asRecipient)) {
          continue;
        }
        if (status != null && !t.status.equals(status)) {
          continue;
        }
        Instant key = status != null ? t.enteredStatus(status) : t.created;
        if (from != null && to != null) {
          if (key.isBefore(from) || key.isAfter(to)) {
            continue;
          }
        } else if ((from != null && !key.isAfter(from)) || (to != null && !key.isBefore(to))) {
          continue;
        }
        hits.add(Map.entry(key, t.id));
      }
    }
    Comparator<Map.Entry<Instant, UUID>> order = Map.Entry.comparingByKey();
    hits.sort(ascending ? order : order.reversed());
    ArrayNode out = Http.JSON.createArrayNode();
    hits.stream().limit(100).forEach(h -> out.add(h.getValue().toString()));
    Http.sendJson(ex, 200, out.toString());
  }

  private static String enumValue(String v, List<String> values, String field) throws Reject {
    if (v == null || v.isEmpty()) {
      return null;
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).equalsIgnoreCase(v) || Integer.toString(i).equals(v)) {
        return values.get(i);
      }
    }
    throw Http.validation(field, "The value '" + v + "' is not valid.");
  }

  private static Instant time(String v, String field) throws Reject {
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw Http.validation(field, "The value '" + v + "' is not valid.");
    }
  }

  // ------------------------------------------------------------------------------------------------ receiving

  private void download(HttpExchange ex, UUID id) throws Reject, IOException {
    Caller c = caller(ex, Set.of(READ));
    Transfer t = transfers.get(id);
    if (t == null) {
      throw Http.problem(404, 1, "The requested file transfer was not found");
    }
    String me = "0192:" + c.org();
    long size;
    Path blob;
    long start = 0;
    long end;
    boolean ranged = false;
    synchronized (t) {
      if (!t.isRecipient(c.org())) {
        throw denied();
      }
      requireAccess(resources.get(t.resourceId), c.org(), "read");
      if (!t.status.equals("Published") && !t.status.equals("AllConfirmedDownloaded")) {
        throw Http.problem(403, 7, "The requested file transfer's file is not ready for download. See file transfer"
            + " status.");
      }
      if (t.blob == null) {
        throw Http.problem(400, 3, "No file uploaded yet");
      }
      size = t.size;
      blob = t.blob;
      end = size - 1;
      String range = ex.getRequestHeaders().getFirst("Range");
      Matcher rm = range == null ? null : Pattern.compile("^bytes=(\\d*)-(\\d*)$").matcher(range.strip());
      if (rm != null && rm.matches() && !(rm.group(1).isEmpty() && rm.group(2).isEmpty())) {
        if (rm.group(1).isEmpty()) {
          long suffix = Long.parseLong(rm.group(2));
          start = Math.max(0, size - suffix);
        } else {
          start = Long.parseLong(rm.group(1));
          end = rm.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(rm.group(2)), size - 1);
        }
        if (start >= size || start > end) {
          ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
          throw Http.problem(416, 29, "The requested byte range is not satisfiable.");
        }
        ranged = true;
      }
      RecipientEntry current = t.recipientState.get(me);
      Instant now = clock().instant();
      boolean debounce = ranged && t.lastRangedDownload != null
          && Duration.between(t.lastRangedDownload, now).compareTo(Duration.ofMinutes(5)) < 0;
      if (!debounce && current != null && !current.status().equals("DownloadConfirmed")) {
        recipientStatus(t, me, "DownloadStarted", "Recipient has attempted to download fileTransfer");
      }
      if (ranged) {
        t.lastRangedDownload = now;
      }
    }
    long length = end - start + 1;
    ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
    ex.getResponseHeaders().set("Accept-Ranges", "bytes");
    ex.getResponseHeaders().set("Content-Disposition", contentDisposition(t.fileName));
    if (ranged) {
      ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
    }
    ex.sendResponseHeaders(ranged ? 206 : 200, length == 0 ? -1 : length);
    if (length == 0) {
      return;
    }
    altinn.streamBody(ex, blob, start, length);
  }

  private void confirm(HttpExchange ex, UUID id) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = caller(ex, Set.of(READ));
    Transfer t = transfers.get(id);
    if (t == null) {
      throw Http.problem(404, 1, "The requested file transfer was not found");
    }
    String me = "0192:" + c.org();
    boolean allConfirmed = false;
    synchronized (t) {
      if (!t.isRecipient(c.org())) {
        throw denied();
      }
      if (t.blob == null && !t.status.equals("Purged")) {
        throw Http.problem(400, 3, "No file uploaded yet");
      }
      if (!t.status.equals("Published")) {
        throw Http.problem(400, 10, "A file transfer can only be confirmed to be downloaded when it is published. See"
            + " file transfer status.");
      }
      String mine = t.recipientState.get(me).status();
      if (mine.equals("DownloadConfirmed")) {
        Http.sendText(ex, 204, null, null);
        return;
      }
      if (!mine.equals("DownloadStarted")) {
        throw Http.problem(400, 19, "Cannot confirm before the files have been downloaded");
      }
      recipientStatus(t, me, "DownloadConfirmed", "Recipient has downloaded fileTransfer");
      if (t.recipientState.values().stream().allMatch(e -> e.status().equals("DownloadConfirmed"))) {
        status(t, "AllConfirmedDownloaded", "All downloaded");
        allConfirmed = true;
      }
    }
    events.raise("downloadconfirmed", t, c.org(), "Recipient");
    events.raise("downloadconfirmed", t, t.senderOrg(), "Sender");
    if (allConfirmed) {
      events.raise("allconfirmeddownloaded", t, t.senderOrg(), "Sender");
      Resource r = resources.get(t.resourceId);
      if (!Boolean.FALSE.equals(r.purgeAfterAllConfirmed)) {
        Duration grace = r.grace != null ? r.grace : Duration.ofHours(2);
        scheduler.schedule(() -> purge(t.id), grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    Http.sendText(ex, 204, null, null);
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
          .forEach(e -> never.add(digits(e.recipient())));
    }
    events.raise("filepurged", t, t.senderOrg(), "Sender");
    for (String org : never) {
      events.raise("fileneverconfirmeddownloaded", t, org, "Recipient");
    }
    if (!never.isEmpty()) {
      events.raise("fileneverconfirmeddownloaded", t, t.senderOrg(), "Sender");
    }
  }

  // ------------------------------------------------------------------------------------------------ service owner

  private void putResource(HttpExchange ex, String id) throws Reject, IOException {
    Caller c = caller(ex, Set.of(SERVICE_OWNER));
    Resource r = resources.get(id);
    FakeResourceRegistry.Resource registered = altinn.resourceRegistry().resource(id);
    if (r == null && registered != null) {
      r = registerResource(id, registered.ownerOrg(), List.of()); // Broker imports it from the Resource Registry
    }
    if (r == null) {
      throw Http.problem(403, 5, "The resource needs to be registered as an Altinn 3 resource and it has to be"
          + " associated with a service owner");
    }
    if (!r.owner.equals(c.org())) {
      throw denied();
    }
    JsonNode b = Http.readJson(ex, 1 << 16);
    Long max = b.hasNonNull("maxFileTransferSize") ? b.get("maxFileTransferSize").asLong() : null;
    if (max != null && max < 0) {
      throw Http.problem(400, 11, "Max file transfer size cannot be negative");
    }
    if (max != null && max == 0) {
      throw Http.problem(400, 12, "Max file transfer size cannot be zero");
    }
    if (max != null && max > 1_677_721_600_000L) {
      throw Http.problem(400, 22, "Max file transfer size cannot be set higher than 100GB in production because it has"
          + " not yet been tested for it. Contact us @ Slack if you need it.");
    }
    Duration ttl = duration(Http.memberText(b, "fileTransferTimeToLive"), 14, "Invalid file transfer time to live format. Should"
        + " follow ISO8601 standard for duration. Example: 'P30D' for 30 days.");
    if (ttl != null && ttl.compareTo(Duration.ofDays(365)) > 0) {
      throw Http.problem(400, 15, "Time to live cannot exceed 365 days");
    }
    Duration grace = duration(Http.memberText(b, "purgeFileTransferGracePeriod"), 17, "Invalid grace period format. Should follow"
        + " ISO8601 standard for duration. Example: 'PT2H' for 2 hours.");
    if (grace != null && grace.compareTo(Duration.ofHours(24)) > 0) {
      throw Http.problem(400, 18, "Grace period cannot exceed 24 hours");
    }
    if (b.path("useManifestFileShim").asBoolean(false) && (Http.memberText(b, "externalServiceCodeLegacy") == null
        || b.path("externalServiceEditionCodeLegacy").asInt(0) == 0)) {
      throw Http.problem(400, 23, "In order to use manifest file shim you need to provide external service code and"
          + " edition code");
    }
    if (max != null) {
      r.maxFileTransferSize = max;
    }
    if (ttl != null) {
      r.ttl = ttl;
    }
    if (grace != null) {
      r.grace = grace;
    }
    if (b.hasNonNull("purgeFileTransferAfterAllRecipientsConfirmed")) {
      r.purgeAfterAllConfirmed = b.get("purgeFileTransferAfterAllRecipientsConfirmed").asBoolean();
    }
    if (b.hasNonNull("useManifestFileShim")) {
      r.useManifestFileShim = b.get("useManifestFileShim").asBoolean();
    }
    if (b.hasNonNull("externalServiceCodeLegacy")) {
      r.externalServiceCodeLegacy = b.get("externalServiceCodeLegacy").asText();
    }
    if (b.hasNonNull("externalServiceEditionCodeLegacy")) {
      r.externalServiceEditionCodeLegacy = b.get("externalServiceEditionCodeLegacy").asInt();
    }
    if (b.hasNonNull("requiredParty")) {
      r.requiredParty = b.get("requiredParty").asText();
    }
    r.configured = true;
    Http.sendText(ex, 204, null, null);
  }

  private static Duration duration(String s, int code, String message) throws Reject {
    if (s == null) {
      return null;
    }
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw Http.problem(400, code, message);
    }
  }

  private void getResource(HttpExchange ex, String id) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = caller(ex, Set.of(SERVICE_OWNER));
    Resource r = resources.get(id);
    if (r == null || !r.configured) {
      throw Http.problem(400, 25, "The resource has not been configured.");
    }
    if (!r.owner.equals(c.org())) {
      throw denied();
    }
    ObjectNode n = Http.JSON.createObjectNode();
    n.put("maxFileTransferSize", r.maxFileTransferSize);
    n.put("fileTransferTimeToLive", timeSpan(r.ttl != null ? r.ttl : Duration.ofDays(30)));
    n.put("purgeFileTransferAfterAllRecipientsConfirmed", !Boolean.FALSE.equals(r.purgeAfterAllConfirmed));
    n.put("purgeFileTransferGracePeriod", timeSpan(r.grace != null ? r.grace : Duration.ofHours(2)));
    n.put("useManifestFileShim", Boolean.TRUE.equals(r.useManifestFileShim));
    n.put("externalServiceCodeLegacy", r.externalServiceCodeLegacy);
    n.put("externalServiceEditionCodeLegacy", r.externalServiceEditionCodeLegacy);
    n.put("requiredParty", r.requiredParty);
    Http.sendJson(ex, 200, n);
  }

  /** .NET {@code TimeSpan.ToString()}: {@code [d.]hh:mm:ss}. */
  static String timeSpan(Duration d) {
    long days = d.toDays();
    String hms = String.format("%02d:%02d:%02d", d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart());
    return days > 0 ? days + "." + hms : hms;
  }

  private void serviceOwner(HttpExchange ex, String method) throws Reject, IOException {
    Caller c = caller(ex, Set.of(SERVICE_OWNER));
    if (method.equals("POST")) {
      JsonNode b = Http.readJson(ex, 1 << 16);
      String name = Http.memberText(b, "name");
      if (name == null) {
        throw Http.validation("Name", "The Name field is required.");
      }
      if (serviceOwners.putIfAbsent(c.org(), name) != null) {
        throw Http.problem(409, 7002, "Service owner already exists");
      }
      Http.sendText(ex, 200, null, null);
    } else if (method.equals("GET")) {
      Http.requireAccept(ex, "application/json");
      String name = serviceOwners.get(c.org());
      if (name == null) {
        throw Http.problem(404, 7004, "Service owner not found");
      }
      ObjectNode n = Http.JSON.createObjectNode();
      n.put("name", name);
      ArrayNode providers = n.putArray("storageProviders");
      for (String type : List.of("AltinnAzure", "AltinnAzureWithoutVirusScan")) {
        providers.addObject().put("type", type).put("deploymentStatus", "Ready").put("deploymentEnvironment", "Fake");
      }
      Http.sendJson(ex, 200, n);
    } else {
      throw Http.text(405, "");
    }
  }

  private void statistics(HttpExchange ex) throws Reject, IOException {
    Http.requireAccept(ex, "text/csv");
    Caller c = caller(ex, Set.of(SERVICE_OWNER));
    Map<String, List<String>> q = Http.query(ex);
    int year;
    int month;
    try {
      year = Integer.parseInt(Http.first(q, "year"));
      month = Integer.parseInt(Http.first(q, "month"));
    } catch (NumberFormatException | NullPointerException e) {
      throw Http.problem(400, 6003, "Invalid year or month. Provide a valid year and a month between 1 and 12.");
    }
    if (year < 1 || year > 9999 || month < 1 || month > 12) {
      throw Http.problem(400, 6003, "Invalid year or month. Provide a valid year and a month between 1 and 12.");
    }
    boolean endUser = !"false".equalsIgnoreCase(Http.first(q, "includeEndUser"));
    boolean vendor = "true".equalsIgnoreCase(Http.first(q, "includeVendor"));
    if (!endUser && !vendor) {
      throw Http.problem(400, 6005, "At least one of includeEndUser or includeVendor must be true.");
    }
    String only = Http.first(q, "resourceId");
    YearMonth ym = YearMonth.of(year, month);
    Map<String, int[]> rows = new LinkedHashMap<>();
    for (Transfer t : transfers.values()) {
      Resource r = resources.get(t.resourceId);
      if (!r.owner.equals(c.org()) || (only != null && !only.equals(t.resourceId))
          || !YearMonth.from(t.created.atOffset(ZoneOffset.UTC)).equals(ym)) {
        continue;
      }
      for (RecipientEntry e : t.recipientState.values()) {
        String key = t.resourceId + "," + (vendor ? t.senderOrg() : "") + "," + (vendor ? digits(e.recipient()) : "")
            + "," + (endUser ? t.senderOrg() : "") + "," + (endUser ? digits(e.recipient()) : "");
        int[] v = rows.computeIfAbsent(key, k -> new int[4]);
        v[0]++;
        v[1] += t.blob != null || t.size > 0 ? 1 : 0;
        v[2] += e.status().equals("Initialized") ? 0 : 1;
        v[3] += e.status().equals("DownloadConfirmed") ? 1 : 0;
      }
    }
    StringBuilder csv = new StringBuilder("year,month,resourceId,senderVendor,recipientVendor,sender,recipient,"
        + "totalFileTransfers,uploadCount,totalTransferDownloadAttempts,transfersWithDownloadConfirmed\n");
    rows.forEach((k, v) -> csv.append(year).append(',').append(month).append(',').append(k).append(',').append(v[0])
        .append(',').append(v[1]).append(',').append(v[2]).append(',').append(v[3]).append('\n'));
    ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=monthly_statistics_"
        + (only != null ? only : "all-resources") + "_" + ym + ".csv");
    Http.sendText(ex, 200, "text/csv; charset=utf-8", csv.toString());
  }

  /** Removes all stored blobs. */
  void close() {
    for (Transfer t : transfers.values()) {
      deleteQuietly(t.blob);
    }
  }

  /**
   * The download's {@code Content-Disposition}, safe for any name initialize accepted (Broker checks only the
   * length, so CR/LF are legal): a plain {@code filename} with anything that is not printable ASCII (control
   * characters, quotes, backslashes, non-ASCII) replaced by {@code _}, and the exact name percent-encoded in
   * {@code filename*}.
   */
  static String contentDisposition(String fileName) {
    StringBuilder plain = new StringBuilder(fileName.length());
    for (int i = 0; i < fileName.length(); i++) {
      char ch = fileName.charAt(i);
      plain.append(ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' ? '_' : ch);
    }
    return "attachment; filename=\"" + plain + "\"; filename*=UTF-8''"
        + java.net.URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
