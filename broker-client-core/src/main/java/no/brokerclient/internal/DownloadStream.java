package no.brokerclient.internal;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.function.LongFunction;
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
 * InputStream). Internal.
 */
public final class DownloadStream extends InputStream {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadStream.class);

  private final UUID id;
  private final LongFunction<Response> opener;
  private final String expectedMd5;
  private final long expectedSize;
  private final int maxResumes;
  private final Transport transport;
  private final ProgressListener listener;
  private final long unknownSizeLimit;
  private MessageDigest digest = Hex.md5();

  private Response response;
  private InputStream in;
  private long position;
  private int resumes;
  private boolean verified;
  private boolean closed;
  private String md5;

  /**
   * @param id the transfer
   * @param opener opens the download from an offset (a 2xx response; 206 when the offset is non-zero and honoured)
   * @param expectedMd5 lower-case hex from the overview, or {@code null}/empty when unknown
   * @param expectedSize bytes from the overview, or 0 when unknown
   * @param unknownSizeLimit the most bytes read when {@code expectedSize} is unknown
   * @param transport for backoff between resumes
   * @param listener progress
   * @throws DownloadSizeException if {@code expectedSize} is negative or above what Broker can hold
   */
  public DownloadStream(UUID id, LongFunction<Response> opener, String expectedMd5, long expectedSize,
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
    this.digest = digestOfKept;
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
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
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
        if (expectedSize > 0 && position < expectedSize) {
          resume(new IOException("connection closed after " + position + " of " + expectedSize + " bytes"));
          continue;
        }
        verify();
        return -1;
      }
      if (expectedSize > 0 && position + n > expectedSize) {
        closeResponse();
        throw new ChecksumMismatchException(id, expectedSize + " bytes", "more than " + expectedSize + " bytes");
      }
      if (expectedSize == 0 && position + n > unknownSizeLimit) {
        closeResponse();
        throw new DownloadSizeException(id, "the overview declares no size, and the server sent more than the"
            + " limit for downloads of unknown size, " + unknownSizeLimit + " bytes (BrokerClient.Builder"
            + ".maxUnknownSizeDownload)", unknownSizeLimit);
      }
      digest.update(b, off, n);
      position += n;
      try {
        Progress.report(listener, position, expectedSize());
      } catch (ProgressListenerException e) {
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

  private void connect() {
    Response r = opener.apply(position);
    try {
      InputStream stream = r.body().byteStream();
      if (position > 0) {
        if (r.code() == 206) {
          String range = r.header("Content-Range", "");
          if (!range.startsWith("bytes " + position + "-")) {
            r.close();
            throw new BrokerIOException("download of file transfer " + id + " could not resume",
                new IOException("server answered Range bytes=" + position + "- with Content-Range '" + range + "'"),
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
    md5 = Hex.hex(digest.digest());
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
  }
}
