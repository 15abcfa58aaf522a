package no.brokerclient.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.brokerclient.testkit.FakeBroker.Transfer;
import no.brokerclient.testkit.Http.Reject;

/**
 * Broker's TUS endpoint ({@code /broker/api/v1/filetransfer/upload/tus/{fileTransferId}}, tusdotnet behind Broker's
 * middlewares) as {@code altinn-broker-api.md} §3.4 describes it, quirks included:
 *
 * <ul>
 *   <li>the create URL already holds the transfer id; {@code Location} is a relative path; parts live at
 *       {@code …/partial/{32 hex}};</li>
 *   <li>a request without {@code Tus-Resumable} gets a bare 404, a wrong version 412; authorization failures come
 *       without {@code Tus-Resumable}; error bodies are plain text or empty;</li>
 *   <li>{@code Upload-Defer-Length} → 400; oversize {@code Upload-Length} (50 GB scanned, or the resource max;
 *       per single upload or part, never for the total) → 400; a body past the length → 413; a Content-Type other
 *       than {@code application/offset+octet-stream} → 415; a chunk of 2 GiB or more → 500;</li>
 *   <li>a PATCH with {@code Upload-Checksum} is stored first, then answered 460 (the offset has moved);</li>
 *   <li>one lock per upload: a HEAD, PATCH or DELETE while a PATCH is in flight → 423;</li>
 *   <li>PATCH answers the accepted offset, HEAD the stored one, which lags by {@link #storeDelay}; the PATCH that
 *       completes an upload holds the lock until its bytes are stored;</li>
 *   <li>a PATCH at or past the end → 204 with {@code Upload-Offset = Upload-Length} (and finalize recovery); an
 *       offset other than the accepted one → 409;</li>
 *   <li>a second create of the single upload resets the accepted offset to 0 while HEAD still reports the stored
 *       bytes (so HEAD and PATCH then disagree for ever);</li>
 *   <li>parts are assembled in <em>creation</em> order, every part's stored bytes included (also deleted or
 *       unlisted parts); {@code final;} references must be absolute paths or URLs (relative → 400); the final POST
 *       sets {@code UploadProcessing} at once and is not idempotent (a repeat → 409); more than 50,000 PATCHes over
 *       all parts leave the transfer in {@code UploadProcessing} for ever, without an event;</li>
 *   <li>finalize is asynchronous ({@link #finalizeDelay}): the initialize checksum is checked then (a mismatch →
 *       {@code Failed} "Checksum mismatch" and {@code uploadfailed}, no HTTP error), then the virus scan or
 *       {@code Published}, as for the streamed upload;</li>
 *   <li>after {@code Published}/{@code Failed}, HEAD and PATCH get 409; incomplete uploads expire after
 *       {@link #expiry} without PATCH or HEAD (then 404).</li>
 * </ul>
 *
 * Not modelled: creation-with-upload (a create body is discarded), expired bearer tokens being accepted on an
 * active upload, the per-part 50,000-PATCH check. Failure knobs: {@link #cutNextPatchAfter}, {@link
 * #dropNextCompletingPatchResponse}, {@link #dropNextFinalResponse}, {@link #storeDelay}; {@link
 * FakeAltinn#failNext} reaches TUS requests too (503, dropped connections, stalls). {@link #bytesReceived} counts
 * every PATCH body byte the server read, for "bytes re-sent" assertions. Thread-safe. Get it from {@link
 * FakeAltinn#tus()}.
 */
