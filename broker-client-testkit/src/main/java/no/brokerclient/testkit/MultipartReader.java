package no.brokerclient.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads multipart/form-data as a stream, one part at a time, with a fixed 64 KiB buffer. */
final class MultipartReader {
  private static final Pattern NAME = Pattern.compile("\\bname=\"([^\"]*)\"");
  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
  private final InputStream in;
  private final byte[] delim;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int lim;
  private boolean eof;
  private boolean finished;
  private PartStream current;

  /** One part: its form name and a stream of its bytes (valid until the next call to {@link #next()}). */
  record Part(String name, InputStream body) {
    String text() throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] b = new byte[8192];
      int n;
      while ((n = body.read(b)) != -1) {
        out.write(b, 0, n);
        if (out.size() > 1 << 20) {
          throw new IOException("form field too large");
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * @return a reader of the request body, or {@code null} when the request is not {@code multipart/form-data} with
   *     a boundary
   */
  static MultipartReader open(com.sun.net.httpserver.HttpExchange ex) {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    Matcher bm = type == null ? null : BOUNDARY.matcher(type);
    if (type == null || !type.startsWith("multipart/form-data") || !bm.find()) {
      return null;
    }
    return new MultipartReader(ex.getRequestBody(), bm.group(1));
  }

  MultipartReader(InputStream in, String boundary) {
    this.in = in;
    this.delim = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    buf[0] = '\r';
    buf[1] = '\n';
    lim = 2; // lets the first boundary match the same delimiter
  }

  Part next() throws IOException {
    if (finished) {
      return null;
    }
    PartStream skip = current != null ? current : new PartStream();
    skip.skip(Long.MAX_VALUE);
    int a = read1();
    int b = read1();
    if (a == '-' && b == '-') {
      finished = true;
      return null;
    }
    if (a != '\r' || b != '\n') {
      throw new IOException("malformed multipart boundary");
    }
    String name = null;
    String line;
    while (!(line = line()).isEmpty()) {
      if (line.regionMatches(true, 0, "Content-Disposition:", 0, 20)) {
        Matcher m = NAME.matcher(line);
        name = m.find() ? m.group(1) : null;
      }
    }
    if (name == null) {
      throw new IOException("multipart part without a name");
    }
    current = new PartStream();
    return new Part(name, current);
  }

  private String line() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int c;
    while ((c = read1()) != -1) {
      if (c == '\r') {
        int d = read1();
        if (d == '\n') {
          return out.toString(StandardCharsets.UTF_8);
        }
        out.write(c);
        c = d;
      }
      out.write(c);
      if (out.size() > 8192) {
        throw new IOException("multipart header line too long");
      }
    }
    throw new EOFException("multipart ended inside headers");
  }

  private int read1() throws IOException {
    if (pos == lim) {
      fill();
    }
    return pos == lim ? -1 : buf[pos++] & 0xff;
  }

  private void fill() throws IOException {
    if (eof) {
      return;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      pos = 0;
    }
    int n = in.read(buf, lim, buf.length - lim);
    if (n < 0) {
      eof = true;
    } else {
      lim += n;
    }
  }

  private int indexOfDelim() {
    outer:
    for (int i = pos; i <= lim - delim.length; i++) {
      for (int j = 0; j < delim.length; j++) {
        if (buf[i + j] != delim[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The bytes of one part, up to the next delimiter. */
  private final class PartStream extends InputStream {
    private boolean done;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      while (true) {
        if (lim - pos < delim.length && !eof) {
          fill();
          continue;
        }
        int idx = indexOfDelim();
        if (idx == pos) {
          pos += delim.length;
          done = true;
          return -1;
        }
        if (idx > pos) {
          int n = Math.min(len, idx - pos);
          System.arraycopy(buf, pos, b, off, n);
          pos += n;
          return n;
        }
        int safe = lim - pos - (delim.length - 1);
        if (safe > 0) {
          int n = Math.min(len, safe);
          System.arraycopy(buf, pos, b, off, n);
          pos += n;
          return n;
        }
        if (eof) {
          throw new EOFException("multipart body ended without a closing boundary");
        }
        fill();
      }
    }
  }
}
