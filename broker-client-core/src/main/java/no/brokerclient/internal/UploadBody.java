package no.brokerclient.internal;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import no.brokerclient.ProgressListener;
import no.brokerclient.ProgressListenerException;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * Streams file bytes to the server in 64 KiB chunks, reporting progress and, unless the caller already knows it,
 * computing their MD5; never holds more than one chunk. Progress is reported after a chunk is checked against the
 * declared length and written, so it never exceeds that length. Internal.
 */
public final class UploadBody extends RequestBody {
  /** {@code application/octet-stream}. */
  public static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
  private static final int CHUNK = 64 * 1024;

  /** Opens the bytes to send. */
  @FunctionalInterface
  public interface Source {
    /**
     * @return a new stream positioned at the first byte
     * @throws IOException if it cannot be opened
     */
    InputStream open() throws IOException;
  }

  private final Source source;
  private final long length;
  private final boolean oneShot;
  private final ProgressListener listener;
  private final boolean hash;
  private volatile long sent;
  private volatile String md5;

  /**
   * @param source opens the bytes
   * @param length byte count, or -1 for unknown (sent chunked)
   * @param oneShot whether {@code source} can be opened only once
   * @param listener progress
   * @param hash whether to compute the MD5 of the bytes sent ({@code false} when the caller already has it)
   */
  public UploadBody(Source source, long length, boolean oneShot, ProgressListener listener, boolean hash) {
    this.source = source;
    this.length = length;
    this.oneShot = oneShot;
    this.listener = listener;
    this.hash = hash;
  }

  @Override
  public MediaType contentType() {
    return OCTET_STREAM;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public boolean isOneShot() {
    return oneShot;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    MessageDigest digest = hash ? Hex.md5() : null;
    byte[] buf = new byte[CHUNK];
    long done = 0;
    try (InputStream in = source.open()) {
      int n;
      while ((n = in.read(buf)) != -1) {
        if (length >= 0 && done + n > length) {
          throw new IOException("the stream has more bytes than the declared length " + length);
        }
        sink.write(buf, 0, n);
        if (digest != null) {
          digest.update(buf, 0, n);
        }
        done += n;
        sent = done;
        try {
          Progress.report(listener, done, length);
        } catch (ProgressListenerException e) {
          // An IOException, so that OkHttp discards the half-written connection; Interruptible rethrows e.
          throw new Interruptible.CallbackAbort(e);
        }
      }
    }
    if (length >= 0 && done != length) {
      throw new IOException("the stream ended after " + done + " bytes but its declared length is " + length);
    }
    md5 = digest == null ? null : Hex.hex(digest.digest());
  }

  /** @return bytes written by the last {@link #writeTo} */
  public long sent() {
    return sent;
  }

  /** @return MD5 of the bytes written, once {@link #writeTo} completed with hashing on; else {@code null} */
  public String md5() {
    return md5;
  }
}