public final class FakeBrokerTus {
  /** The TUS path prefix; the transfer id follows. */
  public static final String PATH = "/broker/api/v1/filetransfer/upload/tus/";
  private static final long MAX_CHUNK = 2L << 30;
  private static final int MAX_BLOCKS = 50_000;
  private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/]+(/.*)$");

  private final FakeBroker broker;
  private final FakeAltinn altinn;
  private final Path storage;
  private final ScheduledExecutorService scheduler;
  private final Map<UUID, State> states = new ConcurrentHashMap<>();
  private final AtomicLong cutNextPatchAfter = new AtomicLong(-1);
  private final AtomicBoolean dropCompletingPatch = new AtomicBoolean();
  private final AtomicBoolean dropFinal = new AtomicBoolean();
  private volatile boolean enabled = true;
  private volatile Duration storeDelay = Duration.ZERO;
  private volatile Duration finalizeDelay = Duration.ofMillis(50);
  private volatile Duration expiry = Duration.ofHours(24);

  /** One transfer's TUS uploads. Guarded by its own monitor. */
  private static final class State {
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

  FakeBrokerTus(FakeBroker broker, FakeAltinn altinn, Path storage, ScheduledExecutorService scheduler) {
    this.broker = broker;
    this.altinn = altinn;
    this.storage = storage;
    this.scheduler = scheduler;
  }

  // ------------------------------------------------------------------------------------------------ knobs

  /** @param on false: every TUS request gets a bare 404, as on a deployment without TUS; default true */
  public void enabled(boolean on) {
    this.enabled = on;
  }

  /**
   * Cuts the connection of the next PATCH after the server has read this many body bytes; nothing of that PATCH is
   * stored (its block is never staged), so the offset stays where it was.
   *
   * @param bytes body bytes to read first
   */
  public void cutNextPatchAfter(long bytes) {
    cutNextPatchAfter.set(bytes);
  }

  /** The next PATCH that completes an upload (or a part) is stored, but its connection closes without an answer. */
  public void dropNextCompletingPatchResponse() {
    dropCompletingPatch.set(true);
  }

  /** The next final (concatenation) POST takes effect, but its connection closes without an answer. */
  public void dropNextFinalResponse() {
    dropFinal.set(true);
  }

  /**
   * @param delay how long after a PATCH returns its bytes count as stored, which is what HEAD reports (HEAD lags
   *     PATCH); the PATCH that completes an upload waits this long before answering; default 0
   */
  public void storeDelay(Duration delay) {
    this.storeDelay = Objects.requireNonNull(delay);
  }

  /** @param delay how long after the last byte the asynchronous finalize runs; default 50 ms */
  public void finalizeDelay(Duration delay) {
    this.finalizeDelay = Objects.requireNonNull(delay);
  }

  /** @param inactivity how long an incomplete upload lives without PATCH or HEAD (FakeAltinn's clock); default 24 h */
  public void expiry(Duration inactivity) {
    this.expiry = Objects.requireNonNull(inactivity);
  }

  /**
   * @param fileTransferId a transfer
   * @return PATCH body bytes the server read for it, over all parts and attempts (cut, repeated and 460 ones
   *     included; bodies rejected before reading, as with 409, 413 or 423, are not counted)
   */
  public long bytesReceived(UUID fileTransferId) {
    State s = states.get(fileTransferId);
    return s == null ? 0 : s.bytesReceived.get();
  }

  /**
   * @param fileTransferId a transfer
   * @return PATCHes that stored bytes (Azure blocks), over all parts
   */
  public int patchCount(UUID fileTransferId) {
    State s = states.get(fileTransferId);
    return s == null ? 0 : s.patches.get();
  }

  /**
   * @param fileTransferId a transfer
   * @return the number of parts created ({@code Upload-Concat: partial}), deleted ones included
   */
  public int partCount(UUID fileTransferId) {
    State s = states.get(fileTransferId);
    if (s == null) {
      return 0;
    }
    synchronized (s) {
      return s.parts.size();
    }
  }

  // ------------------------------------------------------------------------------------------------ routing

  /** p: "", broker, api, v1, filetransfer, upload, tus, {id}[, partial, {partId}]. */
  void handle(HttpExchange ex, String method, String[] p) throws Reject, IOException {
    if (!enabled) {
      throw Http.empty(404);
    }
    Headers h = ex.getRequestHeaders();
    if (method.equals("OPTIONS")) {
      broker.caller(ex, Set.of(FakeBroker.WRITE));
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
    Http.Caller c = broker.caller(ex, Set.of(FakeBroker.WRITE));
    UUID id;
    try {
      id = UUID.fromString(p[7]);
    } catch (IllegalArgumentException e) {
      throw Http.empty(404);
    }
    Transfer t = broker.transfer(id);
    if (t == null) {
      throw Http.empty(404);
    }
    if (!c.org().equals(t.senderOrg())) {
      throw FakeBroker.denied();
    }
    ex.getResponseHeaders().set("Tus-Resumable", "1.0.0");
    State s = states.computeIfAbsent(id, k -> new State());
    int n = p.length;
    if (n == 8 && method.equals("POST")) { // the PDP write check passed at initialize, for this same sender
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
        String path = PATH + id + "/partial/" + p[9];
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
    if (u == null || u.deleted || altinn.clock().instant().isAfter(u.lastActivity.plus(expiry))) {
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

  private static long header(Headers h, String name) {
    String v = h.getFirst(name);
    try {
      return v == null ? -1 : Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      return -2;
    }
  }

  // ------------------------------------------------------------------------------------------------ create

  private void create(HttpExchange ex, Transfer t, State s) throws Reject, IOException {
    Headers h = ex.getRequestHeaders();
    drain(ex);
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
    long length = header(h, "Upload-Length");
    if (length == -1) {
      throw Http.text(400, "Missing Upload-Length header");
    }
    if (length < 0) {
      throw Http.text(400, "Header Upload-Length must be a positive number");
    }
    FakeBroker.Resource r = broker.resource(t.resourceId);
    if ((t.useVirusScan && length > FakeBroker.MAX_SCANNED)
        || (r.maxFileTransferSize != null && length > r.maxFileTransferSize)) {
      throw Http.text(400, "File size exceeds maximum");
    }
    Instant now = altinn.clock().instant();
    String location;
    synchronized (s) {
      if (concat != null) {
        location = PATH + t.id + "/partial/" + UUID.randomUUID().toString().replace("-", "");
        s.parts.add(new Upload(location, true, length, newFile(t), now));
      } else {
        location = PATH + t.id;
        if (s.single != null) {
          s.single.accepted = 0; // Broker's quirk: HEAD still reports what was stored
        } else {
          s.single = new Upload(location, false, length, newFile(t), now);
        }
      }
    }
    synchronized (t) {
      if (t.status.equals("Initialized")) {
        broker.status(t, "UploadStarted", "Upload started");
      }
    }
    ex.getResponseHeaders().set("Location", location);
    Http.sendText(ex, 201, null, null);
  }

  private Path newFile(Transfer t) throws Reject {
    try {
      return Files.createTempFile(storage, t.id + "-tus", ".blob");
    } catch (IOException e) {
      throw Http.problem(500, 0, "FakeAltinn: cannot create storage: " + e);
    }
  }

  private void createFinal(HttpExchange ex, Transfer t, State s, String list) throws Reject, IOException {
    String prefix = PATH + t.id;
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
        broker.status(t, "UploadProcessing", "Processing upload");
      }
      s.finalCreated = true;
      s.finalLength = total;
    }
    scheduler.schedule(() -> concatenate(t, s), finalizeDelay.toMillis(), TimeUnit.MILLISECONDS);
    if (dropFinal.compareAndSet(true, false)) {
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
      u.lastActivity = altinn.clock().instant();
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
    long offset = header(h, "Upload-Offset");
    if (offset >= u.length) { // TusIdempotentCompletePatchMiddleware, before any other check
      drain(ex);
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
      long declared = header(h, "Content-Length");
      long remaining = u.length - offset;
      if (declared > remaining) {
        throw Http.text(413, "Request contains more data than the file's upload length. Request data: " + declared
            + ", upload length: " + u.length + ".");
      }
      if (declared >= MAX_CHUNK) {
        throw Http.problem(500, 0, "The specified blob or block content is invalid.");
      }
      long cut = cutNextPatchAfter.getAndSet(-1);
      long read = receive(ex, s, u, offset, remaining, cut);
      if (read < 0) {
        return; // cut: closed without an answer, nothing stored
      }
      if (read > remaining) {
        throw Http.text(413, "Request contains more data than the file's upload length.");
      }
      long end = offset + read;
      u.accepted = end;
      u.lastActivity = altinn.clock().instant();
      if (read > 0) {
        s.patches.incrementAndGet();
      }
      Duration delay = storeDelay;
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
      if (end == u.length && dropCompletingPatch.compareAndSet(true, false)) {
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
    }, finalizeDelay.toMillis(), TimeUnit.MILLISECONDS);
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
      blob = Files.createTempFile(storage, t.id.toString(), ".blob");
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
      broker.fail(t, "Error occurred while uploading fileTransfer");
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
      broker.fail(t, "Error occurred while uploading fileTransfer");
      return;
    }
    for (Upload u : sources) {
      if (!u.file.equals(blob)) {
        FakeBroker.deleteQuietly(u.file);
      }
    }
    synchronized (t) {
      if (!t.status.equals("UploadStarted") && !t.status.equals("UploadProcessing")) {
        return;
      }
      t.size = size;
      broker.complete(t, blob, md5);
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

  private static void drain(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      Http.drain(in);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
