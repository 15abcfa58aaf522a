package no.brokerclient.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;
import no.brokerclient.ProgressListener;
import no.brokerclient.ProgressListenerException;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * Streams bytes to the server in 64 KiB chunks; never holds more than one chunk. Two kinds: a whole stream
 * ({@link #UploadBody the constructor}: a streamed upload, whose declared length must be exactly the stream's,
 * optionally hashed on a thread of its own with {@link PipelinedMd5}) and a region of a file ({@link #fileRegion}:
 * one TUS chunk, read from the file again on each {@link #writeTo}, so a chunk of any size takes constant memory).
 * Each chunk is written, then reported: progress never exceeds the declared length. Internal.
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
  private final MediaType type;
  private final boolean hash;
  /** Whether the body is the first {@code length} bytes of the source (a file region) rather than all of it. */
  private final boolean region;
  /** Told the bytes sent so far after each chunk; may throw {@link ProgressListenerException}. */
  private final LongConsumer sentSoFar;
  private volatile long sent;
  private volatile String md5;

  /**
   * A whole stream as the body.
   *
   * @param source opens the bytes
   * @param length byte count, or -1 for unknown (sent chunked)
   * @param oneShot whether {@code source} can be opened only once
   * @param listener progress
   * @param hash whether to compute the MD5 of the bytes sent ({@code false} when the caller already has it)
   */
  public UploadBody(Source source, long length, boolean oneShot, ProgressListener listener, boolean hash) {
    this(source, length, oneShot, OCTET_STREAM, hash, false, done -> Progress.report(listener, done, length));
  }

  private UploadBody(Source source, long length, boolean oneShot, MediaType type, boolean hash, boolean region,
      LongConsumer sentSoFar) {
    this.source = source;
    this.length = length;
    this.oneShot = oneShot;
    this.type = type;
    this.hash = hash;
    this.region = region;
    this.sentSoFar = sentSoFar;
  }

  /**
   * A region of a file as the body, read with a channel positioned at {@code start}; repeatable.
   *
   * @param file the file
   * @param start the region's first byte
   * @param length the region's length
   * @param type the Content-Type
   * @param position told the file position after each chunk; may throw {@link ProgressListenerException}
   * @return the body
   */
  public static UploadBody fileRegion(Path file, long start, long length, MediaType type, LongConsumer position) {
    Source region = () -> {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      try {
        return Channels.newInputStream(ch.position(start));
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    };
    return new UploadBody(region, length, false, type, false, true, done -> position.accept(start + done));
  }

  @Override
  public MediaType contentType() {
    return type;
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
    PipelinedMd5 digest = hash ? new PipelinedMd5() : null;
    byte[] buf = new byte[CHUNK];
    long done = 0;
    try (InputStream in = source.open()) {
      while (true) {
        int want = region ? (int) Math.min(CHUNK, length - done) : CHUNK;
        int n = want == 0 ? -1 : in.read(buf, 0, want);
        if (n == -1) {
          break;
        }
        if (length >= 0 && done + n > length) {
          throw new IOException("the stream has more bytes than the declared length " + length);
        }
        sink.write(buf, 0, n);
        done += n;
        sent = done;
        try {
          if (digest != null) {
            digest.update(buf, 0, n);
          }
          sentSoFar.accept(done);
        } catch (RuntimeException e) {
          // A progress listener's abort, an interrupt or a failed hash. An IOException, so that OkHttp discards
          // the half-written connection; Interruptible rethrows e.
          throw new Interruptible.CallbackAbort(e);
        }
      }
      if (length >= 0 && done != length) {
        throw new IOException("the " + (region ? "file" : "stream") + " ended after " + done + " bytes but the"
            + " declared length is " + length + (region ? " (the file shrank while it was sent)" : ""));
      }
      try {
        md5 = digest == null ? null : digest.hex();
      } catch (RuntimeException e) {
        throw new Interruptible.CallbackAbort(e);
      }
    } finally {
      if (digest != null) {
        digest.close();
      }
    }
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
