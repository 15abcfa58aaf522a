package no.brokerclient;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.internal.ClientOptions;
import no.brokerclient.internal.HttpClients;
import no.brokerclient.internal.Sleeper;
import no.brokerclient.internal.TusUpload;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferDetails;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.UploadResult;
import okhttp3.OkHttpClient;

/**
 * The Altinn 3 Broker v1 API: send, find, download and confirm files, and ({@link #serviceOwner()}) configure Broker
 * resources as a service owner. Every transfer streams in constant memory and is checked with MD5.
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
 * <h2>An interface</h2>
 * {@link #builder()} returns the SDK's implementation (a package-private final class). The type is an interface so
 * that tests can mock or implement it (a fake, a {@link java.lang.reflect.Proxy}) and so that Spring can proxy it
 * ({@code @Lazy}, AOP), as openai-java does; the convenience overloads are {@code default} methods over the full
 * ones. Implementations outside the SDK are for tests: methods may be added to this interface (with defaults
 * where possible) before 1.0.
 *
 * <h2>Sharing and closing</h2>
 * A client is immutable and thread-safe: build one per configuration and share it. {@link #close()} releases the
 * connection pool and threads of the OkHttp client it created; a caller-supplied {@link OkHttpClient} is never
 * closed. {@link #newBuilder()} derives a client with other settings (roles, timeouts, tokens…) that shares this
 * one's connection pool and dispatcher: each client holds a use of the pool, and the pool is released when the last
 * client using it closes, so closing a derived client never breaks its parent, nor the parent a derived one.
 *
 * <h2>Tokens and roles</h2>
 * Before every HTTP attempt the client asks its {@link AccessTokenProvider} for a token with the scope set the
 * operation needs: {@link Role#SENDER} for send, initialize and upload, {@link Role#RECIPIENT} for download and
 * confirm, either for overview, details, search and {@link #awaitStatus} (the sender set when the client has both),
 * {@link Role#SERVICE_OWNER} for the {@link #serviceOwner()} calls. Calling an operation whose role was not
 * configured throws {@link IllegalStateException} naming the role and {@code roles(Role.…)}, before any I/O. A 401
 * without a body (token rejected) makes the client invalidate the token and retry once.
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
 *
 * <p>This file is longer than the SDK's other files because it is the client's whole public surface, nearly all
 * Javadoc: the operations and their {@link Builder} (which must stay nested so {@code BrokerClient.Builder} keeps
 * compiling). The implementation is elsewhere.
 */
public interface BrokerClient extends AutoCloseable {
  /** Largest file accepted by {@link #initializeAndUpload}: Broker caps multipart bodies at 2^31-1 bytes. */
  long MAX_MULTIPART_FILE_SIZE = Integer.MAX_VALUE - 1024 * 1024L;
  /** Default of {@link Builder#maxUnknownSizeDownload}: 256 MiB. */
  long DEFAULT_MAX_UNKNOWN_SIZE_DOWNLOAD = 256L << 20;
  /** The most byte ranges {@link Builder#downloadRanges} allows: 16. */
  int MAX_DOWNLOAD_RANGES = 16;
  /** Default {@link Builder#tusThreshold}: 64 MiB. */
  long DEFAULT_TUS_THRESHOLD = 64L << 20;
  /** Default {@link Builder#tusChunkSize}: 8 MiB. */
  long DEFAULT_TUS_CHUNK_SIZE = 8L << 20;
  /** Default {@link Builder#tusParallelParts}: 4. */
  int DEFAULT_TUS_PARALLEL_PARTS = 4;
  /** Default {@link Builder#tusFinalizeTimeout}: 1 hour. */
  Duration DEFAULT_TUS_FINALIZE_TIMEOUT = Duration.ofHours(1);

  /** @return a new builder */
  static Builder builder() {
    return new Builder();
  }

  /**
   * A builder preloaded with this client's settings, whose {@link Builder#build()} shares this client's connection
   * pool and dispatcher (unless given another {@link Builder#httpClient}). The derived client holds its own use of
   * the pool: closing it leaves this client working, and closing this client leaves the derived one working; the
   * pool the SDK created is released when the last of them closes.
   *
   * @return the builder
   * @throws IllegalStateException when this client is closed
   */
  Builder newBuilder();

