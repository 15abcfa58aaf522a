package no.brokerclient;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.internal.DownloadStream;
import no.brokerclient.internal.Durations;
import no.brokerclient.internal.FileDownload;
import no.brokerclient.internal.Hex;
import no.brokerclient.internal.Hosts;
import no.brokerclient.internal.HttpClients;
import no.brokerclient.internal.Interruptible;
import no.brokerclient.internal.Json;
import no.brokerclient.internal.Mdc;
import no.brokerclient.internal.Sleeper;
import no.brokerclient.internal.Telemetry;
import no.brokerclient.internal.Text;
import no.brokerclient.internal.Transport;
import no.brokerclient.internal.TusCheckpoint;
import no.brokerclient.internal.TusTransfer;
import no.brokerclient.internal.TusUpload;
import no.brokerclient.internal.Transport.Call;
import no.brokerclient.internal.UploadBody;
import no.brokerclient.internal.UserAgent;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferDetails;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.MonthlyStatisticsRequest;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.ResourceId;
import no.brokerclient.model.ResourceSettings;
import no.brokerclient.model.ResourceSettingsUpdate;
import no.brokerclient.model.SearchRole;
import no.brokerclient.model.ServiceOwner;
import no.brokerclient.model.UploadResult;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Altinn 3 Broker v1 API: send, find, download and confirm files, and configure Broker resources as a service
 * owner. Every transfer streams in constant memory and is checked with MD5.
 *
 * <pre>{@code
 * try (BrokerClient broker = BrokerClient.builder()
 *     .environment(AltinnEnvironment.TT02)
 *     .accessTokenProvider(tokens)               // e.g. the Maskinporten provider
 *     .roles(Role.SENDER)
 *     .build()) {
 *   FileTransferOverview sent = broker.send(
 *       FileTransferInitialize.builder()
 *           .resourceId("my-broker-resource").fileName("report.zip")
 *           .sender("991825827").recipient("986252932").build(),
 *       Path.of("report.zip"),
 *       SendOptions.builder().awaitPublished(Duration.ofMinutes(5)).build());
 * }
 * }</pre>
 *
 * <h2>Sharing and closing</h2>
 * A client is immutable and thread-safe: build one per configuration and share it. {@link #close()} releases the
 * connection pool and threads of the OkHttp client it created; a caller-supplied {@link OkHttpClient} is never
 * closed.
 *
 * <h2>Tokens and roles</h2>
 * Before every HTTP attempt the client asks its {@link AccessTokenProvider} for a token with the scope set the
 * operation needs: {@link Role#SENDER} for initialize and upload, {@link Role#RECIPIENT} for download and confirm,
 * either for overview, details and search (the sender set when the client has both), {@link Role#SERVICE_OWNER}
 * for resource, service-owner and statistics calls. Calling an operation whose role was not configured fails
 * before any I/O. A 401 without a body (token rejected) makes the client invalidate the token and retry once.
 *
 * <h2>Errors and retries</h2>
 * Error statuses become {@link BrokerApiException} subclasses carrying the {@code BRO-000NN} code, detail and
 * trace id; a redirect is never followed and becomes {@link BrokerRedirectException}; network failures become
 * {@link BrokerIOException}, and a success answer the SDK cannot accept (malformed, larger than {@link
 * Builder#maxResponseSize}, {@code null}, an id that is not a UUID) its subclass {@link
 * BrokerInvalidResponseException}. See {@link RetryPolicy} for what is retried:
 * initialize is never repeated once it may have reached the server; use {@link #findInitialized} to reconcile.
 *
 * <h2>Logging</h2>
 * SLF4J logger {@code no.brokerclient.http} logs one DEBUG line per HTTP attempt (method, path, status,
 * duration) and INFO per retry. Headers, tokens and the subscription key are never logged.
 */
public final class BrokerClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerClient.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int COPY_CHUNK = 64 * 1024;
  /** Largest file accepted by {@link #initializeAndUpload}: Broker caps multipart bodies at 2^31-1 bytes. */
  public static final long MAX_MULTIPART_FILE_SIZE = Integer.MAX_VALUE - 1024 * 1024L;
  /** Default of {@link Builder#maxUnknownSizeDownload}: 256 MiB. */
  public static final long DEFAULT_MAX_UNKNOWN_SIZE_DOWNLOAD = 256L << 20;
  /** Default {@link Builder#tusThreshold}: 64 MiB. */
  public static final long DEFAULT_TUS_THRESHOLD = 64L << 20;
  /** Default {@link Builder#tusChunkSize}: 8 MiB. */
  public static final long DEFAULT_TUS_CHUNK_SIZE = 8L << 20;
  /** Default {@link Builder#tusParallelParts}: 4. */
  public static final int DEFAULT_TUS_PARALLEL_PARTS = 4;
  /** How long a TUS upload waits for Broker's asynchronous finalize after the last chunk. */
  static final Duration TUS_FINALIZE_TIMEOUT = Duration.ofHours(1);
  /** Shortest interval between overview polls: Broker allows 120 overview calls a minute. */
  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(500);
  static final Duration FIRST_POLL_INTERVAL = Duration.ofSeconds(1);
  static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(15);
  /** {@link #getDetails} accepts this many times {@link Builder#maxResponseSize}: its history grows per download. */
  static final int DETAILS_SIZE_FACTOR = 16;

  private static final List<FileTransferStatus> HAPPY_PATH = List.of(
      FileTransferStatus.INITIALIZED, FileTransferStatus.UPLOAD_STARTED, FileTransferStatus.UPLOAD_PROCESSING,
      FileTransferStatus.PUBLISHED, FileTransferStatus.ALL_CONFIRMED_DOWNLOADED);

  private final HttpUrl baseUrl;
  private final Set<Role> roles;
  private final OkHttpClient http;
  private final boolean ownsHttp;
  private final Transport transport;
  private final Clock clock;
  private final Sleeper sleeper;
  private final boolean hasSubscriptionKey;
  private final long maxResponseSize;
  private final long maxUnknownSizeDownload;
  private final long tusThreshold;
  private final long tusChunkSize;
  private final int tusParallelParts;
  private final UploadCheckpointStore checkpoints;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BrokerClient(Builder b, HttpUrl baseUrl, OkHttpClient http) {
    this.baseUrl = baseUrl;
    this.roles = Collections.unmodifiableSet(EnumSet.copyOf(b.roles));
    this.http = http;
    this.ownsHttp = b.httpClient == null;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.hasSubscriptionKey = b.subscriptionKey != null;
    this.maxResponseSize = b.maxResponseSize;
    this.maxUnknownSizeDownload = b.maxUnknownSizeDownload;
    this.tusThreshold = b.tusThreshold;
    this.tusChunkSize = b.tusChunkSize;
    this.tusParallelParts = b.tusParallelParts;
    this.checkpoints = b.checkpoints;
    this.transport = new Transport(http, b.tokens, b.subscriptionKey, UserAgent.of(b.userAgentSuffix), b.retryPolicy,
        b.sleeper, b.clock, b.maxResponseSize, Telemetry.of(b.telemetry));
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the platform base URL this client calls */
  public String baseUrl() {
    String s = baseUrl.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** @return the roles this client was configured with */
  public Set<Role> roles() {
    return roles;
  }

  // ---------------------------------------------------------------------------------------------- sending

  /**
   * Initializes a file transfer ({@code POST /broker/api/v1/filetransfer}). Not idempotent: it is retried only
   * when it certainly did not reach the server, and on 429/503. After a {@link BrokerIOException} whose {@link
   * BrokerIOException#requestMayHaveBeenSent()} is true, call {@link #findInitialized} before initializing again.
   *
   * @param request the validated metadata
   * @return the new file transfer id
   * @throws BrokerAccessDeniedException when the sender has no access to the resource (step 3 of Altinn's common
   *     steps)
   */
  public UUID initialize(FileTransferInitialize request) {
    Objects.requireNonNull(request, "request");
    Set<String> scopes = scopes(Role.SENDER, "initialize");
    String body = Json.write(initializeJson(request));
    Call call = Call.of("POST", url("filetransfer"), scopes, false)
        .body(() -> RequestBody.create(body, JSON), true)
        .hint(accessHint(request.resourceId().id(), request.sender(), null));
    return readFileTransferId(call);
  }

  /**
   * Uploads a file to an initialized transfer in {@link UploadMode#AUTO}: files of at least {@link
   * Builder#tusThreshold} bytes (default 64 MiB) with TUS, smaller ones streamed ({@code POST .../{id}/upload}).
   *
   * @param fileTransferId the transfer, in status {@code Initialized}
   * @param file the file
   * @return the upload result with the MD5 of the bytes sent
   * @throws BrokerConflictException (409 {@code BRO-00004}) when the transfer is past {@code UploadStarted} and
   *     the overview does not show this upload as having succeeded earlier
   */
  public UploadResult upload(UUID fileTransferId, Path file) {
    return upload(fileTransferId, file, ProgressListener.NONE);
  }

  /**
   * Like {@link #upload(UUID, Path)}, reporting progress.
   *
   * @param fileTransferId the transfer
   * @param file the file
   * @param listener progress
   * @return the upload result
   */
  public UploadResult upload(UUID fileTransferId, Path file, ProgressListener listener) {
    return upload(fileTransferId, file, listener, UploadMode.AUTO);
  }

  /**
   * Uploads a file in the given mode. With TUS ({@link UploadMode#TUS}, {@link UploadMode#TUS_PARALLEL}, or
   * {@link UploadMode#AUTO} at or above the threshold) the file goes in chunks of {@link Builder#tusChunkSize} (raised to {@code ⌈size / 50,000⌉},
   * Broker's block limit); a broken chunk resumes from the server's offset, and after the last one this waits
   * (up to an hour) for Broker's asynchronous check of the initialize checksum, i.e. until the transfer is {@code
   * UploadProcessing} or later. The file must not change while it is sent. A deployment without TUS gets the
   * streamed upload (logged at INFO).
   *
   * @param fileTransferId the transfer, in status {@code Initialized}
   * @param file the file
   * @param listener progress, for the whole file
   * @param mode how to upload
   * @return the upload result; with TUS its MD5 is the one Broker reports, or {@code null} if it has none yet
   * @throws ChecksumMismatchException when Broker failed a TUS upload because its bytes do not match the
   *     initialize checksum
   * @throws UploadStalledException when a TUS upload could not be resumed (initialize a new transfer)
   */
  public UploadResult upload(UUID fileTransferId, Path file, ProgressListener listener, UploadMode mode) {
    return upload(fileTransferId, file, listener, null, mode);
  }

  /** With {@code knownMd5} (from {@link #send}, which initialized with it) the bytes are not hashed again. */
  private UploadResult upload(UUID fileTransferId, Path file, ProgressListener listener, String knownMd5,
      UploadMode mode) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(mode, "mode");
    long size = requireReadableFile(file);
    boolean auto = mode == UploadMode.AUTO && size >= tusThreshold;
    if (mode == UploadMode.TUS || mode == UploadMode.TUS_PARALLEL || auto) {
      int parts = mode == UploadMode.TUS ? 1 : tusParallelParts;
      Set<String> scopes = scopes(Role.SENDER, "upload");
      if (tus(fileTransferId, file, size, scopes).send(tusChunkSize, parts, listener,
          () -> overview(fileTransferId, scopes).fileTransferStatus())) {
        return tusResult(fileTransferId, size, knownMd5);
      }
    }
    return doUpload(fileTransferId, () -> Files.newInputStream(file), size, false, listener,
        knownMd5 != null ? () -> knownMd5 : () -> Hex.md5(file), knownMd5);
  }

  /**
   * Uploads from a stream. The stream is read once and not closed; since it cannot be replayed, the upload is not
   * retried and a token rejected mid-way is reported, not repeated.
   *
   * @param fileTransferId the transfer, in status {@code Initialized}
   * @param data the bytes
   * @param length the exact byte count, or {@code -1} when unknown (sent with chunked transfer encoding)
   * @param listener progress; {@link ProgressListener#NONE} for none
   * @return the upload result with the MD5 of the bytes sent
   */
  public UploadResult upload(UUID fileTransferId, InputStream data, long length, ProgressListener listener) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(data, "data");
    if (length < -1) {
      throw new BrokerValidationException("length", "must be -1 (unknown) or the byte count, got " + length);
    }
    AtomicBoolean opened = new AtomicBoolean();
    return doUpload(fileTransferId, () -> {
      if (!opened.compareAndSet(false, true)) {
        throw new IOException("the upload stream can be read only once");
      }
      return new NonClosingInputStream(data);
    }, length, true, listener, null, null);
  }

  /**
   * Finishes a TUS upload that an earlier process started (after a crash or restart), from the checkpoint it
   * saved in the {@linkplain Builder#uploadCheckpoints checkpoint store}: each upload (the single one, or each
   * part) is asked where it stands ({@code HEAD}) and only the rest is sent; parts are then joined. Nothing is
   * created again (a second create would reset Broker's offset). A transfer that is already past {@code
   * UploadStarted} is only awaited; one still {@code Initialized} is uploaded from the start.
   *
   * @param fileTransferId the transfer
   * @param file the same, unchanged file (its size and modification time are checked against the checkpoint)
   * @param listener progress for the whole file (starting from what the server has)
   * @return the upload result, as {@link #upload(UUID, Path, ProgressListener, UploadMode)}
   * @throws BrokerException when the transfer is {@code UploadStarted} but no checkpoint is found (initialize a
   *     new transfer)
   * @throws BrokerNotFoundException when Broker expired the upload (24 h without a PATCH or HEAD)
   * @throws BrokerValidationException when the file changed since the upload started
   */
  public UploadResult resumeUpload(UUID fileTransferId, Path file, ProgressListener listener) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(listener, "listener");
    long size = requireReadableFile(file);
    Set<String> scopes = scopes(Role.SENDER, "resumeUpload");
    FileTransferStatus s = overview(fileTransferId, scopes).fileTransferStatus();
    if (!FileTransferStatus.INITIALIZED.equals(s) && !FileTransferStatus.UPLOAD_STARTED.equals(s)) {
      UploadResult r = tusResult(fileTransferId, size, null);
      checkpoints.delete(fileTransferId, file);
      return r;
    }
    java.util.Optional<String> saved = checkpoints.load(fileTransferId, file);
    if (saved.isEmpty()) {
      if (FileTransferStatus.INITIALIZED.equals(s)) {
        return upload(fileTransferId, file, listener);
      }
      throw new BrokerException("File transfer " + fileTransferId + " is UploadStarted, but " + checkpoints
          + " has no TUS checkpoint for " + file + ", so the uploads holding its bytes are unknown: initialize a new"
          + " file transfer and send again");
    }
    tus(fileTransferId, file, size, scopes).resume(TusCheckpoint.parse(saved.get()), listener,
        () -> overview(fileTransferId, scopes).fileTransferStatus());
    return tusResult(fileTransferId, size, null);
  }

  private TusTransfer tus(UUID id, Path file, long size, Set<String> scopes) {
    return new TusTransfer(transport, url("filetransfer", "upload", "tus", id.toString()), scopes, id, file, size,
        accessHint(null, null, id), checkpoints);
  }

  private UploadResult tusResult(UUID id, long size, String knownMd5) {
    FileTransferOverview o = awaitTusFinalize(id, knownMd5);
    String md5 = knownMd5 != null ? knownMd5 : o.checksum() == null || o.checksum().isBlank() ? null : o.checksum();
    return new UploadResult(id, size, md5);
  }

  /** Broker checks a TUS upload's checksum asynchronously: wait for the verdict, a mismatch typed. */
  private FileTransferOverview awaitTusFinalize(UUID id, String knownMd5) {
    try {
      return awaitStatus(id, FileTransferStatus.UPLOAD_PROCESSING, TUS_FINALIZE_TIMEOUT);
    } catch (FileTransferFailedException e) {
      FileTransferOverview o = e.overview();
      String text = o.fileTransferStatusText() == null ? "" : o.fileTransferStatusText();
      if (text.toLowerCase(Locale.ROOT).contains("checksum")) {
        throw ChecksumMismatchException.uploadRejected(id, knownMd5 != null ? knownMd5 : o.checksum(), text);
      }
      throw e;
    }
  }

  private interface Md5Source {
    String md5() throws IOException;
  }

  private UploadResult doUpload(UUID id, UploadBody.Source source, long length, boolean oneShot,
      ProgressListener listener, Md5Source localMd5, String knownMd5) {
    Set<String> scopes = scopes(Role.SENDER, "upload");
    Objects.requireNonNull(listener, "listener");
    AtomicReference<UploadBody> last = new AtomicReference<>();
    Call call = Call.of("POST", url("filetransfer", id.toString(), "upload"), scopes, false)
        .body(() -> {
          UploadBody b = new UploadBody(source, length, oneShot, listener, knownMd5 == null);
          last.set(b);
          return b;
        }, !oneShot)
        .hint(accessHint(null, null, id));
    long start = System.nanoTime();
    try (Response r = transport.execute(call)) {
      UUID returned = fileTransferId(r, call);
      UploadBody body = last.get();
      transport.telemetry().transferCompleted(TelemetryListener.Direction.UPLOAD, id, body.sent(), start);
      return new UploadResult(returned, body.sent(), knownMd5 != null ? knownMd5 : body.md5());
    } catch (BrokerConflictException e) {
      return uploadConflict(id, e, localMd5);
    }
  }

  private UploadResult uploadConflict(UUID id, BrokerConflictException e, Md5Source localMd5) {
    FileTransferOverview o = overview(id, scopes(Role.SENDER, "upload"));
    FileTransferStatus s = o.fileTransferStatus();
    boolean uploaded = s.equals(FileTransferStatus.UPLOAD_PROCESSING) || s.equals(FileTransferStatus.PUBLISHED)
        || s.equals(FileTransferStatus.ALL_CONFIRMED_DOWNLOADED);
    if (uploaded) {
      String ours = null;
      if (localMd5 != null) {
        try {
          ours = localMd5.md5();
        } catch (IOException io) {
          LOG.debug("could not hash local file after 409: {}", io.toString());
        }
      }
      String theirs = o.checksum() == null || o.checksum().isBlank() ? null : o.checksum();
      if (ours == null || theirs == null || ours.equals(theirs)) {
        LOG.info("Upload to file transfer {} got 409, but the overview shows {}: an earlier attempt succeeded", id, s);
        return new UploadResult(id, o.fileTransferSize(), theirs);
      }
    }
    throw new BrokerConflictException(e.error(), "The transfer is " + s + " (" + o.fileTransferStatusText()
        + "); a transfer takes one upload: initialize a new file transfer and upload again");
  }

  /**
   * Initializes and uploads in one multipart request ({@code POST /broker/api/v1/filetransfer/upload}). Broker
   * buffers multipart bodies, so this is slower than {@link #send} and limited to {@link #MAX_MULTIPART_FILE_SIZE}
   * bytes. When the request has no checksum the file's MD5 is computed and sent. Not atomic on the server: if it
   * fails the transfer may remain {@code Initialized} or {@code Failed}.
   *
   * @param request the metadata
   * @param file the file (at most 2 GiB)
   * @param listener progress
   * @return the new file transfer id
   */
  public UUID initializeAndUpload(FileTransferInitialize request, Path file, ProgressListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    long size = requireReadableFile(file);
    if (size > MAX_MULTIPART_FILE_SIZE) {
      throw new BrokerValidationException("FileTransfer", "multipart upload is limited to about 2 GiB ("
          + MAX_MULTIPART_FILE_SIZE + " bytes); the file has " + size + " bytes: use send(...) instead");
    }
    Set<String> scopes = scopes(Role.SENDER, "initializeAndUpload");
    FileTransferInitialize meta = request.checksum() != null ? request : request.withChecksum(md5(file));
    Call call = Call.of("POST", url("filetransfer", "upload"), scopes, false)
        .body(() -> multipart(meta,
            new UploadBody(() -> Files.newInputStream(file), size, false, listener, false)), true)
        .hint(accessHint(meta.resourceId().id(), meta.sender(), null));
    long start = System.nanoTime();
    UUID id = readFileTransferId(call);
    transport.telemetry().transferCompleted(TelemetryListener.Direction.UPLOAD, id, size, start);
    return id;
  }

  private static RequestBody multipart(FileTransferInitialize m, UploadBody file) {
    MultipartBody.Builder b = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("Metadata.FileName", m.fileName())
        .addFormDataPart("Metadata.ResourceId", m.resourceId().id())
        .addFormDataPart("Metadata.SendersFileTransferReference", m.sendersFileTransferReference())
        .addFormDataPart("Metadata.Sender", m.sender().iso6523());
    m.recipients().forEach(r -> b.addFormDataPart("Metadata.Recipients", r.iso6523()));
    m.propertyList().forEach((k, v) -> b.addFormDataPart("Metadata.PropertyList[" + k + "]", v));
    if (m.checksum() != null) {
      b.addFormDataPart("Metadata.Checksum", m.checksum());
    }
    if (m.disableVirusScan() != null) {
      b.addFormDataPart("Metadata.DisableVirusScan", m.disableVirusScan().toString());
    }
    b.addFormDataPart("FileTransfer", m.fileName(), file);
    return b.build();
  }

  /**
   * Sends a file: computes its MD5, initializes with it (so Broker verifies the upload), streams the upload and,
   * when asked, waits for {@code Published}.
   *
   * @param request the metadata; its checksum, if set, must match the file
   * @param file the file
   * @param options waiting and progress; {@link SendOptions#DEFAULT} for neither
   * @return the overview after the upload (after {@code Published} when waiting)
   * @throws FileTransferFailedException if waiting and the transfer failed (e.g. malware found)
   * @throws BrokerTimeoutException if waiting and {@code Published} did not come in time
   */
  public FileTransferOverview send(FileTransferInitialize request, Path file, SendOptions options) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    scopes(Role.SENDER, "send");
    requireReadableFile(file);
    String md5 = md5(file);
    if (request.checksum() != null && !request.checksum().equals(md5)) {
      throw new BrokerValidationException("checksum", "the request says " + request.checksum()
          + " but the file's MD5 is " + md5);
    }
    Mdc init = Mdc.open("send", null);
    UUID id;
    try {
      id = initialize(request.withChecksum(md5));
    } finally {
      init.close();
    }
    Mdc mdc = Mdc.open("send", id);
    try {
      LOG.debug("Initialized file transfer {} for {}", id, file.getFileName());
      upload(id, file, options.progressListener(), md5, options.uploadMode());
      if (options.awaitPublished() != null) {
        return awaitStatus(id, FileTransferStatus.PUBLISHED, options.awaitPublished());
      }
      return getOverview(id);
    } finally {
      mdc.close();
    }
  }

  /**
   * Sends a file without waiting; see {@link #send(FileTransferInitialize, Path, SendOptions)}.
   *
   * @param request the metadata
   * @param file the file
   * @return the overview after the upload
   */
  public FileTransferOverview send(FileTransferInitialize request, Path file) {
    return send(request, file, SendOptions.DEFAULT);
  }

  /**
   * Finds transfers an earlier, possibly failed, {@link #initialize} created: searches as sender from {@code
   * since} and matches {@code sendersFileTransferReference} and {@code fileName} (the SDK makes the reference a
   * unique UUID unless you set one). A match in {@code Initialized} can be reused for the upload. Uses one search
   * per 100 transfers (Broker allows 10 a minute) and one overview per candidate.
   *
   * @param request the request that was sent
   * @param since a time before the request was sent, with a margin for clock differences
   * @return matching transfers, oldest first; empty when the initialize never took effect
   */
  public List<FileTransferOverview> findInitialized(FileTransferInitialize request, Instant since) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(since, "since");
    scopes(Role.SENDER, "findInitialized");
    FileTransferSearch search = FileTransferSearch.builder(request.resourceId().id())
        .role(SearchRole.SENDER).from(since).build();
    List<FileTransferOverview> matches = new ArrayList<>();
    try (Stream<UUID> ids = searchAll(search)) {
      ids.forEach(id -> {
        FileTransferOverview o = getOverview(id);
        if (request.sendersFileTransferReference().equals(o.sendersFileTransferReference())
            && request.fileName().equals(o.fileName())) {
          matches.add(o);
        }
      });
    }
    return matches;
  }

  // ---------------------------------------------------------------------------------------------- reading

  /**
   * Reads a transfer's overview ({@code GET /broker/api/v1/filetransfer/{id}}). Broker allows 120 a minute.
   *
   * @param fileTransferId the transfer
   * @return the overview
   * @throws BrokerNotFoundException (404 {@code BRO-00001}) for an unknown id
   */
  public FileTransferOverview getOverview(UUID fileTransferId) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    return overview(fileTransferId, eitherScopes("getOverview"));
  }

  private FileTransferOverview overview(UUID fileTransferId, Set<String> scopes) {
    Call call = Call.of("GET", url("filetransfer", fileTransferId.toString()), scopes, true)
        .hint(accessHint(null, null, fileTransferId));
    return readJson(call, FileTransferOverview.class);
  }

  /**
   * Reads a transfer with its full status history ({@code .../{id}/details}). Broker allows only about 10 a
   * minute: poll with {@link #getOverview} instead. Its answer may be {@value #DETAILS_SIZE_FACTOR} times {@link
   * Builder#maxResponseSize} (16 MiB by default).
   *
   * @param fileTransferId the transfer
   * @return the details
   */
  public FileTransferDetails getDetails(UUID fileTransferId) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Call call = Call.of("GET", url("filetransfer", fileTransferId.toString(), "details"), eitherScopes("getDetails"),
        true).hint(accessHint(null, null, fileTransferId)).maxResponseSize(DETAILS_SIZE_FACTOR * maxResponseSize);
    return readJson(call, FileTransferDetails.class);
  }

  /**
   * Searches transfers the caller takes part in ({@code GET /broker/api/v1/filetransfer}). Returns at most
   * {@value FileTransferSearch#MAX_RESULTS} ids, newest first unless {@code orderAscending}; use {@link
   * #searchAll} to go past that. Broker allows about 10 searches a minute.
   *
   * @param search the filters
   * @return up to 100 ids
   */
  public List<UUID> search(FileTransferSearch search) {
    Objects.requireNonNull(search, "search");
    HttpUrl.Builder u = url("filetransfer").newBuilder()
        .addQueryParameter("resourceId", search.resourceId().id());
    if (search.status() != null) {
      u.addQueryParameter("status", search.status().value());
    }
    if (search.recipientStatus() != null) {
      u.addQueryParameter("recipientStatus", search.recipientStatus().value());
    }
    if (search.from() != null) {
      u.addQueryParameter("from", search.from().toString());
    }
    if (search.to() != null) {
      u.addQueryParameter("to", search.to().toString());
    }
    if (search.orderAscending() != null) {
      u.addQueryParameter("orderAscending", search.orderAscending().toString());
    }
    if (search.role() != null) {
      u.addQueryParameter("role", search.role().wireValue());
    }
    Call call = Call.of("GET", u.build(), eitherScopes("search"), true)
        .hint(accessHint(search.resourceId().id(), null, null));
    JsonNode node = readJson(call, JsonNode.class);
    if (!node.isArray()) {
      throw Transport.invalid(call, "is " + node.getNodeType() + " instead of an array of file transfer ids", null);
    }
    List<UUID> ids = new ArrayList<>(node.size());
    node.forEach(n -> ids.add(uuid(call, n, "an item")));
    return ids;
  }

  /**
   * All transfers matching the search, past Broker's 100-result cap, oldest first. Lazily searches with {@code
   * orderAscending=true}, moving {@code from} to the timestamp of the last id of each full page (its {@code
   * created}, or {@code fileTransferStatusChanged} when filtering on {@code status}, read with one overview call)
   * and dropping ids repeated at page boundaries. Each page costs one search (10 a minute) and one overview.
   * Close the stream (or consume it) when done.
   *
   * @param search the filters; {@code orderAscending} must be unset or {@code true}
   * @return a lazy stream of distinct ids
   */
  public Stream<UUID> searchAll(FileTransferSearch search) {
    Objects.requireNonNull(search, "search");
    if (Boolean.FALSE.equals(search.orderAscending())) {
      throw new BrokerValidationException("orderAscending", "searchAll pages oldest first; leave it unset");
    }
    eitherScopes("searchAll");
    Iterator<UUID> it = new SearchPager(search.toBuilder().orderAscending(true).build());
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.DISTINCT
        | Spliterator.NONNULL), false);
  }

  private final class SearchPager implements Iterator<UUID> {
    private final FileTransferSearch base;
    private Instant from;
    private Set<UUID> previousPage = Set.of();
    private Iterator<UUID> current = Collections.emptyIterator();
    private boolean lastPage;
    private boolean exactBoundary;

    SearchPager(FileTransferSearch base) {
      this.base = base;
      this.from = base.from();
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext() && !lastPage) {
        fetch();
      }
      return current.hasNext();
    }

    @Override
    public UUID next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return current.next();
    }

    private void fetch() {
      FileTransferSearch.Builder b = base.toBuilder();
      if (from != null) {
        b.from(from);
      }
      List<UUID> page = search(b.build());
      List<UUID> fresh = new ArrayList<>();
      for (UUID id : page) {
        if (!previousPage.contains(id)) {
          fresh.add(id);
        }
      }
      if (page.size() < FileTransferSearch.MAX_RESULTS) {
        lastPage = true;
      } else {
        FileTransferOverview lastOverview = getOverview(page.get(page.size() - 1));
        Instant ts = base.status() != null ? lastOverview.fileTransferStatusChanged() : lastOverview.created();
        if (fresh.isEmpty()) {
          if (exactBoundary) {
            LOG.warn("searchAll: more than {} transfers share the timestamp {}; some may be skipped",
                FileTransferSearch.MAX_RESULTS, ts);
            lastPage = true;
          }
          exactBoundary = true;
          from = ts;
        } else {
          exactBoundary = false;
          // One microsecond earlier (Broker's precision) so transfers sharing the boundary timestamp are not lost.
          from = ts.minusNanos(1000);
        }
      }
      previousPage = new HashSet<>(page);
      current = fresh.iterator();
    }
  }

  /**
   * Polls the overview until the transfer reaches {@code target} or a later status on the normal path
   * ({@code Initialized} → {@code UploadStarted} → {@code UploadProcessing} → {@code Published} →
   * {@code AllConfirmedDownloaded}). Polls after 1 s, then 1.5× longer each time up to 15 s, never more often
   * than Broker's 120-a-minute limit allows.
   *
   * @param fileTransferId the transfer
   * @param target the status to wait for
   * @param timeout how long to wait
   * @return the overview showing {@code target} or later
   * @throws FileTransferFailedException if the transfer becomes {@code Failed}, {@code Cancelled} or (unless that
   *     is the target) {@code Purged}
   * @throws BrokerTimeoutException if the timeout passes first
   */
  public FileTransferOverview awaitStatus(UUID fileTransferId, FileTransferStatus target, Duration timeout) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(timeout, "timeout");
    Instant deadline = clock.instant().plus(timeout);
    Duration interval = FIRST_POLL_INTERVAL;
    while (true) {
      FileTransferOverview o = getOverview(fileTransferId);
      FileTransferStatus s = o.fileTransferStatus();
      if (reached(s, target)) {
        return o;
      }
      if (FileTransferStatus.FAILED.equals(s) || FileTransferStatus.CANCELLED.equals(s)
          || FileTransferStatus.PURGED.equals(s)) {
        throw new FileTransferFailedException(o);
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) {
        throw new BrokerTimeoutException("File transfer " + fileTransferId + " did not reach " + target + " within "
            + timeout + "; last status " + s, o);
      }
      Duration wait = interval.compareTo(left) < 0 ? interval : left;
      if (wait.compareTo(MIN_POLL_INTERVAL) < 0) {
        wait = MIN_POLL_INTERVAL;
      }
      Interruptible.sleep(sleeper, wait, "waiting for file transfer " + fileTransferId + " to reach " + target);
      interval = Duration.ofMillis(Math.min(MAX_POLL_INTERVAL.toMillis(), (long) (interval.toMillis() * 1.5)));
    }
  }

  private static boolean reached(FileTransferStatus current, FileTransferStatus target) {
    if (current.equals(target)) {
      return true;
    }
    int c = HAPPY_PATH.indexOf(current);
    int t = HAPPY_PATH.indexOf(target);
    return c >= 0 && t >= 0 && c >= t;
  }

  // ---------------------------------------------------------------------------------------------- receiving

  /**
   * Downloads a transfer to {@code target}: the bytes go to a partial file in the same directory, are checked
   * against the overview's size and MD5, forced to disk, and only then atomically moved to {@code target}
   * (replacing an existing file); {@code target} is never half-written. A connection that breaks mid-way is resumed
   * with a Range request.
   *
   * <p>The partial file, {@code .<target name>.<key>.part}, survives a crash (even {@code kill -9}) and an
   * interrupted, network-failed or listener-aborted download: the next download of the same transfer to the same
   * target reuses its bytes and asks only for the rest ({@code Range: bytes=<kept>-}), then checks the MD5 over
   * the whole file. The key is derived from the transfer id, its size and MD5 and the target name, so a partial of
   * another transfer or size is never mistaken for this one; a resumed file that fails the MD5 is downloaded once
   * more from the start. The partial is deleted when the bytes are wrong (checksum, size). Other partials of the
   * same target that no running download holds and that were untouched for an hour are deleted when a download to
   * that target starts. Resuming needs the overview's MD5; without it the download starts from the first byte.
   *
   * <p>The overview's {@code fileTransferSize} bounds the download: a byte past it fails with {@link
   * ChecksumMismatchException}. A size of 0 (unknown) is bounded by {@link Builder#maxUnknownSizeDownload}
   * instead; a negative or impossible size fails with {@link DownloadSizeException} before any byte is requested.
   *
   * @param fileTransferId the transfer, {@code Published}
   * @param target the file to create or replace; its directory must exist
   * @param listener progress
   * @return what was written and whether the checksum was verified
   * @throws ChecksumMismatchException if the bytes do not match (nothing is written to {@code target})
   * @throws DownloadSizeException if the declared size is invalid, or unknown and the limit was passed
   * @throws ProgressListenerException if {@code listener} threw (the transfer is aborted)
   * @throws BrokerInterruptedException if the thread was interrupted (the call is cancelled, the flag stays set)
   */
  public DownloadResult download(UUID fileTransferId, Path target, ProgressListener listener) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(listener, "listener");
    Path abs = Objects.requireNonNull(target, "target").toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new BrokerValidationException("target", "directory " + dir + " does not exist");
    }
    if (Files.isDirectory(abs)) {
      throw new BrokerValidationException("target", abs + " is a directory; give a file path");
    }
    Mdc mdc = Mdc.open("download", fileTransferId);
    try {
      long start = System.nanoTime();
      FileTransferOverview overview = overview(fileTransferId, scopes(Role.RECIPIENT, "download"));
      DownloadResult result = new FileDownload(fileTransferId, abs, overview.checksum(), overview.fileTransferSize())
          .run(() -> downloadStream(fileTransferId, overview, listener));
      transport.telemetry().transferCompleted(TelemetryListener.Direction.DOWNLOAD, fileTransferId, result.size(),
          start);
      return result;
    } finally {
      mdc.close();
    }
  }

  /**
   * Like {@link #download(UUID, Path, ProgressListener)} without progress.
   *
   * @param fileTransferId the transfer
   * @param target the file to create or replace
   * @return what was written
   */
  public DownloadResult download(UUID fileTransferId, Path target) {
    return download(fileTransferId, target, ProgressListener.NONE);
  }

  /**
   * Opens a transfer's bytes as a stream that verifies size and MD5 at end of stream and resumes broken
   * connections. HTTP errors (403, 404…) are thrown here, before the stream is returned. The overview's size
   * bounds the stream as for {@link #download(UUID, Path, ProgressListener)}, with {@link
   * Builder#maxUnknownSizeDownload} when the size is unknown. An interrupt of a thread blocked in a read cancels
   * the call: the read throws {@link BrokerInterruptedException}.
   *
   * @param fileTransferId the transfer, {@code Published}
   * @param listener progress
   * @return the stream; close it
   * @throws DownloadSizeException if the declared size is invalid (reads throw it past the unknown-size limit)
   */
  public FileTransferDownload openDownload(UUID fileTransferId, ProgressListener listener) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(listener, "listener");
    FileTransferOverview overview = overview(fileTransferId, scopes(Role.RECIPIENT, "openDownload"));
    return new FileTransferDownload(downloadStream(fileTransferId, overview, listener).open(), overview);
  }

  /**
   * Like {@link #openDownload(UUID, ProgressListener)} without progress.
   *
   * @param fileTransferId the transfer
   * @return the stream; close it
   */
  public FileTransferDownload openDownload(UUID fileTransferId) {
    return openDownload(fileTransferId, ProgressListener.NONE);
  }

  private DownloadStream downloadStream(UUID id, FileTransferOverview overview, ProgressListener listener) {
    Set<String> scopes = scopes(Role.RECIPIENT, "download");
    HttpUrl u = url("filetransfer", id.toString(), "download");
    Function<ApiError, String> hint = accessHint(overview.resourceId(), null, id);
    return new DownloadStream(id, pos -> transport.execute(Call.of("GET", u, scopes, true)
        .accept("application/octet-stream")
        .range(pos > 0 ? "bytes=" + pos + "-" : null)
        .hint(hint)), overview.checksum(), overview.fileTransferSize(), maxUnknownSizeDownload, transport,
        listener);
  }

  /**
   * Confirms that this recipient has downloaded the transfer ({@code POST .../{id}/confirmdownload}); download
   * first (Broker answers 400 {@code BRO-00019} otherwise). Safe to repeat: a repeat after every recipient
   * confirmed (400 {@code BRO-00010} while the transfer is {@code AllConfirmedDownloaded}) counts as success.
   *
   * @param fileTransferId the transfer
   */
  public void confirmDownload(UUID fileTransferId) {
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Set<String> scopes = scopes(Role.RECIPIENT, "confirmDownload");
    Call call = Call.of("POST", url("filetransfer", fileTransferId.toString(), "confirmdownload"), scopes, true)
        .hint(accessHint(null, null, fileTransferId));
    try {
      executeAndClose(call);
    } catch (BrokerApiException e) {
      if (e.error().hasCode("BRO-00010")) {
        FileTransferOverview o = overview(fileTransferId, scopes);
        if (FileTransferStatus.ALL_CONFIRMED_DOWNLOADED.equals(o.fileTransferStatus())) {
          LOG.debug("confirmDownload {}: already confirmed by every recipient", fileTransferId);
          return;
        }
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------- service owner

  /**
   * Reads a resource's Broker settings ({@code GET /broker/api/v1/resource/{id}}). Service owners only.
   *
   * @param resourceId the resource
   * @return the settings
   * @throws BrokerApiException 400 {@code BRO-00025} when the resource was never configured
   */
  public ResourceSettings getResource(String resourceId) {
    ResourceId rid = ResourceId.of(resourceId);
    Set<String> scopes = scopes(Role.SERVICE_OWNER, "getResource");
    Call call = Call.of("GET", url("resource", rid.id()), scopes, true);
    JsonNode n = readJson(call, JsonNode.class);
    if (!n.isObject()) {
      throw Transport.invalid(call, "is " + n.getNodeType() + " instead of the resource's settings", null);
    }
    return new ResourceSettings(
        n.hasNonNull("maxFileTransferSize") ? n.get("maxFileTransferSize").asLong() : null,
        duration(call, n, "fileTransferTimeToLive"),
        n.hasNonNull("purgeFileTransferAfterAllRecipientsConfirmed")
            ? n.get("purgeFileTransferAfterAllRecipientsConfirmed").asBoolean() : null,
        duration(call, n, "purgeFileTransferGracePeriod"),
        n.hasNonNull("useManifestFileShim") ? n.get("useManifestFileShim").asBoolean() : null,
        n.hasNonNull("externalServiceCodeLegacy") ? n.get("externalServiceCodeLegacy").asText() : null,
        n.hasNonNull("externalServiceEditionCodeLegacy") ? n.get("externalServiceEditionCodeLegacy").asInt() : null,
        n.hasNonNull("requiredParty") ? n.get("requiredParty").asText() : null);
  }

  private static Duration duration(Call call, JsonNode n, String field) {
    if (!n.hasNonNull(field)) {
      return null;
    }
    try {
      return Durations.parse(n.get(field).asText());
    } catch (IllegalArgumentException e) {
      throw Transport.invalid(call, "has an unreadable duration in " + field + ": " + Text.clean(e.getMessage(), 100),
          e);
    }
  }

  /**
   * Updates a resource's Broker settings; unset fields stay unchanged ({@code PUT /broker/api/v1/resource/{id}}).
   * The first call imports the resource from Altinn's Resource Registry. Service owners only.
   *
   * @param resourceId the resource
   * @param update the changes
   */
  public void updateResource(String resourceId, ResourceSettingsUpdate update) {
    ResourceId rid = ResourceId.of(resourceId);
    Objects.requireNonNull(update, "update");
    Set<String> scopes = scopes(Role.SERVICE_OWNER, "updateResource");
    Map<String, Object> body = new LinkedHashMap<>();
    putIfSet(body, "maxFileTransferSize", update.maxFileTransferSize());
    putIfSet(body, "fileTransferTimeToLive",
        update.fileTransferTimeToLive() == null ? null : Durations.toIso(update.fileTransferTimeToLive()));
    putIfSet(body, "purgeFileTransferAfterAllRecipientsConfirmed", update.purgeFileTransferAfterAllRecipientsConfirmed());
    putIfSet(body, "purgeFileTransferGracePeriod",
        update.purgeFileTransferGracePeriod() == null ? null : Durations.toIso(update.purgeFileTransferGracePeriod()));
    putIfSet(body, "useManifestFileShim", update.useManifestFileShim());
    putIfSet(body, "externalServiceCodeLegacy", update.externalServiceCodeLegacy());
    putIfSet(body, "externalServiceEditionCodeLegacy", update.externalServiceEditionCodeLegacy());
    putIfSet(body, "requiredParty", update.requiredParty() == null ? null : update.requiredParty().digits());
    String json = Json.write(body);
    executeAndClose(Call.of("PUT", url("resource", rid.id()), scopes, true)
        .body(() -> RequestBody.create(json, JSON), true));
  }

  private static void putIfSet(Map<String, Object> body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }

  /**
   * Registers the caller's organisation as a Broker service owner ({@code POST /broker/api/v1/serviceowner});
   * storage is provisioned asynchronously (see {@link #getServiceOwner}). Not idempotent: a second call gets
   * {@link BrokerConflictException} ({@code BRO-07002}).
   *
   * @param name the service owner's name
   */
  public void registerServiceOwner(String name) {
    if (name == null || name.isBlank()) {
      throw new BrokerValidationException("name", "a service owner name is required");
    }
    Set<String> scopes = scopes(Role.SERVICE_OWNER, "registerServiceOwner");
    String json = Json.write(Map.of("name", name));
    executeAndClose(Call.of("POST", url("serviceowner"), scopes, false)
        .body(() -> RequestBody.create(json, JSON), true));
  }

  /**
   * Reads the caller's service-owner registration ({@code GET /broker/api/v1/serviceowner}).
   *
   * @return the service owner and its storage providers
   * @throws BrokerNotFoundException ({@code BRO-07004}) when not registered
   */
  public ServiceOwner getServiceOwner() {
    Set<String> scopes = scopes(Role.SERVICE_OWNER, "getServiceOwner");
    return readJson(Call.of("GET", url("serviceowner"), scopes, true), ServiceOwner.class);
  }

  /**
   * Opens the monthly statistics CSV ({@code GET /broker/api/v1/statistics/monthly}) as a stream; close it.
   *
   * @param request the month and filters
   * @return the CSV bytes (UTF-8), streamed
   */
  public InputStream openMonthlyStatistics(MonthlyStatisticsRequest request) {
    Objects.requireNonNull(request, "request");
    Set<String> scopes = scopes(Role.SERVICE_OWNER, "monthlyStatistics");
    HttpUrl.Builder u = url("statistics", "monthly").newBuilder()
        .addQueryParameter("year", Integer.toString(request.month().getYear()))
        .addQueryParameter("month", Integer.toString(request.month().getMonthValue()));
    if (request.resourceId() != null) {
      u.addQueryParameter("resourceId", request.resourceId().id());
    }
    u.addQueryParameter("includeEndUser", Boolean.toString(request.includeEndUser()));
    u.addQueryParameter("includeVendor", Boolean.toString(request.includeVendor()));
    Response r = transport.execute(Call.of("GET", u.build(), scopes, true).accept("text/csv"));
    return r.body().byteStream();
  }

  /**
   * Streams the monthly statistics CSV to {@code target} (temporary file, then atomic move).
   *
   * @param request the month and filters
   * @param target the CSV file to create or replace
   * @return bytes written
   */
  public long downloadMonthlyStatistics(MonthlyStatisticsRequest request, Path target) {
    Path abs = Objects.requireNonNull(target, "target").toAbsolutePath();
    try (InputStream in = openMonthlyStatistics(request)) {
      return writeAtomically(abs, in);
    } catch (IOException e) {
      throw new BrokerException("could not close statistics stream", e);
    }
  }

  // ---------------------------------------------------------------------------------------------- plumbing

  /** Releases the connection pool and threads of the OkHttp client this client created. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsHttp) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "BrokerClient{baseUrl=" + baseUrl() + ", roles=" + roles + ", subscriptionKey="
        + (hasSubscriptionKey ? "****" : "none") + ", retryPolicy=" + transport.retryPolicy() + "}";
  }

  private Set<String> scopes(Role role, String operation) {
    if (closed.get()) {
      throw new IllegalStateException("BrokerClient is closed");
    }
    if (!roles.contains(role)) {
      throw new BrokerException(operation + " needs role " + role + " (scopes " + String.join(" ",
          new java.util.TreeSet<>(role.scopes())) + "), but this client was built with roles " + roles
          + "; add it with BrokerClient.builder().roles(...)");
    }
    return role.scopes();
  }

  private Set<String> eitherScopes(String operation) {
    if (roles.contains(Role.SENDER)) {
      return scopes(Role.SENDER, operation);
    }
    if (roles.contains(Role.RECIPIENT)) {
      return scopes(Role.RECIPIENT, operation);
    }
    return scopes(Role.SENDER, operation + " (role SENDER or RECIPIENT)");
  }

  private Function<ApiError, String> accessHint(String resourceId, OrganizationNumber org, UUID id) {
    return e -> {
      if (e.hasCode("BRO-00028")) {
        return "The resource uses access lists, and Broker checks every recipient against them (step 3 of Altinn's"
            + " common steps): ask the resource's service owner to add each recipient to an access list connected to"
            + " the resource";
      }
      if (e.status() != 403) {
        return null;
      }
      String what = resourceId != null ? "resource '" + resourceId + "'" : "the resource of file transfer " + id;
      String who = org != null ? "organisation " + org : "the organisation your token represents";
      return "Access to a Broker resource is granted by the resource's service owner (step 3 of Altinn's common"
          + " steps): ask the service owner of " + what + " to give " + who + " access. If you act for that"
          + " organisation as a vendor, the token must be for a system user of that organisation with rights to the"
          + " resource";
    };
  }

  private HttpUrl url(String... segments) {
    HttpUrl.Builder b = baseUrl.newBuilder().addPathSegments("broker/api/v1");
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b.build();
  }

  private <T> T readJson(Call call, Class<T> type) {
    return transport.executeJson(call, type);
  }

  private UUID readFileTransferId(Call call) {
    try (Response r = transport.execute(call)) {
      return fileTransferId(r, call);
    }
  }

  private UUID fileTransferId(Response r, Call call) {
    JsonNode n = transport.readJson(r, call, JsonNode.class);
    if (n.isTextual()) {
      return uuid(call, n, "the file transfer id");
    }
    if (!n.hasNonNull("fileTransferId")) {
      throw Transport.invalid(call, "has no fileTransferId", null);
    }
    return uuid(call, n.get("fileTransferId"), "fileTransferId");
  }

  /** A file transfer id from an answer: a JSON string holding a UUID, else a typed error. */
  private static UUID uuid(Call call, JsonNode n, String what) {
    if (n.isTextual()) {
      try {
        return UUID.fromString(n.asText());
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw Transport.invalid(call, "has " + what + " that is not a UUID: " + Text.clean(n.toString(), 60), null);
  }

  private void executeAndClose(Call call) {
    transport.execute(call).close();
  }

  private static Map<String, Object> initializeJson(FileTransferInitialize r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fileName", r.fileName());
    m.put("resourceId", r.resourceId().id());
    m.put("sendersFileTransferReference", r.sendersFileTransferReference());
    m.put("sender", r.sender().iso6523());
    m.put("recipients", r.recipients().stream().map(OrganizationNumber::iso6523).toList());
    m.put("propertyList", r.propertyList());
    if (r.checksum() != null) {
      m.put("checksum", r.checksum());
    }
    if (r.disableVirusScan() != null) {
      m.put("disableVirusScan", r.disableVirusScan());
    }
    return m;
  }

  private static long requireReadableFile(Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new BrokerValidationException("file", file + " is not a readable regular file");
    }
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new BrokerValidationException("file", "cannot read the size of " + file + ": " + e.getMessage());
    }
  }

  private static String md5(Path file) {
    try {
      return Hex.md5(file);
    } catch (IOException e) {
      throw new BrokerException("could not read " + file + " to compute its MD5", e);
    }
  }

  private static long writeAtomically(Path target, InputStream in) {
    Path tmp = null;
    boolean moved = false;
    try {
      tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
      long total = 0;
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          OutputStream out = Channels.newOutputStream(ch)) {
        byte[] buf = new byte[COPY_CHUNK];
        int n;
        while ((n = in.read(buf)) != -1) {
          out.write(buf, 0, n);
          total += n;
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
      return total;
    } catch (IOException e) {
      throw new BrokerException("could not write " + target + ": " + e, e);
    } finally {
      if (!moved && tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          LOG.warn("could not delete temporary file {}: {}", tmp, e.toString());
        }
      }
    }
  }

  /** Passes reads through and ignores close: the caller owns the stream. */
  private static final class NonClosingInputStream extends java.io.FilterInputStream {
    NonClosingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the caller closes its own stream
    }
  }

  /**
   * Builds a {@link BrokerClient}. Required: {@link #environment} or {@link #baseUrl}, {@link
   * #accessTokenProvider} and at least one {@link #roles role}. Not thread-safe; {@link #build()} may be called
   * more than once.
   */
  public static final class Builder {
    private AltinnEnvironment environment;
    private String baseUrl;
    private String subscriptionKey;
    private AccessTokenProvider tokens;
    private final Set<Role> roles = EnumSet.noneOf(Role.class);
    private OkHttpClient httpClient;
    private TelemetryListener telemetry = TelemetryListener.NONE;
    private Duration connectTimeout;
    private Duration readTimeout;
    private Duration writeTimeout;
    private long maxResponseSize = Transport.DEFAULT_MAX_RESPONSE_SIZE;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private String userAgentSuffix;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private long maxUnknownSizeDownload = DEFAULT_MAX_UNKNOWN_SIZE_DOWNLOAD;
    private long tusThreshold = DEFAULT_TUS_THRESHOLD;
    private long tusChunkSize = DEFAULT_TUS_CHUNK_SIZE;
    private int tusParallelParts = DEFAULT_TUS_PARALLEL_PARTS;
    private UploadCheckpointStore checkpoints = UploadCheckpointStore.besideFile();

    private Builder() {}

    /**
     * @param environment {@link AltinnEnvironment#TT02} or {@link AltinnEnvironment#PRODUCTION}; conflicts with
     *     {@link #baseUrl}
     * @return this builder
     */
    public Builder environment(AltinnEnvironment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * A custom platform base URL, for local fakes and reverse proxies: {@code https://…}, or {@code http://} on
     * a loopback address only. Conflicts with {@link #environment}.
     *
     * @param baseUrl e.g. {@code http://127.0.0.1:8080}
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    /**
     * @param key the APIM subscription key, sent as {@code Ocp-Apim-Subscription-Key} on every request. Optional
     *     (Altinn's gateway no longer requires it everywhere); never logged or shown in {@code toString()}.
     * @return this builder
     */
    public Builder subscriptionKey(String key) {
      this.subscriptionKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * @param provider supplies tokens per scope set. Required.
     * @return this builder
     */
    public Builder accessTokenProvider(AccessTokenProvider provider) {
      this.tokens = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * @param roles what the client may do; at least one required. Each role's scope set must be registered on the
     *     Maskinporten client.
     * @return this builder
     */
    public Builder roles(Role... roles) {
      this.roles.clear();
      for (Role r : roles) {
        this.roles.add(Objects.requireNonNull(r, "role"));
      }
      return this;
    }

    /**
     * @param client an OkHttp client to share (its pool, dispatcher, proxy and TLS settings). Default: a client of
     *     the SDK's own. The SDK derives a client from it with {@code newBuilder()}, never closes it, and turns
     *     off in the derived client OkHttp's silent connection-failure retries (they could repeat a
     *     non-idempotent initialize) and redirect following (a redirect would carry the subscription key or the
     *     upload to another origin; a 3xx becomes {@link BrokerRedirectException}).
     * @return this builder
     */
    public Builder httpClient(OkHttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * @param timeout default 10 s (or the supplied client's)
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * @param timeout longest silence while reading a response, including the wait for Broker to commit an upload;
     *     default 120 s (or the supplied client's)
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive("readTimeout", timeout);
      return this;
    }

    /**
     * @param timeout longest stall while sending; default 60 s (or the supplied client's)
     * @return this builder
     */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = positive("writeTimeout", timeout);
      return this;
    }

    /**
     * @param bytes the largest JSON answer accepted (overview, search, initialize, resource, service owner),
     *     counted after gzip decoding while reading; larger answers fail with {@link
     *     BrokerInvalidResponseException} before they are buffered. {@link BrokerClient#getDetails} accepts {@value
     *     BrokerClient#DETAILS_SIZE_FACTOR} times as much. Default 1 MiB (1,048,576); downloads and the statistics
     *     CSV are streams and not limited by it.
     * @return this builder
     */
    public Builder maxResponseSize(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxResponseSize must be at least 1024 bytes, got " + bytes);
      }
      this.maxResponseSize = bytes;
      return this;
    }

    /**
     * @param policy retries; default {@link RetryPolicy#DEFAULT}
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param listener receives every HTTP attempt, retry and completed transfer (see {@link TelemetryListener}); a
     *     listener that throws never breaks a call. Default {@link TelemetryListener#NONE}
     * @return this builder
     */
    public Builder telemetry(TelemetryListener listener) {
      this.telemetry = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @param suffix appended to the SDK's User-Agent ({@code broker-client-java/<version> Java/<version>}), e.g.
     *     your system's name and version; default none
     * @return this builder
     */
    public Builder userAgent(String suffix) {
      if (suffix == null || suffix.isBlank() || suffix.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
        throw new IllegalArgumentException("userAgent must be printable ASCII");
      }
      this.userAgentSuffix = suffix;
      return this;
    }

    /**
     * The most bytes a download may bring when the transfer's overview declares no size ({@code fileTransferSize}
     * 0 or missing, which Broker reports only before an upload): past it the download fails with {@link
     * DownloadSizeException} and nothing is written to the target. A declared size is always the bound itself.
     *
     * @param bytes at least 1; default {@link BrokerClient#DEFAULT_MAX_UNKNOWN_SIZE_DOWNLOAD} (256 MiB)
     * @return this builder
     */
    public Builder maxUnknownSizeDownload(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxUnknownSizeDownload must be at least 1 byte, got " + bytes);
      }
      this.maxUnknownSizeDownload = bytes;
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    /**
     * Files of at least this size are uploaded with TUS in {@link UploadMode#AUTO} (by {@link #send} and the
     * {@code Path} upload methods); smaller files and streams use the streamed POST.
     *
     * @param bytes positive; default {@link #DEFAULT_TUS_THRESHOLD} (64 MiB); {@link Long#MAX_VALUE} for never
     * @return this builder
     */
    public Builder tusThreshold(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("tusThreshold must be positive, got " + bytes);
      }
      this.tusThreshold = bytes;
      return this;
    }

    /**
     * The bytes per TUS PATCH. Each PATCH becomes one Azure block and a blob holds at most 50,000, so a larger file
     * gets {@code ⌈size / 50,000⌉} instead; a chunk that breaks is sent again from the server's offset, so at most
     * one chunk is sent twice per break.
     *
     * @param bytes positive and below 2 GiB; default {@link #DEFAULT_TUS_CHUNK_SIZE} (8 MiB)
     * @return this builder
     */
    public Builder tusChunkSize(long bytes) {
      if (bytes < 1 || bytes >= TusUpload.CHUNK_LIMIT) {
        throw new IllegalArgumentException("tusChunkSize must be positive and below 2 GiB, got " + bytes);
      }
      this.tusChunkSize = bytes;
      return this;
    }

    /**
     * The parts of a {@link UploadMode#TUS_PARALLEL} upload (and of {@link UploadMode#AUTO} at or above the
     * threshold): each part is a region of the file sent on its own thread and connection.
     *
     * @param parts 1 to 64; default {@link #DEFAULT_TUS_PARALLEL_PARTS} (4); 1 makes AUTO upload sequentially
     * @return this builder
     */
    public Builder tusParallelParts(int parts) {
      if (parts < 1 || parts > 64) {
        throw new IllegalArgumentException("tusParallelParts must be 1 to 64, got " + parts);
      }
      this.tusParallelParts = parts;
      return this;
    }

    /**
     * Where TUS uploads keep the checkpoint {@link BrokerClient#resumeUpload} needs after a restart.
     *
     * @param store the store; default {@link UploadCheckpointStore#besideFile()}
     * @return this builder
     */
    public Builder uploadCheckpoints(UploadCheckpointStore store) {
      this.checkpoints = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @return the client
     * @throws IllegalStateException if a required setting is missing or two settings conflict
     */
    public BrokerClient build() {
      if (environment != null && baseUrl != null) {
        throw new IllegalStateException("set either environment(...) or baseUrl(...), not both");
      }
      if (environment == null && baseUrl == null) {
        throw new IllegalStateException("environment(AltinnEnvironment.TT02 or PRODUCTION) or baseUrl(...) is"
            + " required");
      }
      if (tokens == null) {
        throw new IllegalStateException("accessTokenProvider(...) is required (the Maskinporten provider, or"
            + " AccessTokenProvider.fixed(token) for tests)");
      }
      if (roles.isEmpty()) {
        throw new IllegalStateException("roles(...) is required: SENDER, RECIPIENT and/or SERVICE_OWNER, matching"
            + " the scopes registered on your Maskinporten client");
      }
      if (subscriptionKey != null && subscriptionKey.isBlank()) {
        throw new IllegalStateException("subscriptionKey is blank; omit it instead");
      }
      HttpUrl url = Hosts.requireSecure("baseUrl", environment != null ? environment.platformUrl() : baseUrl);
      if (url.query() != null || url.fragment() != null) {
        throw new IllegalStateException("baseUrl must not have a query or fragment");
      }
      OkHttpClient http = HttpClients.derive(httpClient, hb -> {
        if (httpClient == null) {
          hb.connectionPool(new ConnectionPool(5, 50, TimeUnit.SECONDS))
              .connectTimeout(Duration.ofSeconds(10))
              .readTimeout(Duration.ofSeconds(120))
              .writeTimeout(Duration.ofSeconds(60));
        }
        if (connectTimeout != null) {
          hb.connectTimeout(connectTimeout);
        }
        if (readTimeout != null) {
          hb.readTimeout(readTimeout);
        }
        if (writeTimeout != null) {
          hb.writeTimeout(writeTimeout);
        }
      });
      return new BrokerClient(this, url, http);
    }


    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
