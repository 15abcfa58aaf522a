package no.brokerclient.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Broker's TUS endpoint ({@code /broker/api/v1/filetransfer/upload/tus/{fileTransferId}}, tusdotnet behind Broker's
 * middlewares) as {@code altinn-broker-api.md} §3.4 describes it, quirks included:
 *
 * <ul>
 *   <li>the create URL already holds the transfer id; {@code Location} is a relative path; parts live at
 *       {@code …/partial/{32 hex}};</li>
 *   <li>a request without {@code Tus-Resumable} gets a bare 404, a wrong version 412; authorization failures come
 *       without {@code Tus-Resumable}; error bodies are plain text or empty;</li>
 *   <li>every method needs {@code altinn:broker.write} (else an empty 403) and the transfer's sender as caller; a
 *       create (single, part or final) also runs the {@code write} access check initialize runs (the resource's
 *       access list); either failure → 401 with BRO-00006's message as plain text;</li>
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
 * active upload, the per-part 50,000-PATCH check, the access check on HEAD and PATCH of an upload without recent
 * activity (Broker then checks access again; the fake checks only the sender). Failure knobs: {@link
 * #cutNextPatchAfter}, {@link
 * #dropNextCompletingPatchResponse}, {@link #dropNextFinalResponse}, {@link #storeDelay}; {@link
 * FakeAltinn#failNext} reaches TUS requests too (503, dropped connections, stalls). {@link #bytesReceived} counts
 * every PATCH body byte the server read, for "bytes re-sent" assertions. Thread-safe. Get it from {@link
 * FakeAltinn#tus()}.
 */
public final class FakeBrokerTus {
  /** The TUS path prefix; the transfer id follows. */
  public static final String PATH = "/broker/api/v1/filetransfer/upload/tus/";
  private final FakeBrokerTusUploads uploads;
  final AtomicLong cutNextPatchAfter = new AtomicLong(-1);
  final AtomicBoolean dropCompletingPatch = new AtomicBoolean();
  final AtomicBoolean dropFinal = new AtomicBoolean();
  volatile boolean enabled = true;
  volatile Duration storeDelay = Duration.ZERO;
  volatile Duration finalizeDelay = Duration.ofMillis(50);
  volatile Duration expiry = Duration.ofHours(24);

  FakeBrokerTus(FakeBrokerStore store) {
    this.uploads = new FakeBrokerTusUploads(this, store);
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
    FakeBrokerTusUploads.State s = uploads.state(fileTransferId);
    return s == null ? 0 : s.bytesReceived.get();
  }

  /**
   * @param fileTransferId a transfer
   * @return PATCHes that stored bytes (Azure blocks), over all parts
   */
  public int patchCount(UUID fileTransferId) {
    FakeBrokerTusUploads.State s = uploads.state(fileTransferId);
    return s == null ? 0 : s.patches.get();
  }

  /**
   * @param fileTransferId a transfer
   * @return the number of parts created ({@code Upload-Concat: partial}), deleted ones included
   */
  public int partCount(UUID fileTransferId) {
    FakeBrokerTusUploads.State s = uploads.state(fileTransferId);
    if (s == null) {
      return 0;
    }
    synchronized (s) {
      return s.parts.size();
    }
  }

  /** Registers every method under {@code /filetransfer/upload/tus/} as one group of {@link FakeBroker}. */
  void routes(Routes r) {
    r.on("*", "filetransfer/upload/tus/**", (ex, p) -> uploads.handle(ex, ex.getRequestMethod(), p));
  }
}