  /** @return the platform base URL this client calls */
  String baseUrl();

  /** @return the roles this client was configured with */
  Set<Role> roles();

  /**
   * The service-owner calls (resource settings, registration, statistics), which need {@link Role#SERVICE_OWNER}.
   *
   * @return a view of this client; closing the client closes it
   */
  ServiceOwnerOperations serviceOwner();

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
  UUID initialize(FileTransferInitialize request);

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
  default UploadResult upload(UUID fileTransferId, Path file) {
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
  default UploadResult upload(UUID fileTransferId, Path file, ProgressListener listener) {
    return upload(fileTransferId, file, listener, UploadMode.AUTO);
  }

  /**
   * Uploads a file in the given mode. With TUS ({@link UploadMode#TUS}, {@link UploadMode#TUS_PARALLEL}, or
   * {@link UploadMode#AUTO} at or above the threshold) the file goes in chunks of {@link Builder#tusChunkSize}
   * (raised to {@code ⌈size / 50,000⌉}, Broker's block limit); a broken chunk resumes from the server's offset, and
   * after the last one this waits (up to {@link Builder#tusFinalizeTimeout}, default an hour) for Broker's
   * asynchronous check of the initialize checksum, i.e. until the transfer is {@code UploadProcessing} or later.
   * The file must not change while it is sent. A deployment without TUS gets the
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
  UploadResult upload(UUID fileTransferId, Path file, ProgressListener listener, UploadMode mode);

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
  UploadResult upload(UUID fileTransferId, InputStream data, long length, ProgressListener listener);

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
  UploadResult resumeUpload(UUID fileTransferId, Path file, ProgressListener listener);

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
  UUID initializeAndUpload(FileTransferInitialize request, Path file, ProgressListener listener);

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
  FileTransferOverview send(FileTransferInitialize request, Path file, SendOptions options);

  /**
   * Sends a file without waiting; see {@link #send(FileTransferInitialize, Path, SendOptions)}.
   *
   * @param request the metadata
   * @param file the file
   * @return the overview after the upload
   */
  default FileTransferOverview send(FileTransferInitialize request, Path file) {
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
  List<FileTransferOverview> findInitialized(FileTransferInitialize request, Instant since);

  // ---------------------------------------------------------------------------------------------- reading

  /**
   * Reads a transfer's overview ({@code GET /broker/api/v1/filetransfer/{id}}). Broker allows 120 a minute.
   *
   * @param fileTransferId the transfer
   * @return the overview
   * @throws BrokerNotFoundException (404 {@code BRO-00001}) for an unknown id
   */
  FileTransferOverview getOverview(UUID fileTransferId);

  /**
   * Reads a transfer with its full status history ({@code .../{id}/details}). Broker allows only about 10 a
   * minute: poll with {@link #getOverview} instead. Its answer may be 16 times {@link
   * Builder#maxResponseSize} (16 MiB by default).
   *
   * @param fileTransferId the transfer
   * @return the details
   */
  FileTransferDetails getDetails(UUID fileTransferId);

  /**
   * Searches transfers the caller takes part in ({@code GET /broker/api/v1/filetransfer}). Returns at most
   * {@value FileTransferSearch#MAX_RESULTS} ids, newest first unless {@code orderAscending}; use {@link
   * #searchAll} to go past that. Broker allows about 10 searches a minute.
   *
   * @param search the filters
   * @return up to 100 ids
   */
  List<UUID> search(FileTransferSearch search);

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
  Stream<UUID> searchAll(FileTransferSearch search);

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
  FileTransferOverview awaitStatus(UUID fileTransferId, FileTransferStatus target, Duration timeout);

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
  default DownloadResult download(UUID fileTransferId, Path target, ProgressListener listener) {
    return download(fileTransferId, target, 0, listener);
  }

  /**
   * Like {@link #download(UUID, Path, ProgressListener)} with {@code ranges} byte ranges at once instead of {@link
   * Builder#downloadRanges}'s number: each range on a connection and thread of its own, written into a
   * preallocated partial file, resuming on its own after a break; the MD5 is checked over the whole file. Ranges are
   * used only when the overview declares the size, each at least 1 MiB; a server that answers a range with the whole
   * file gets one stream.
   *
   * @param fileTransferId the transfer, {@code Published}
   * @param target the file to create or replace; its directory must exist
   * @param ranges 1 (one stream) to {@link #MAX_DOWNLOAD_RANGES}, or 0 for the builder's {@link
   *     Builder#downloadRanges} (default 1)
   * @param listener progress (called from the range threads, one call at a time, when {@code ranges} is above 1)
   * @return what was written and whether the checksum was verified
   * @throws BrokerValidationException if {@code ranges} is out of range (before any network call)
   * @throws ChecksumMismatchException if the bytes do not match (nothing is written to {@code target})
   * @throws BrokerInterruptedException if the thread was interrupted (every range stops; no file at the target)
   */
  DownloadResult download(UUID fileTransferId, Path target, int ranges, ProgressListener listener);

  /**
   * Like {@link #download(UUID, Path, ProgressListener)} without progress.
   *
   * @param fileTransferId the transfer
   * @param target the file to create or replace
   * @return what was written
   */
  default DownloadResult download(UUID fileTransferId, Path target) {
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
  FileTransferDownload openDownload(UUID fileTransferId, ProgressListener listener);

  /**
   * Like {@link #openDownload(UUID, ProgressListener)} without progress.
   *
   * @param fileTransferId the transfer
   * @return the stream; close it
   */
  default FileTransferDownload openDownload(UUID fileTransferId) {
    return openDownload(fileTransferId, ProgressListener.NONE);
  }

  /**
   * Confirms that this recipient has downloaded the transfer ({@code POST .../{id}/confirmdownload}); download
   * first (Broker answers 400 {@code BRO-00019} otherwise). Safe to repeat: a repeat after every recipient
   * confirmed (400 {@code BRO-00010} while the transfer is {@code AllConfirmedDownloaded}) counts as success.
   *
   * @param fileTransferId the transfer
   */
  void confirmDownload(UUID fileTransferId);

  // ---------------------------------------------------------------------------------------------- plumbing

  /**
   * Gives up this client's use of its connection pool; the last client using a pool the SDK created (this one and
   * those from {@link #newBuilder()}) shuts it down. A caller-supplied {@link OkHttpClient} is never closed. Calls
   * after close throw {@link IllegalStateException}. Idempotent.
   */
  @Override
  void close();

  /**
   * Builds a {@link BrokerClient}. Required: {@link #environment} or {@link #baseUrl}, {@link
   * #accessTokenProvider} and at least one {@link #roles role}. The rules shared with the SDK's other clients
   * (URL, https, durations, key, User-Agent, HTTP client) are decided in one place for all of them. Not
   * thread-safe; {@link #build()} may be called more than once.
   */
  final class Builder {
    private static final HttpClients.Timeouts DEFAULT_TIMEOUTS =
        new HttpClients.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ofSeconds(60));

    ClientOptions.Builder options = new ClientOptions.Builder("baseUrl", DEFAULT_TIMEOUTS);
    final Set<Role> roles = EnumSet.noneOf(Role.class);
    long maxUnknownSizeDownload = DEFAULT_MAX_UNKNOWN_SIZE_DOWNLOAD;
    int downloadRanges = 1;
    long tusThreshold = DEFAULT_TUS_THRESHOLD;
    long tusChunkSize = DEFAULT_TUS_CHUNK_SIZE;
    int tusParallelParts = DEFAULT_TUS_PARALLEL_PARTS;
    Duration tusFinalizeTimeout = DEFAULT_TUS_FINALIZE_TIMEOUT;
    UploadCheckpointStore checkpoints = UploadCheckpointStore.besideFile();

    private Builder() {}

    /** @return an independent copy of these settings */
    private Builder copy() {
      Builder c = new Builder();
      c.options = options.copy();
      c.roles.addAll(roles);
      c.maxUnknownSizeDownload = maxUnknownSizeDownload;
      c.downloadRanges = downloadRanges;
      c.tusThreshold = tusThreshold;
      c.tusChunkSize = tusChunkSize;
      c.tusParallelParts = tusParallelParts;
      c.tusFinalizeTimeout = tusFinalizeTimeout;
      c.checkpoints = checkpoints;
      return c;
    }

    /** @return a copy of these settings whose build shares the pool of the client built with {@code built} */
    Builder derive(ClientOptions built) {
      Builder c = copy();
      c.options = built.toBuilder();
      return c;
    }

    /**
     * @param environment {@link AltinnEnvironment#TT02} or {@link AltinnEnvironment#PRODUCTION}; conflicts with
     *     {@link #baseUrl}
     * @return this builder
     */
    public Builder environment(AltinnEnvironment environment) {
      options.environment(environment);
      return this;
    }

    /**
     * A custom platform base URL, for local fakes and reverse proxies: {@code https://…}, or {@code http://} on
     * a loopback address only; no query or fragment. Conflicts with {@link #environment}.
     *
     * @param baseUrl e.g. {@code http://127.0.0.1:8080}
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      options.url(baseUrl);
      return this;
    }

    /**
     * @param key the APIM subscription key, sent as {@code Ocp-Apim-Subscription-Key} on every request. Optional
     *     (Altinn's gateway no longer requires it everywhere); not blank; never logged or shown in {@code
     *     toString()}.
     * @return this builder
     */
    public Builder subscriptionKey(String key) {
      options.subscriptionKey(key);
      return this;
    }

    /**
     * @param provider supplies tokens per scope set. Required.
     * @return this builder
     */
    public Builder accessTokenProvider(AccessTokenProvider provider) {
      options.tokens(provider);
      return this;
    }

    /**
     * @param roles what the client may do; at least one required. Each role's scope set must be registered on the
     *     Maskinporten client. Replaces the roles set before.
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
     *     the SDK's own (or, from {@link BrokerClient#newBuilder()}, the parent's). The SDK derives a client from it
     *     with {@code newBuilder()}, never closes it, and turns off in the derived client OkHttp's silent
     *     connection-failure retries (they could repeat a non-idempotent initialize) and redirect following (a
     *     redirect would carry the subscription key or the upload to another origin; a 3xx becomes {@link
     *     BrokerRedirectException}).
     * @return this builder
     */
    public Builder httpClient(OkHttpClient client) {
      options.httpClient(client);
      return this;
    }

    /**
     * @param timeout positive; default 10 s (or the supplied client's)
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      options.connectTimeout(timeout);
      return this;
    }

    /**
     * @param timeout longest silence while reading a response, including the wait for Broker to commit an upload;
     *     positive; default 120 s (or the supplied client's)
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      options.readTimeout(timeout);
      return this;
    }

    /**
     * @param timeout longest stall while sending; positive; default 60 s (or the supplied client's)
     * @return this builder
     */
    public Builder writeTimeout(Duration timeout) {
      options.writeTimeout(timeout);
      return this;
    }

    /**
     * @param bytes the largest JSON answer accepted (overview, search, initialize, resource, service owner),
     *     counted after gzip decoding while reading; larger answers fail with {@link
     *     BrokerInvalidResponseException} before they are buffered. {@link BrokerClient#getDetails} accepts 16
     *     times as much. At least 1024; default 1 MiB (1,048,576); downloads and the statistics CSV are streams and
     *     not limited by it.
     * @return this builder
     */
    public Builder maxResponseSize(long bytes) {
      options.maxResponseSize(bytes);
      return this;
    }

    /**
     * @param policy retries; default {@link RetryPolicy#DEFAULT}
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      options.retryPolicy(policy);
      return this;
    }

    /**
     * @param listener receives every HTTP attempt, retry and completed transfer (see {@link TelemetryListener}); a
     *     listener that throws never breaks a call. Default {@link TelemetryListener#NONE}
     * @return this builder
     */
    public Builder telemetry(TelemetryListener listener) {
      options.telemetry(listener);
      return this;
    }

    /**
     * @param suffix appended to the SDK's User-Agent ({@code broker-client-java/<version> Java/<version>}), e.g.
     *     your system's name and version; printable ASCII; default none
     * @return this builder
     */
    public Builder userAgent(String suffix) {
      options.userAgent(suffix);
      return this;
    }

    /**
     * The clock {@link BrokerClient#awaitStatus} measures its timeout with and {@code Retry-After} dates are read
     * against; for tests (e.g. the fake's clock).
     *
     * @param clock default {@link Clock#systemUTC()}
     * @return this builder
     */
    public Builder clock(Clock clock) {
      options.clock(clock);
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      options.sleeper(sleeper);
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

    /**
     * How many byte ranges {@link BrokerClient#download(UUID, Path, ProgressListener)} fetches at once, each on a
     * connection and thread of its own, into a preallocated partial file; each range resumes on its own after a
     * break, and the MD5 is checked over the whole file as with one stream. One TCP stream over a WAN is
     * window-bound: for files of a gigabyte and more, 4 is a good start. The file is cut into this many equal
     * ranges (each at least 1 MiB, so small files use fewer), so a download costs that many requests plus one per
     * resume whatever its size, well within Broker's 120 downloads a minute. Used only when the overview declares
     * the size; {@link BrokerClient#openDownload} is always one stream.
     *
     * @param ranges 1 to {@link BrokerClient#MAX_DOWNLOAD_RANGES}; default 1 (one stream)
     * @return this builder
     */
    public Builder downloadRanges(int ranges) {
      if (ranges < 1 || ranges > MAX_DOWNLOAD_RANGES) {
        throw new IllegalArgumentException("downloadRanges must be 1 to " + MAX_DOWNLOAD_RANGES + ", got " + ranges);
      }
      this.downloadRanges = ranges;
      return this;
    }

    /**
     * Files of at least this size are uploaded with TUS in {@link UploadMode#AUTO} (by {@link BrokerClient#send}
     * and the {@code Path} upload methods); smaller files and streams use the streamed POST.
     *
     * @param bytes positive; default {@link BrokerClient#DEFAULT_TUS_THRESHOLD} (64 MiB); {@link Long#MAX_VALUE}
     *     for never
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
     * @param bytes positive and below 2 GiB; default {@link BrokerClient#DEFAULT_TUS_CHUNK_SIZE} (8 MiB)
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
     * @param parts 1 to 64; default {@link BrokerClient#DEFAULT_TUS_PARALLEL_PARTS} (4); 1 makes AUTO upload
     *     sequentially
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
     * How long a TUS upload waits, after its last byte, for Broker's asynchronous finalize (the check of the
     * initialize checksum): until the transfer is {@code UploadProcessing} or later. Past it the upload fails with
     * {@link BrokerTimeoutException}; the bytes are on the server, so {@link BrokerClient#awaitStatus} can wait on.
     *
     * @param timeout positive; default {@link BrokerClient#DEFAULT_TUS_FINALIZE_TIMEOUT} (1 hour)
     * @return this builder
     */
    public Builder tusFinalizeTimeout(Duration timeout) {
      this.tusFinalizeTimeout = ClientOptions.positive("tusFinalizeTimeout", timeout);
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
     * @throws IllegalStateException if a required setting is missing or two settings conflict, or (from {@link
     *     BrokerClient#newBuilder()}) every client sharing the pool is closed
     */
    public BrokerClient build() {
      options.checkedUrl();
      if (options.tokens() == null) {
        throw new IllegalStateException("accessTokenProvider(...) is required (the Maskinporten provider, or"
            + " AccessTokenProvider.fixed(token) for tests)");
      }
      if (roles.isEmpty()) {
        throw new IllegalStateException("roles(...) is required: SENDER, RECIPIENT and/or SERVICE_OWNER, matching"
            + " the scopes registered on your Maskinporten client");
      }
      Builder snapshot = copy();
      return new DefaultBrokerClient(snapshot, options.build());
    }
  }
}
