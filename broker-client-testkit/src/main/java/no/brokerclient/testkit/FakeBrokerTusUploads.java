package no.brokerclient.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.brokerclient.testkit.FakeBrokerStore.Transfer;
import no.brokerclient.testkit.Http.Reject;


/**
 * The TUS protocol behind {@link FakeBrokerTus} (which holds its knobs and documents the quirks): per-transfer
 * upload state, create (single, parts, final), HEAD, PATCH and DELETE with one lock per upload, and the asynchronous
 * finalize and concatenation that hand the blob to {@link FakeBrokerStore#complete}. Thread-safe. One file of some
 * 540 lines because one upload's lock, accepted and stored offsets and finalize interlock; split, each part would
 * need the others' internals.
 */
final class FakeBrokerTusUploads {
  private static final long MAX_CHUNK = 2L << 30;
  private static final int MAX_BLOCKS = 50_000;
  private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/]+(/.*)$");

  private final FakeBrokerTus tus;
  private final FakeBrokerStore store;
  private final ScheduledExecutorService scheduler;
  private final Map<UUID, State> states = new ConcurrentHashMap<>();

  /** One transfer's TUS uploads. Guarded by its own monitor. */
  static final class State {
    Upload single;
    final List<Upload> parts = new ArrayList<>(); // creation order
    boolean finalCreated;
    long finalLength;
    boolean finalizing;
    final AtomicLong bytesReceived = new AtomicLong();
    final AtomicInteger patches = new AtomicInteger();
  }

  /** One TUS upload: the single one or a part. */
  private static final class Upload {
    final String path;
    final boolean part;
    final long length;
    final Path file;
    final ReentrantLock lock = new ReentrantLock();
    volatile long accepted;
    volatile long stored;
    volatile Instant lastActivity;
    volatile boolean deleted;

    Upload(String path, boolean part, long length, Path file, Instant now) {
      this.path = path;
      this.part = part;
      this.length = length;
      this.file = file;
      this.lastActivity = now;
    }

    synchronized void storedAtLeast(long offset) {
      stored = Math.max(stored, offset);
    }
  }

  FakeBrokerTusUploads(FakeBrokerTus tus, FakeBrokerStore store) {
    this.tus = tus;
    this.store = store;
    this.scheduler = store.scheduler();
  }

  /** @return the transfer's upload state, or {@code null} before its first TUS request */
  State state(UUID fileTransferId) {
    return states.get(fileTransferId);
  }

  /** p: "", broker, api, v1, filetransfer, upload, tus, {id}[, partial, {partId}]. */
  void handle(HttpExchange ex, String method, String[] p) throws Reject, IOException {
    if (!tus.enabled) {
      throw Http.empty(404);
    }
    Headers h = ex.getRequestHeaders();
    if (method.equals("OPTIONS")) {
      store.caller(ex, Set.of(FakeBroker.WRITE));
      ex.getResponseHeaders().set("Tus-Resumable", "1.0.0");
      ex.getResponseHeaders().set("Tus-Version", "1.0.0");
      ex.getResponseHeaders().set("Tus-Extension",
          "creation,creation-with-upload,termination,checksum,checksum-trailer,concatenation,expiration");
      ex.getResponseHeaders().set("Tus-Checksum-Algorithm", "md5");
      Http.sendText(ex, 204, null, null);
      return;
    }
    String version = h.getFirst("Tus-Resumable");
    if (version == null) {
      throw Http.empty(404);
    }
    if (!version.equals("1.0.0")) {
      throw new Reject(412, null, "", Map.of("Tus-Version", "1.0.0"));
    }
    Http.Caller c = store.caller(ex, Set.of(FakeBroker.WRITE));
    UUID id;
    try {
      id = UUID.fromString(p[7]);
    } catch (IllegalArgumentException e) {
      throw Http.empty(404);
    }
    Transfer t = store.transfer(id);
    if (t == null) {
      throw Http.empty(404);
    }
    int n = p.length;
    boolean create = n == 8 && method.equals("POST"); // a single upload, a part or the final concatenation
    if (!c.org().equals(t.senderOrg())
        || (create && !store.hasAccess(store.resource(t.resourceId), c.org(), "write"))) {
      throw noAccess();
    }
    ex.getResponseHeaders().set("Tus-Resumable", "1.0.0");
    State s = states.computeIfAbsent(id, k -> new State());
    if (create) {
      create(ex, t, s);
      return;
    }
    Upload u;
    boolean isFinal = false;
    synchronized (s) {
      if (n == 8) {
        u = s.single;
        isFinal = s.finalCreated;
      } else if (n == 10 && p[8].equals("partial")) {
        String path = FakeBrokerTus.PATH + id + "/partial/" + p[9];
        u = s.parts.stream().filter(x -> x.path.equals(path)).findFirst().orElse(null);
      } else {
        u = null;
      }
    }
    if (isFinal && method.equals("HEAD")) {
      ex.getResponseHeaders().set("Upload-Offset", Long.toString(s.finalLength));
      ex.getResponseHeaders().set("Upload-Length", Long.toString(s.finalLength));
      Http.sendText(ex, 200, null, null);
      return;
    }
    if (u == null || u.deleted || store.clock().instant().isAfter(u.lastActivity.plus(tus.expiry))) {
      throw Http.empty(404);
    }
    switch (method) {
      case "HEAD" -> head(ex, t, u);
      case "PATCH" -> patch(ex, t, s, u);
      case "DELETE" -> delete(ex, t, u);
      default -> throw Http.text(405, "");
    }
  }

  private static boolean done(Transfer t) {
    synchronized (t) {
      return !t.status.equals("Initialized") && !t.status.equals("UploadStarted")
          && !t.status.equals("UploadProcessing");
    }
  }

  private static boolean startable(Transfer t) {
    synchronized (t) {
      return t.status.equals("Initialized") || t.status.equals("UploadStarted");
    }
  }

  /**
   * Broker's answer when the PDP denies the {@code write} right (TusUploadValidationService, as for initialize), or
   * the caller is not the transfer's sender: tusdotnet's {@code FailRequest} in {@code OnAuthorize}, so 401 with the
   * BRO-00006 message as plain text and no {@code Tus-Resumable}.
   */
  private static Reject noAccess() {
    return Http.text(401, FakeBrokerStore.DENIED);
  }

  // ------------------------------------------------------------------------------------------------ create

  private void create(HttpExchange ex, Transfer t, State s) throws Reject, IOException {
    Headers h = ex.getRequestHeaders();
    Http.drain(ex);
    if (h.getFirst("Upload-Defer-Length") != null) {
      throw Http.text(400, "Header Upload-Defer-Length is not supported");
    }
    if (!startable(t)) {
      throw Http.text(409, "File transfer has already been uploaded or is being processed");
    }
    String concat = h.getFirst("Upload-Concat");
    if (concat != null && concat.startsWith("final;")) {
      createFinal(ex, t, s, concat.substring("final;".length()));
      return;
    }
    if (concat != null && !concat.equals("partial")) {
      throw Http.text(400, "Header Upload-Concat: Header is invalid. Valid values are \"partial\" and \"final\""
          + " followed by a list of file urls to concatenate");
    }
    long length = Http.longHeader(ex, "Upload-Length");
    if (length == -1) {
      throw Http.text(400, "Missing Upload-Length header");
    }
    if (length < 0) {
      throw Http.text(400, "Header Upload-Length must be a positive number");
    }
    FakeBrokerStore.Resource r = store.resource(t.resourceId);
    if ((t.useVirusScan && length > FakeBrokerStore.MAX_SCANNED)
        || (r.maxFileTransferSize != null && length > r.maxFileTransferSize)) {
      throw Http.text(400, "File size exceeds maximum");
    }
    Instant now = store.clock().instant();
    String location;
    synchronized (s) {
      if (concat != null) {
        location = FakeBrokerTus.PATH + t.id + "/partial/" + UUID.randomUUID().toString().replace("-", "");
        s.parts.add(new Upload(location, true, length, newFile(t), now));
      } else {
        location = FakeBrokerTus.PATH + t.id;
        if (s.single != null) {
          s.single.accepted = 0; // Broker's quirk: HEAD still reports what was stored
        } else {
          s.single = new Upload(location, false, length, newFile(t), now);
        }
      }
    }
    synchronized (t) {
      if (t.status.equals("Initialized")) {
        store.status(t, "UploadStarted", "Upload started");
      }
    }
    ex.getResponseHeaders().set("Location", location);
    Http.sendText(ex, 201, null, null);
  }

  private Path newFile(Transfer t) throws Reject {
    try {
      return store.newFile(t, "-tus");
    } catch (IOException e) {
      throw Http.problem(500, 0, "FakeAltinn: cannot create storage: " + e);
    }
  }

  private void createFinal(HttpExchange ex, Transfer t, State s, String list) throws Reject, IOException {
    String prefix = FakeBrokerTus.PATH + t.id;
    long total = 0;
    synchronized (s) {
      for (String ref : list.strip().split("\\s+")) {
        Matcher m = URL.matcher(ref);
        String path = m.matches() ? m.group(1) : ref;
        if (!path.startsWith(prefix)) {
          throw Http.text(400, "Header Upload-Concat: File " + ref + " does not belong to this file transfer;"
              + " references must be absolute paths or URLs");
        }
        Upload part = s.parts.stream().filter(x -> x.path.equals(path) && !x.deleted).findFirst().orElse(null);
        if (part == null) {
          throw Http.text(400, "Could not find some of the files supplied for concatenation");
        }
        if (part.stored < part.length) {
          throw Http.text(400, "Some of the files supplied for concatenation are not finished and can not be"
              + " concatenated");
        }
        total += part.length;
      }
      synchronized (t) {
        if (!startable(t)) {
          throw Http.text(409, "File transfer has already been uploaded or is being processed");
        }
        store.status(t, "UploadProcessing", "Processing upload");
      }
      s.finalCreated = true;
      s.finalLength = total;
    }
    scheduler.schedule(() -> concatenate(t, s), tus.finalizeDelay.toMillis(), TimeUnit.MILLISECONDS);
    if (tus.dropFinal.compareAndSet(true, false)) {
      return; // closed without an answer
    }
    ex.getResponseHeaders().set("Location", prefix);
    Http.sendText(ex, 201, null, null);
  }

  // ------------------------------------------------------------------------------------------------ offsets and data

  private void head(HttpExchange ex, Transfer t, Upload u) throws Reject, IOException {
    if (done(t)) {
      throw Http.text(409, "File transfer is already finished");
    }
    if (!u.lock.tryLock()) {
      throw locked();
    }
    try {
      u.lastActivity = store.clock().instant();
      ex.getResponseHeaders().set("Upload-Offset", Long.toString(u.stored));
      ex.getResponseHeaders().set("Upload-Length", Long.toString(u.length));
      if (u.part) {
        ex.getResponseHeaders().set("Upload-Concat", "partial");
      }
    } finally {
      u.lock.unlock();
    }
    Http.sendText(ex, 200, null, null);
  }

  private static Reject locked() {
    return Http.text(423, "File is currently being updated. Please try again later");
  }

  private void patch(HttpExchange ex, Transfer t, State s, Upload u) throws Reject, IOException {
    Headers h = ex.getRequestHeaders();
    if (done(t)) {
      throw Http.text(409, "File transfer is already finished");
    }
    long offset = Http.longHeader(ex, "Upload-Offset");
    if (offset >= u.length) { // TusIdempotentCompletePatchMiddleware, before any other check
      Http.drain(ex);
      ex.getResponseHeaders().set("Upload-Offset", Long.toString(u.length));
      Http.sendText(ex, 204, null, null);
      if (!u.part && u.stored >= u.length) {
        finalizeSingle(t, s, u);
      }
      return;
    }
    if (offset < 0) {
      throw Http.text(400, "Header Upload-Offset must be a positive number");
    }
    String type = h.getFirst("Content-Type");
    if (type == null || !type.strip().equals("application/offset+octet-stream")) {
      throw Http.text(415, "Content-Type application/offset+octet-stream is required");
    }
    boolean checksum = h.getFirst("Upload-Checksum") != null;
    if (!u.lock.tryLock()) {
      throw locked();
    }
    try {
      if (offset != u.accepted) {
        throw Http.text(409, "Offset does not match file. File offset: " + u.accepted + ". Request offset: "
            + offset);
      }
      long declared = Http.longHeader(ex, "Content-Length");
      long remaining = u.length - offset;
      if (declared > remaining) {
        throw Http.text(413, "Request contains more data than the file's upload length. Request data: " + declared
            + ", upload length: " + u.length + ".");
      }
      if (declared >= MAX_CHUNK) {
        throw Http.problem(500, 0, "The specified blob or block content is invalid.");
      }
      long cut = tus.cutNextPatchAfter.getAndSet(-1);
      long read = receive(ex, s, u, offset, remaining, cut);
      if (read < 0) {
        return; // cut: closed without an answer, nothing stored
      }
      if (read > remaining) {
        throw Http.text(413, "Request contains more data than the file's upload length.");
      }
      long end = offset + read;
      u.accepted = end;
      u.lastActivity = store.clock().instant();
      if (read > 0) {
        s.patches.incrementAndGet();
      }
      Duration delay = tus.storeDelay;
      if (delay.isZero()) {
        u.storedAtLeast(end);
      } else if (end == u.length) {
        sleep(delay); // the last PATCH holds the lock until its blocks are stored
        u.storedAtLeast(end);
      } else {
        scheduler.schedule(() -> u.storedAtLeast(end), delay.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (end == u.length && !u.part) {
        finalizeSingle(t, s, u);
      }
      if (checksum) {
        throw Http.text(460, "Header Upload-Checksum does not match the checksum of the file");
      }
      if (end == u.length && tus.dropCompletingPatch.compareAndSet(true, false)) {
        return; // stored, but closed without an answer
      }
      ex.getResponseHeaders().set("Upload-Offset", Long.toString(end));
    } finally {
      u.lock.unlock(); // before answering, so that a HEAD after the answer never meets this PATCH's lock
    }
    Http.sendText(ex, 204, null, null);
  }

  /** @return bytes read, or -1 when the knob cut the request */
  private static long receive(HttpExchange ex, State s, Upload u, long offset, long remaining, long cut)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    long read = 0;
    try (InputStream in = ex.getRequestBody();
        FileChannel ch = FileChannel.open(u.file, StandardOpenOption.WRITE)) {
      while (read <= remaining) {
        int want = (int) Math.min(buf.capacity(), cut >= 0 ? cut - read : remaining + 1 - read);
        if (want <= 0) {
          break;
        }
        int n = in.read(buf.array(), 0, want);
        if (n < 0) {
          break;
        }
        s.bytesReceived.addAndGet(n);
        if (read + n <= remaining) {
          ch.write(ByteBuffer.wrap(buf.array(), 0, n), offset + read);
        }
        read += n;
      }
    }
    return cut >= 0 ? -1 : read;
  }

  private void delete(HttpExchange ex, Transfer t, Upload u) throws Reject, IOException {
    if (!startable(t)) {
      throw Http.text(409, "File transfer is already being processed");
    }
    if (!u.lock.tryLock()) {
      throw locked();
    }
    try {
      u.deleted = true; // a part's stored bytes stay and are still assembled
    } finally {
      u.lock.unlock();
    }
    Http.sendText(ex, 204, null, null);
  }

  // ------------------------------------------------------------------------------------------------ finalize

  private void finalizeSingle(Transfer t, State s, Upload u) {
    synchronized (s) {
      if (s.finalizing) {
        return;
      }
      s.finalizing = true;
    }
    scheduler.schedule(() -> {
      synchronized (t) {
        if (!t.status.equals("UploadStarted")) {
          return;
        }
      }
      finish(t, u.file, u.length, List.of(u));
    }, tus.finalizeDelay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The background concatenation: every part's stored bytes, in creation order. */
  private void concatenate(Transfer t, State s) {
    List<Upload> parts;
    synchronized (s) {
      parts = List.copyOf(s.parts);
    }
    if (s.patches.get() > MAX_BLOCKS) {
      return; // Azure refuses the commit; Broker leaves the transfer in UploadProcessing without an event
    }
    Path blob;
    long total = 0;
    try {
      blob = store.newFile(t, "");
      try (FileChannel out = FileChannel.open(blob, StandardOpenOption.WRITE)) {
        for (Upload p : parts) {
          long n = Math.min(p.stored, p.length);
          try (FileChannel in = FileChannel.open(p.file, StandardOpenOption.READ)) {
            long done = 0;
            while (done < n) {
              done += in.transferTo(done, n - done, out);
            }
          }
          total += n;
        }
      }
    } catch (IOException e) {
      store.fail(t, "Error occurred while uploading fileTransfer");
      return;
    }
    finish(t, blob, total, parts);
  }

  private void finish(Transfer t, Path blob, long size, List<Upload> sources) {
    String md5;
    try {
      try (FileChannel ch = FileChannel.open(blob, StandardOpenOption.WRITE)) {
        ch.truncate(size);
      }
      md5 = md5(blob);
    } catch (IOException e) {
      store.fail(t, "Error occurred while uploading fileTransfer");
      return;
    }
    for (Upload u : sources) {
      if (!u.file.equals(blob)) {
        FakeBrokerStore.deleteQuietly(u.file);
      }
    }
    synchronized (t) {
      if (!t.status.equals("UploadStarted") && !t.status.equals("UploadProcessing")) {
        return;
      }
      t.size = size;
      store.complete(t, blob, md5);
    }
  }

  private static String md5(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
