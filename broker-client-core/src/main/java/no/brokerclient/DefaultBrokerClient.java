package no.brokerclient;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import no.brokerclient.internal.ClientOptions;
import no.brokerclient.internal.DownloadStream;
import no.brokerclient.internal.FileDownload;
import no.brokerclient.internal.Hex;
import no.brokerclient.internal.Mdc;
import no.brokerclient.internal.Transport;
import no.brokerclient.internal.Transport.Call;
import no.brokerclient.internal.UploadBody;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferDetails;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.UploadResult;
import okhttp3.HttpUrl;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link BrokerClient} implementation: checks each operation's arguments and role ({@link RoleGuard}) before
 * any I/O and runs it through one {@link Transport}, delegating the wire format to {@link BrokerCodec}, paging to
 * {@link SearchPager}, polling to {@link StatusPoller}, TUS to {@link TusUploads}, reconciliation after lost answers
 * to {@link UploadReconciler}, 403 hints to {@link AccessHints} and the service-owner calls to {@link
 * DefaultServiceOwnerOperations}. Its settings, HTTP client and connection-pool ownership are {@link ClientOptions}.
 * Immutable and thread-safe.
 */
final class DefaultBrokerClient implements BrokerClient {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerClient.class);
  /** {@link #getDetails} accepts this many times the maximum response size: its history grows per download. */
  static final int DETAILS_SIZE_FACTOR = 16;

  private final Builder settings;
  private final ClientOptions options;
  private final Transport transport;
  private final BrokerCodec codec;
  private final RoleGuard guard;
  private final StatusPoller poller;
  private final TusUploads tus;
  private final UploadReconciler reconciler;
  private final ServiceOwnerOperations serviceOwner;
  private final long maxUnknownSizeDownload;
  private final int downloadRanges;

  /**
   * @param settings a copy of the builder's settings, for {@link #newBuilder()}
   * @param options the shared settings, built (this client releases its pool use on close)
   */
  DefaultBrokerClient(Builder settings, ClientOptions options) {
    this.settings = settings;
    this.options = options;
    this.transport = options.transport(options.tokens());
    this.codec = new BrokerCodec(options.url());
    this.guard = new RoleGuard(settings.roles, options::isClosed);
    this.poller = new StatusPoller(id -> overview(id, guard.eitherScopes("awaitStatus")), options.clock(),
        options.sleeper());
    this.tus = new TusUploads(transport, codec, settings.checkpoints, settings.tusThreshold,
        settings.tusChunkSize, settings.tusParallelParts, settings.tusFinalizeTimeout, poller);
    this.reconciler = new UploadReconciler(this::searchAll, id -> overview(id, guard.scopes(Role.SENDER, "upload")));
    this.serviceOwner = new DefaultServiceOwnerOperations(transport, codec, guard);
    this.maxUnknownSizeDownload = settings.maxUnknownSizeDownload;
    this.downloadRanges = settings.downloadRanges;
  }

  @Override
  public String baseUrl() {
    return codec.baseUrl();
  }

  @Override
  public Set<Role> roles() {
    return guard.roles();
  }

  @Override
  public ServiceOwnerOperations serviceOwner() {
    return serviceOwner;
  }

  @Override
  public Builder newBuilder() {
    guard.requireOpen();
    return settings.derive(options);
  }

  // ---------------------------------------------------------------------------------------------- sending

  @Override
  public UUID initialize(FileTransferInitialize request) {
    Set<String> scopes = guard.scopes(Role.SENDER, "initialize");
    Objects.requireNonNull(request, "request");
    Call call = Call.of("POST", codec.url("filetransfer"), scopes, false)
        .body(BrokerCodec.json(BrokerCodec.initialize(request)), true)
        .hint(AccessHints.forCall(request.resourceId().id(), request.sender(), null));
    return readFileTransferId(call);
  }

  @Override
  public UploadResult upload(UUID fileTransferId, Path file, ProgressListener listener, UploadMode mode) {
    return upload(fileTransferId, file, listener, null, mode);
  }

  /** With {@code knownMd5} (from {@link #send}, which initialized with it) the bytes are not hashed again. */
  private UploadResult upload(UUID fileTransferId, Path file, ProgressListener listener, String knownMd5,
      UploadMode mode) {
    Set<String> scopes = guard.scopes(Role.SENDER, "upload");
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(mode, "mode");
    long size = requireReadableFile(file);
    UploadResult viaTus = tus.upload(fileTransferId, file, size, scopes, listener, mode, knownMd5,
        id -> overview(id, scopes));
    if (viaTus != null) {
      return viaTus;
    }
    return doUpload(fileTransferId, () -> Files.newInputStream(file), size, false, listener,
        knownMd5 != null ? () -> knownMd5 : () -> Hex.md5(file), knownMd5);
  }

  @Override
  public UploadResult upload(UUID fileTransferId, InputStream data, long length, ProgressListener listener) {
    guard.scopes(Role.SENDER, "upload");
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(listener, "listener");
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

  @Override
  public UploadResult resumeUpload(UUID fileTransferId, Path file, ProgressListener listener) {
    Set<String> scopes = guard.scopes(Role.SENDER, "resumeUpload");
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(listener, "listener");
    long size = requireReadableFile(file);
    return tus.resume(fileTransferId, file, size, scopes, listener, id -> overview(id, scopes),
        () -> upload(fileTransferId, file, listener));
  }

  private UploadResult doUpload(UUID id, UploadBody.Source source, long length, boolean oneShot,
      ProgressListener listener, UploadReconciler.Md5Source localMd5, String knownMd5) {
    Set<String> scopes = guard.scopes(Role.SENDER, "upload");
    AtomicReference<UploadBody> last = new AtomicReference<>();
    Call call = Call.of("POST", codec.url("filetransfer", id.toString(), "upload"), scopes, false)
        .body(() -> {
          UploadBody b = new UploadBody(source, length, oneShot, listener, knownMd5 == null);
          last.set(b);
          return b;
        }, !oneShot)
        .hint(AccessHints.forCall(null, null, id));
    long start = System.nanoTime();
    try (Response r = transport.execute(call)) {
      UUID returned = BrokerCodec.fileTransferId(transport, r, call);
      UploadBody body = last.get();
      transport.telemetry().transferCompleted(TelemetryListener.Direction.UPLOAD, id, body.sent(), start);
      return new UploadResult(returned, body.sent(), knownMd5 != null ? knownMd5 : body.md5());
    } catch (BrokerConflictException e) {
      return reconciler.afterConflict(id, e, localMd5);
    }
  }

  @Override
  public UUID initializeAndUpload(FileTransferInitialize request, Path file, ProgressListener listener) {
    Set<String> scopes = guard.scopes(Role.SENDER, "initializeAndUpload");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    long size = requireReadableFile(file);
    if (size > MAX_MULTIPART_FILE_SIZE) {
      throw new BrokerValidationException("FileTransfer", "multipart upload is limited to about 2 GiB ("
          + MAX_MULTIPART_FILE_SIZE + " bytes); the file has " + size + " bytes: use send(...) instead");
    }
    FileTransferInitialize meta = request.checksum() != null ? request : request.withChecksum(md5(file));
    Call call = Call.of("POST", codec.url("filetransfer", "upload"), scopes, false)
        .body(() -> BrokerCodec.multipart(meta,
            new UploadBody(() -> Files.newInputStream(file), size, false, listener, false)), true)
        .hint(AccessHints.forCall(meta.resourceId().id(), meta.sender(), null));
    long start = System.nanoTime();
    UUID id = readFileTransferId(call);
    transport.telemetry().transferCompleted(TelemetryListener.Direction.UPLOAD, id, size, start);
    return id;
  }

  @Override
  public FileTransferOverview send(FileTransferInitialize request, Path file, SendOptions options) {
    guard.scopes(Role.SENDER, "send");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
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

  @Override
  public List<FileTransferOverview> findInitialized(FileTransferInitialize request, Instant since) {
    guard.scopes(Role.SENDER, "findInitialized");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(since, "since");
    return reconciler.findInitialized(request, since);
  }

  // ---------------------------------------------------------------------------------------------- reading

  @Override
  public FileTransferOverview getOverview(UUID fileTransferId) {
    Set<String> scopes = guard.eitherScopes("getOverview");
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    return overview(fileTransferId, scopes);
  }

  private FileTransferOverview overview(UUID fileTransferId, Set<String> scopes) {
    Call call = Call.of("GET", codec.url("filetransfer", fileTransferId.toString()), scopes, true)
        .hint(AccessHints.forCall(null, null, fileTransferId));
    return transport.executeJson(call, FileTransferOverview.class);
  }

  @Override
  public FileTransferDetails getDetails(UUID fileTransferId) {
    Set<String> scopes = guard.eitherScopes("getDetails");
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Call call = Call.of("GET", codec.url("filetransfer", fileTransferId.toString(), "details"), scopes, true)
        .hint(AccessHints.forCall(null, null, fileTransferId))
        .maxResponseSize(DETAILS_SIZE_FACTOR * options.maxResponseSize());
    return transport.executeJson(call, FileTransferDetails.class);
  }

  @Override
  public List<UUID> search(FileTransferSearch search) {
    Set<String> scopes = guard.eitherScopes("search");
    Objects.requireNonNull(search, "search");
    Call call = Call.of("GET", codec.search(search), scopes, true)
        .hint(AccessHints.forCall(search.resourceId().id(), null, null));
    return BrokerCodec.ids(call, transport.executeJson(call, JsonNode.class));
  }

  @Override
  public Stream<UUID> searchAll(FileTransferSearch search) {
    guard.eitherScopes("searchAll");
    Objects.requireNonNull(search, "search");
    if (Boolean.FALSE.equals(search.orderAscending())) {
      throw new BrokerValidationException("orderAscending", "searchAll pages oldest first; leave it unset");
    }
    return SearchPager.stream(search, this::search, this::getOverview);
  }

  @Override
  public FileTransferOverview awaitStatus(UUID fileTransferId, FileTransferStatus target, Duration timeout) {
    guard.eitherScopes("awaitStatus");
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(timeout, "timeout");
    return poller.await(fileTransferId, target, timeout);
  }

  // ---------------------------------------------------------------------------------------------- receiving

  @Override
  public DownloadResult download(UUID fileTransferId, Path target, int ranges, ProgressListener listener) {
    Set<String> scopes = guard.scopes(Role.RECIPIENT, "download");
    if (ranges < 0 || ranges > MAX_DOWNLOAD_RANGES) {
      throw new BrokerValidationException("ranges", "must be 1 to " + MAX_DOWNLOAD_RANGES
          + " (or 0 for the builder's downloadRanges), got " + ranges);
    }
    int n = ranges == 0 ? downloadRanges : ranges;
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
      FileTransferOverview overview = overview(fileTransferId, scopes);
      DownloadResult result = new FileDownload(fileTransferId, abs, overview.checksum(), overview.fileTransferSize())
          .ranges(n).run(() -> downloadStream(fileTransferId, overview, listener, scopes));
      transport.telemetry().transferCompleted(TelemetryListener.Direction.DOWNLOAD, fileTransferId, result.size(),
          start);
      return result;
    } finally {
      mdc.close();
    }
  }

  @Override
  public FileTransferDownload openDownload(UUID fileTransferId, ProgressListener listener) {
    Set<String> scopes = guard.scopes(Role.RECIPIENT, "openDownload");
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Objects.requireNonNull(listener, "listener");
    FileTransferOverview overview = overview(fileTransferId, scopes);
    return new FileTransferDownload(downloadStream(fileTransferId, overview, listener, scopes).open(), overview);
  }

  private DownloadStream downloadStream(UUID id, FileTransferOverview overview, ProgressListener listener,
      Set<String> scopes) {
    HttpUrl u = codec.url("filetransfer", id.toString(), "download");
    Function<ApiError, String> hint = AccessHints.forCall(overview.resourceId(), null, id);
    return new DownloadStream(id, (from, to) -> transport.execute(Call.of("GET", u, scopes, true)
        .accept("application/octet-stream")
        .range(from > 0 || to >= 0 ? "bytes=" + from + "-" + (to >= 0 ? to : "") : null)
        .hint(hint)), overview.checksum(), overview.fileTransferSize(), maxUnknownSizeDownload, transport,
        listener);
  }

  @Override
  public void confirmDownload(UUID fileTransferId) {
    Set<String> scopes = guard.scopes(Role.RECIPIENT, "confirmDownload");
    Objects.requireNonNull(fileTransferId, "fileTransferId");
    Call call = Call.of("POST", codec.url("filetransfer", fileTransferId.toString(), "confirmdownload"), scopes,
        true).hint(AccessHints.forCall(null, null, fileTransferId));
    try {
      transport.execute(call).close();
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

  // ---------------------------------------------------------------------------------------------- plumbing

  @Override
  public void close() {
    options.close();
  }

  @Override
  public String toString() {
    return "BrokerClient{baseUrl=" + baseUrl() + ", roles=" + guard.roles() + ", subscriptionKey="
        + options.subscriptionKeyShown() + ", retryPolicy=" + transport.retryPolicy() + "}";
  }

  /** @return the shared settings (for tests of pool ownership) */
  ClientOptions options() {
    return options;
  }

  /** @return this client's own settings (for tests) */
  Builder settings() {
    return settings;
  }

  private UUID readFileTransferId(Call call) {
    try (Response r = transport.execute(call)) {
      return BrokerCodec.fileTransferId(transport, r, call);
    }
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
}
