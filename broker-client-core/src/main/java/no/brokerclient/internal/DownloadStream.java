package no.brokerclient.internal;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.function.LongConsumer;
import no.brokerclient.BrokerIOException;
import no.brokerclient.ChecksumMismatchException;
import no.brokerclient.DownloadSizeException;
import no.brokerclient.ProgressListener;
import no.brokerclient.ProgressListenerException;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of a file transfer, hashed as they are read. When the connection breaks, it reopens the download with
 * {@code Range: bytes=<position>-} (up to the retry policy's count) and carries on; at end of stream it checks the
 * size and MD5 against the overview and throws {@link ChecksumMismatchException} instead of returning -1 if they
 * differ. A declared size bounds the stream: a byte past it fails at once, before progress is reported or the
 * byte is returned. Without a declared size (0 or missing) the stream is bounded by the unknown-size limit and
 * fails with {@link DownloadSizeException} past it. A declared size Broker can never report (negative, or above
 * {@link DownloadSizeException#MAX_BROKER_FILE_SIZE}) is refused before any request. Not thread-safe (like any
 * InputStream). The MD5 is computed on a thread of its own ({@link PipelinedMd5}).
 *
 * <p>A <b>region</b> of the file ({@link #region}) is read the same way, without a hash: it asks for {@code Range:
 * bytes=<position>-<last>}, resumes from where it got to, and ends at the region's end; a server that ignores the
 * range (a {@code 200}) fails it with {@link RangeIgnoredException}. Internal.
 */
public final class DownloadStream extends InputStream {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadStream.class);

  /** Opens the download of bytes {@code from} to {@code to} (inclusive; -1 for the end of the file). */
  @FunctionalInterface
  public interface RangeOpener {
    /**
     * @param from the first byte
     * @param to the last byte, or -1 for the end of the file
     * @return a 2xx response (206 when a range was asked for and honoured)
     */
    Response open(long from, long to);
  }

  /** The server answered a ranged request with the whole file: a parallel download cannot use it. */
  public static final class RangeIgnoredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RangeIgnoredException(String message) {
      super(message);
    }
  }

  private final UUID id;
  private final RangeOpener opener;
  private final String expectedMd5;
  private final long expectedSize;
  private final int maxResumes;
  private final Transport transport;
  private final ProgressListener listener;
  private final long unknownSizeLimit;
  /** The end of the bytes this stream reads (exclusive): the declared size, or a region's end. */
  private final long end;
  private final boolean region;
  private final LongConsumer progress;
  private PipelinedMd5 digest;

  private Response response;
  private InputStream in;
  private long position;
  private int resumes;
  private boolean verified;
  private boolean closed;
  private String md5;

  /**
   * @param id the transfer
   * @param opener opens the download of a range (a 2xx response; 206 when a range was asked for and honoured)
   * @param expectedMd5 lower-case hex from the overview, or {@code null}/empty when unknown
   * @param expectedSize bytes from the overview, or 0 when unknown
   * @param unknownSizeLimit the most bytes read when {@code expectedSize} is unknown
   * @param transport for backoff between resumes
   * @param listener progress
   * @throws DownloadSizeException if {@code expectedSize} is negative or above what Broker can hold
   */
  public DownloadStream(UUID id, RangeOpener opener, String expectedMd5, long expectedSize,
      long unknownSizeLimit, Transport transport, ProgressListener listener) {
    if (expectedSize < 0 || expectedSize > DownloadSizeException.MAX_BROKER_FILE_SIZE) {
      throw new DownloadSizeException(id, "the overview declares fileTransferSize " + expectedSize + ", which"
          + " Broker never reports (valid: 0 to " + DownloadSizeException.MAX_BROKER_FILE_SIZE + " bytes)",
          DownloadSizeException.MAX_BROKER_FILE_SIZE);
    }
    this.unknownSizeLimit = unknownSizeLimit;
    this.id = id;
    this.opener = opener;
    this.expectedMd5 = expectedMd5 == null || expectedMd5.isBlank() ? null : expectedMd5.strip().toLowerCase();
    this.expectedSize = expectedSize;
    this.maxResumes = transport.retryPolicy().maxRetries();
    this.transport = transport;
    this.listener = listener;
    this.end = expectedSize;
    this.region = false;
    this.progress = pos -> Progress.report(listener, pos, expectedSize());
  }

  private DownloadStream(DownloadStream whole, long from, long end, LongConsumer progress) {
    this.id = whole.id;
    this.opener = whole.opener;
    this.expectedMd5 = null;
    this.expectedSize = whole.expectedSize;
    this.unknownSizeLimit = whole.unknownSizeLimit;
    this.maxResumes = whole.maxResumes;
    this.transport = whole.transport;
    this.listener = whole.listener;
    this.end = end;
    this.region = true;
    this.progress = progress;
    this.position = from;
  }

  /**
   * A stream of bytes {@code from} (inclusive) to {@code end} (exclusive) of the same download, not hashed, that
   * resumes on its own; reading it reports each new position (in the file) to {@code progress}.
   *
   * @param from the region's first byte
   * @param end the region's end, at most the declared size
   * @param progress told the position after each read; may throw {@link ProgressListenerException}
   * @return the unopened region stream
   */
  public DownloadStream region(long from, long end, LongConsumer progress) {
    if (expectedSize <= 0 || from < 0 || from >= end || end > expectedSize) {
      throw new IllegalArgumentException("no region " + from + "-" + end + " of " + expectedSize + " bytes");
    }
    return new DownloadStream(this, from, end, progress);
  }

  /** @return the listener this download reports to */
  ProgressListener listener() {
    return listener;
  }

  /**
   * Continues a download whose first {@code kept} bytes are already at hand (in a partial file): the next request
   * asks for {@code Range: bytes=<kept>-}. Call before {@link #open()}.
   *
   * @param kept bytes already at hand, fewer than the declared size
   * @param digestOfKept the MD5 state after those bytes
   * @return this
   */
  public DownloadStream resumeFrom(long kept, MessageDigest digestOfKept) {
    if (response != null || kept < 0 || (expectedSize > 0 && kept >= expectedSize)) {
      throw new IllegalStateException("cannot resume from " + kept);
    }
    this.position = kept;
    this.digest = new PipelinedMd5(digestOfKept);
    return this;
  }

  /** @return the declared size, or -1 when unknown */
  public long expectedSize() {
    return expectedSize > 0 ? expectedSize : -1;
  }

  /**
   * Opens the first response eagerly so that HTTP errors surface at once.
   *
   * @return this
   */
  public DownloadStream open() {
    connect();
    return this;
  }

  @Override
  public int read() throws IOException {
    return Bodies.readOne(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (len == 0) {
      return 0;
    }
    if (verified) {
      return -1;
    }
    while (true) {
      if (in == null) {
        connect();
      }
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        resume(e);
        continue;
      }
      if (n == -1) {
        if (end > 0 && position < end) {
          resume(new IOException("connection closed after " + position + " of " + end + " bytes"));
          continue;
        }
        verify();
        return -1;
      }
      if (end > 0 && position + n > end) {
        closeResponse();
        throw new ChecksumMismatchException(id, end + " bytes", "more than " + end + " bytes");
      }
      if (expectedSize == 0 && position + n > unknownSizeLimit) {
        closeResponse();
        throw new DownloadSizeException(id, "the overview declares no size, and the server sent more than the"
            + " limit for downloads of unknown size, " + unknownSizeLimit + " bytes (BrokerClient.Builder"
            + ".maxUnknownSizeDownload)", unknownSizeLimit);
      }
      position += n;
      try {
        if (!region) {
          digest().update(b, off, n);
        }
        progress.accept(position);
      } catch (RuntimeException e) {
        closeResponse();
        throw e;
      }
      return n;
    }
  }

  private void resume(IOException cause) {
    closeResponse();
    if (resumes >= maxResumes) {
      throw new BrokerIOException("download of file transfer " + id + " broke at byte " + position
          + " after " + resumes + " resumes", cause, true);
    }
    resumes++;
    LOG.info("Download of file transfer {} broke at byte {} ({}); resuming (retry {} of {})", id, position,
        cause.getClass().getSimpleName(), resumes, maxResumes);
    Transport.sleep(transport.sleeper(), transport.backoff(resumes));
  }

  private PipelinedMd5 digest() {
    if (digest == null) {
      digest = new PipelinedMd5();
    }
    return digest;
  }

  private void connect() {
    Response r = opener.open(position, region ? end - 1 : -1);
    try {
      InputStream stream = r.body().byteStream();
      if (region && r.code() != 206) {
        r.close();
        throw new RangeIgnoredException("the server answered a request for bytes " + position + "-" + (end - 1)
            + " with " + r.code() + " instead of 206");
      }
      if (position > 0 || region) {
        if (r.code() == 206) {
          String range = r.header("Content-Range", "");
          String asked = position + "-" + (region ? end - 1 : "");
          if (!range.startsWith("bytes " + asked + (region ? "/" : ""))) {
            r.close();
            throw new BrokerIOException("download of file transfer " + id + " could not resume",
                new IOException("server answered Range bytes=" + asked + " with Content-Range '" + range + "'"),
                true);
          }
        } else {
          // The server ignored the Range header: skip what we already have (already hashed).
          long toSkip = position;
          byte[] buf = new byte[64 * 1024];
          while (toSkip > 0) {
            int n = stream.read(buf, 0, (int) Math.min(buf.length, toSkip));
            if (n < 0) {
              throw new IOException("stream ended while skipping to resume position " + position);
            }
            toSkip -= n;
          }
        }
      }
      this.response = r;
      this.in = stream;
    } catch (IOException e) {
      r.close();
      resume(e);
      connect();
    }
  }

  private void verify() {
    closeResponse();
    if (region) {
      verified = true; // the caller hashes the whole file
      return;
    }
    md5 = digest().hex();
    if (expectedSize > 0 && position != expectedSize) {
      throw new ChecksumMismatchException(id, expectedSize + " bytes", position + " bytes");
    }
    if (expectedMd5 != null && !expectedMd5.equals(md5)) {
      throw new ChecksumMismatchException(id, "MD5 " + expectedMd5, "MD5 " + md5);
    }
    verified = true;
  }

  /** @return bytes read so far */
  public long position() {
    return position;
  }

  /** @return the MD5 of all bytes, once the stream reached its verified end; else {@code null} */
  public String md5() {
    return verified ? md5 : null;
  }

  /** @return whether an MD5 was known and matched */
  public boolean checksumVerified() {
    return verified && expectedMd5 != null;
  }

  private void closeResponse() {
    if (response != null) {
      response.close();
    }
    response = null;
    in = null;
  }

  @Override
  public void close() {
    closed = true;
    closeResponse();
    if (digest != null) {
      digest.close();
    }
  }
}
