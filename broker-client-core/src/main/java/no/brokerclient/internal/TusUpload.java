package no.brokerclient.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import no.brokerclient.ApiError;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerIOException;
import no.brokerclient.BrokerInvalidResponseException;
import no.brokerclient.BrokerNotFoundException;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.RetryPolicy;
import no.brokerclient.UploadStalledException;
import no.brokerclient.internal.Transport.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TUS upload on Broker (§3.4 of the wire contract): the single upload of a whole file, or one part
 * ({@code Upload-Concat: partial}) holding a region of it. Creates it, then PATCHes chunks with {@code Upload-Offset}
 * streamed from the file region ({@link UploadBody#fileRegion}: constant memory), and resumes a broken chunk (I/O
 * error, timeout, 5xx, 409 offset mismatch, 423 locked) from the offset HEAD reports, backing off, since HEAD can lag
 * the last PATCH. A PATCH at or past the end answered 204 is Broker's idempotent completion. Never creates again to
 * resume (a second create resets Broker's accepted offset), never sends {@code Upload-Checksum} (Broker answers 460
 * after storing the chunk) nor {@code Upload-Defer-Length} (400). Stops with {@link UploadStalledException} after
 * {@link #MAX_ATTEMPTS_WITHOUT_PROGRESS} attempts in a row that moved nothing. Every request asks the token
 * provider through {@link Transport}. Not thread-safe: one thread per upload. Internal.
 */
public final class TusUpload {
  /** The TUS protocol version Broker speaks. */
  public static final String VERSION = "1.0.0";
  /** Broker's Azure block limit: PATCHes per blob, over all parts. */
  public static final int MAX_PATCHES = 50_000;
  /** A chunk must stay below this (Azure's block size limit; Broker answers 500 from about 2 GiB). */
  public static final long CHUNK_LIMIT = 2L << 30;
  /** Failed attempts in a row, without the offset moving, before {@link UploadStalledException}. */
  public static final int MAX_ATTEMPTS_WITHOUT_PROGRESS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(TusUpload.class);
  private static final MediaType OFFSET_OCTET_STREAM = MediaType.get("application/offset+octet-stream");

  private final Transport transport;
  private final Set<String> scopes;
  private final UUID fileTransferId;
  private final HttpUrl url;
  private final Path file;
  private final long regionStart;
  private final long length;
  private final long chunkSize;
  private final RetryPolicy backoff;
  private final TusProgress progress;
  private final int part;

  private TusUpload(Transport transport, Set<String> scopes, UUID fileTransferId, HttpUrl url, Path file,
      long regionStart, long length, long chunkSize, RetryPolicy backoff, TusProgress progress, int part) {
    this.transport = transport;
    this.scopes = scopes;
    this.fileTransferId = fileTransferId;
    this.url = url;
    this.file = file;
    this.regionStart = regionStart;
    this.length = length;
    this.chunkSize = chunkSize;
    this.backoff = backoff;
    this.progress = progress;
    this.part = part;
  }

  /**
   * The chunk size to use: the configured one, raised to {@code ⌈length / 50,000⌉} so the whole file stays within
   * Broker's block limit.
   *
   * @param configured the configured chunk size
   * @param length the file's length
   * @param patchesAvailable PATCHes the file may use ({@link #MAX_PATCHES}, less one per extra part for rounding)
   * @return the chunk size
   * @throws BrokerValidationException when the file would need chunks of 2 GiB or more
   */
  public static long chunkSize(long configured, long length, int patchesAvailable) {
    long minimum = (length + patchesAvailable - 1) / patchesAvailable;
    long chunk = Math.max(configured, minimum);
    if (chunk >= CHUNK_LIMIT) {
      throw new BrokerValidationException("file", "a file of " + length + " bytes needs TUS chunks of " + chunk
          + " bytes to stay within Broker's " + MAX_PATCHES + " blocks, but a chunk must stay below 2 GiB");
    }
    return chunk;
  }

  /**
   * Asks the TUS endpoint for its options ({@code OPTIONS}, with {@code Tus-Resumable}, so that a 404 really means
   * "no TUS here").
   *
   * @param transport the transport
   * @param url the TUS URL of the transfer
   * @param scopes the sender scopes
   * @return false when the deployment answers 404: it has no TUS endpoint
   */
  public static boolean supported(Transport transport, HttpUrl url, Set<String> scopes) {
    Call call = tus(Call.of("OPTIONS", url, scopes, true));
    try {
      transport.execute(call).close();
      return true;
    } catch (BrokerNotFoundException e) {
      return false;
    }
  }

  /**
   * Creates an upload ({@code POST} with {@code Upload-Length}; not idempotent, so never repeated after it may
   * have reached the server) and returns it, ready to {@link #send}.
   *
   * @param transport the transport
   * @param scopes the sender scopes
   * @param fileTransferId the transfer
   * @param tusUrl the transfer's TUS URL, {@code …/filetransfer/upload/tus/{id}}
   * @param partial whether this is a part ({@code Upload-Concat: partial})
   * @param file the file
   * @param regionStart the first byte of the region this upload holds
   * @param length the region's length
   * @param chunkSize bytes per PATCH
   * @param backoff the backoff between resume attempts
   * @param progress the shared progress
   * @param part this upload's index in {@code progress}
   * @param hint advice for error messages
   * @return the created upload
   */
  public static TusUpload create(Transport transport, Set<String> scopes, UUID fileTransferId, HttpUrl tusUrl,
      boolean partial, Path file, long regionStart, long length, long chunkSize, RetryPolicy backoff,
      TusProgress progress, int part, Function<ApiError, String> hint) {
    Call call = tus(Call.of("POST", tusUrl, scopes, false)).header("Upload-Length", Long.toString(length))
        .hint(hint);
    if (partial) {
      call.header("Upload-Concat", "partial");
    }
    HttpUrl location;
    try (Response r = transport.execute(call)) {
      location = location(call, r, tusUrl);
    }
    return resume(transport, scopes, fileTransferId, location, file, regionStart, length, chunkSize, backoff,
        progress, part);
  }

  /**
   * An upload that exists on the server, e.g. after a restart; {@link #send} starts from the offset HEAD reports.
   *
   * @param transport the transport
   * @param scopes the sender scopes
   * @param fileTransferId the transfer
   * @param url the upload's URL (the {@code Location} of its create)
   * @param file the file
   * @param regionStart the first byte of the region
   * @param length the region's length
   * @param chunkSize bytes per PATCH
   * @param backoff the backoff between resume attempts
   * @param progress the shared progress
   * @param part this upload's index in {@code progress}
   * @return the upload
   */
  public static TusUpload resume(Transport transport, Set<String> scopes, UUID fileTransferId, HttpUrl url,
      Path file, long regionStart, long length, long chunkSize, RetryPolicy backoff, TusProgress progress, int part) {
    return new TusUpload(transport, scopes, fileTransferId, url, file, regionStart, length, chunkSize, backoff,
        progress, part);
  }

  /** @return the upload's URL */
  public HttpUrl url() {
    return url;
  }

  /** @return the region's first byte in the file */
  public long regionStart() {
    return regionStart;
  }

  /** @return the region's length */
  public long length() {
    return length;
  }

  /** A relative {@code Location} resolved against the request; only the same origin is followed. */
  private static HttpUrl location(Call call, Response r, HttpUrl base) {
    String value = r.header("Location");
    HttpUrl resolved = value == null ? null : base.resolve(value);
    if (resolved == null) {
      throw Transport.invalid(call, "has no usable Location header: " + Text.clean(String.valueOf(value), 200), null);
    }
    if (!resolved.scheme().equals(base.scheme()) || !resolved.host().equals(base.host())
        || resolved.port() != base.port()) {
      throw Transport.invalid(call, "has a Location on another origin (" + resolved.host() + "); the SDK sends"
          + " tokens only to the configured base URL", null);
    }
    return resolved;
  }

  private static Call tus(Call call) {
    return call.header("Tus-Resumable", VERSION).accept(null);
  }

  /**
   * Sends the region from {@code offset} to its end, resuming broken chunks.
   *
   * @param offset where to start: 0 after create, or -1 to ask HEAD first (after a restart)
   * @throws UploadStalledException when {@link #MAX_ATTEMPTS_WITHOUT_PROGRESS} attempts in a row moved nothing
   */
  public void send(long offset) {
    send(offset, () -> false);
  }

  /**
   * As {@link #send(long)}; when a HEAD is answered 409 (Broker's answer to HEAD and PATCH once the transfer is
   * {@code UploadProcessing}, {@code Published} or {@code Failed}: the last PATCH took effect though its answer was
   * lost), asks {@code finished} whether the transfer is past {@code UploadStarted} and, if so, stops: the upload
   * is complete.
   *
   * @param offset where to start
   * @param finished reads whether the transfer is past {@code UploadStarted} (called only after a 409 on HEAD)
   */
  public void send(long offset, java.util.function.BooleanSupplier finished) {
    int failures = 0;
    RuntimeException last = null;
    long serverOffset = -1;
    boolean ask = false; // the first HEAD after a restart meets the same answers as any other (423, 5xx, resets)
    if (offset < 0) {
      try {
        offset = head();
        serverOffset = offset;
      } catch (BrokerIOException e) {
        last = e;
        ask = true;
      } catch (BrokerApiException e) {
        if (!retryable(e.statusCode())) {
          throw e;
        }
        last = e;
        ask = true;
      }
    }
    if (!ask) {
      progress.at(part, offset);
    }
    while (ask || offset < length) {
      if (!ask) {
        long n = Math.min(chunkSize, length - offset);
        try {
          long next = patch(offset, n);
          offset = next;
          failures = 0;
          progress.at(part, offset);
          continue;
        } catch (BrokerIOException e) {
          last = e;
        } catch (BrokerApiException e) {
          if (!retryable(e.statusCode())) {
            throw e;
          }
          last = e;
        }
      }
      ask = false;
      // A broken chunk: ask the server where it stands, backing off, until an answer moves us or we give up.
      while (true) {
        failures++;
        if (failures > MAX_ATTEMPTS_WITHOUT_PROGRESS) {
          throw new UploadStalledException(fileTransferId, serverOffset, failures - 1, last);
        }
        Duration wait = Backoff.delay(backoff, failures);
        LOG.info("TUS upload of {} (part {}): chunk at {} failed ({}); asking the server for its offset in {} ms"
            + " (attempt {} of {})", fileTransferId, part, offset, last.getMessage(), wait.toMillis(), failures,
            MAX_ATTEMPTS_WITHOUT_PROGRESS);
        Transport.sleep(transport.sleeper(), wait);
        try {
          serverOffset = head();
          break;
        } catch (BrokerIOException e) {
          last = e;
        } catch (BrokerApiException e) {
          if (!retryable(e.statusCode())) {
            throw e;
          }
          if (e.statusCode() == 409 && finished.getAsBoolean()) {
            LOG.info("TUS upload of {} (part {}): HEAD answered 409 and the transfer is past UploadStarted: the"
                + " last PATCH took effect", fileTransferId, part);
            progress.at(part, length);
            return;
          }
          last = e;
        }
      }
      if (serverOffset > offset) {
        failures = 0; // the server has more than we knew: progress
      }
      offset = serverOffset;
      progress.at(part, offset);
    }
  }

  private static boolean retryable(int status) {
    return status == 409 || status == 423 || status == 429 || status >= 500;
  }

  /** @return the offset the server accepted */
  private long patch(long offset, long n) {
    Call call = tus(Call.of("PATCH", url, scopes, false))
        .header("Upload-Offset", Long.toString(offset))
        .body(() -> UploadBody.fileRegion(file, regionStart + offset, n, OFFSET_OCTET_STREAM,
            pos -> progress.at(part, pos - regionStart)), true)
        .hint(TusUpload::hint);
    try (Response r = transport.execute(call)) {
      long next = offsetHeader(call, r);
      if (next == length && offset + n <= length) {
        return length; // complete (also Broker's answer to a PATCH at or past the end)
      }
      if (next <= offset || next > offset + n) {
        throw Transport.invalid(call, "has Upload-Offset " + next + " after a PATCH of " + n + " bytes at " + offset,
            null);
      }
      return next;
    }
  }

  private long head() {
    Call call = tus(Call.of("HEAD", url, scopes, true)).hint(TusUpload::hint);
    try (Response r = transport.execute(call)) {
      long o = offsetHeader(call, r);
      if (o > length) {
        throw Transport.invalid(call, "has Upload-Offset " + o + " beyond the upload's length " + length, null);
      }
      return o;
    }
  }

  private static long offsetHeader(Call call, Response r) {
    String v = r.header("Upload-Offset");
    try {
      long o = Long.parseLong(Objects.requireNonNull(v).strip());
      if (o >= 0) {
        return o;
      }
    } catch (NumberFormatException | NullPointerException e) {
      // reported below
    }
    throw new BrokerInvalidResponseException(call.method() + " " + r.request().url().encodedPath() + " answered"
        + " without a valid Upload-Offset: " + Text.clean(String.valueOf(v), 40), null);
  }

  private static String hint(ApiError e) {
    return switch (e.status()) {
      case 404 -> "The TUS upload is gone: Broker expires incomplete uploads after 24 h without a PATCH or HEAD;"
          + " initialize a new file transfer and upload again";
      case 460 -> "Broker rejects every Upload-Checksum; the SDK never sends one";
      default -> null;
    };
  }
}
