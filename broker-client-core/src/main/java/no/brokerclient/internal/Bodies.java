package no.brokerclient.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import okhttp3.ResponseBody;

/**
 * Bounded reading of response bodies that are not file transfers (JSON answers, error bodies, tokens). Bytes are
 * counted after OkHttp's transparent gzip decoding, while reading, so a small compressed body that expands without
 * bound fails before it is buffered. Internal.
 */
public final class Bodies {
  private Bodies() {}

  /** A body was larger than the limit for its endpoint; nothing past the limit was read. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    TooLargeException(long limit, String what) {
      super("the response body is larger than " + limit + " bytes" + what);
      this.limit = limit;
    }

    /** @return the limit that was exceeded, in bytes */
    public long limit() {
      return limit;
    }
  }

  /**
   * @param e a failure while reading a bounded body, possibly wrapped by the JSON parser
   * @return the {@link TooLargeException} in its cause chain, or {@code null}
   */
  public static TooLargeException tooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TooLargeException tl) {
        return tl;
      }
    }
    return null;
  }

  /**
   * A stream over the (decoded) body that throws {@link TooLargeException} as soon as it would deliver more than
   * {@code limit} bytes. Fails at once when a declared {@code Content-Length} is already larger.
   *
   * @param body the body
   * @param limit the most bytes accepted
   * @return the bounded stream; closing it closes the body
   * @throws TooLargeException when the declared length exceeds the limit
   */
  public static InputStream bounded(ResponseBody body, long limit) throws TooLargeException {
    long declared = body.contentLength();
    if (declared > limit) {
      throw new TooLargeException(limit, " (Content-Length " + declared + ")");
    }
    return new Limited(body.byteStream(), limit);
  }

  /**
   * Reads a whole body as UTF-8 text, failing past the limit.
   *
   * @param body the body
   * @param limit the most bytes accepted
   * @return the text
   * @throws TooLargeException past the limit
   * @throws IOException on a read failure
   */
  public static String text(ResponseBody body, int limit) throws IOException {
    try (InputStream in = bounded(body, limit)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Reads at most {@code limit} bytes of a body as UTF-8 text and ignores the rest (for error bodies, which are
   * only quoted).
   *
   * @param body the body
   * @param limit the most bytes read
   * @return the text, possibly cut
   * @throws IOException on a read failure
   */
  public static String prefix(ResponseBody body, int limit) throws IOException {
    try (InputStream in = body.byteStream()) {
      return new String(in.readNBytes(limit), StandardCharsets.UTF_8);
    }
  }

  /**
   * The single-byte {@link InputStream#read()} of a stream whose bulk read does the work (bounds, hashing,
   * resuming), so that both paths share it.
   *
   * @param in the stream
   * @return the next byte (0 to 255), or -1 at the end
   * @throws IOException as the stream's {@code read(byte[], int, int)}
   */
  static int readOne(InputStream in) throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = in.read(one, 0, 1);
    } while (n == 0);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  /** Counts delivered bytes and refuses to deliver more than the limit. */
  private static final class Limited extends FilterInputStream {
    private final long limit;
    private long left;

    Limited(InputStream in, long limit) {
      super(in);
      this.limit = limit;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      return readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (left == 0) {
        if (in.read() == -1) {
          return -1;
        }
        throw new TooLargeException(limit, "");
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, left));
      left -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), left);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
