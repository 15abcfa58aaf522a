package no.brokerclient.events;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 that {@link WebhookServer} speaks: reading one request head and its body (fixed length or chunked)
 * from a socket under a deadline, within fixed size limits, and writing a short {@code Connection: close} answer.
 * Only what a webhook receiver needs; anything else is refused with a status.
 */
final class Http1 {
  /** Longest request line or header line. */
  static final int MAX_LINE = 8 * 1024;
  /** Most bytes of header lines in one request. */
  static final int MAX_HEADER_BYTES = 32 * 1024;
  /** Most header lines in one request. */
  static final int MAX_HEADERS = 100;

  private Http1() {}

  /** A request the server refuses with {@code status}. */
  static final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    HttpError(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /**
   * A request line and its headers.
   *
   * @param method the method, e.g. {@code POST}
   * @param target the request target as sent (path and query)
   * @param headers header names in any case; values in arrival order
   */
  record Head(String method, String target, Map<String, List<String>> headers) {
    String header(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }
  }

  /**
   * A socket's input, buffered, where every read must finish before a deadline: each read's socket timeout is what
   * is left of it, so a peer that trickles bytes runs into the deadline as surely as one that sends nothing.
   */
  static final class Input extends InputStream {
    private final InputStream in;
    private final ReadTimeout timeout;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int lim;
    private long deadline;

    /** Sets how long the next read of the underlying stream may block, e.g. {@link Socket#setSoTimeout}. */
    @FunctionalInterface
    interface ReadTimeout {
      void set(int millis) throws IOException;
    }

    Input(Socket socket, long deadlineNanos) throws IOException {
      this(socket.getInputStream(), socket::setSoTimeout, deadlineNanos);
    }

    Input(InputStream in, ReadTimeout timeout, long deadlineNanos) {
      this.in = in;
      this.timeout = timeout;
      this.deadline = deadlineNanos;
    }

    /** @param deadlineNanos a {@link System#nanoTime()} by which every following read must finish */
    void deadline(long deadlineNanos) {
      this.deadline = deadlineNanos;
    }

    private boolean fill() throws IOException {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("deadline passed");
      }
      timeout.set((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left) + 1)));
      int n = in.read(buf);
      if (n <= 0) {
        return false;
      }
      pos = 0;
      lim = n;
      return true;
    }

    @Override
    public int read() throws IOException {
      if (pos == lim && !fill()) {
        return -1;
      }
      return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos == lim && !fill()) {
        return -1;
      }
      int n = Math.min(len, lim - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    /**
     * @return one line without its CRLF (or bare LF), ISO-8859-1
     * @throws HttpError 431 when longer than {@code max}
     * @throws EOFException when the peer closed before the line ended
     */
    String readLine(int max) throws IOException, HttpError {
      StringBuilder b = new StringBuilder();
      while (true) {
        int c = read();
        if (c < 0) {
          throw new EOFException("connection closed mid-line");
        }
        if (c == '\n') {
          int end = b.length();
          if (end > 0 && b.charAt(end - 1) == '\r') {
            b.setLength(end - 1);
          }
          return b.toString();
        }
        if (b.length() >= max) {
          throw new HttpError(431, "line over " + max + " bytes");
        }
        b.append((char) c);
      }
    }
  }

  /**
   * Reads the request line and headers.
   *
   * @throws HttpError for anything malformed, too large or not HTTP/1.x
   */
  static Head readHead(Input in) throws IOException, HttpError {
    String line = in.readLine(MAX_LINE);
    if (line.isEmpty()) {
      line = in.readLine(MAX_LINE); // RFC 9112 §2.2: one empty line before the request line is tolerated
    }
    String[] parts = line.split(" ", -1);
    if (parts.length != 3 || !isToken(parts[0]) || !parts[1].startsWith("/") || hasControl(parts[1])) {
      throw new HttpError(400, "malformed request line");
    }
    if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
      throw new HttpError(505, "HTTP/1.1 only");
    }
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    int bytes = 0;
    int count = 0;
    while (true) {
      String h = in.readLine(MAX_LINE);
      if (h.isEmpty()) {
        return new Head(parts[0], parts[1], headers);
      }
      bytes += h.length();
      if (++count > MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
        throw new HttpError(431, "request headers too large");
      }
      int colon = h.indexOf(':');
      if (colon <= 0 || !isToken(h.substring(0, colon)) || hasControl(h.replace('\t', ' '))) {
        throw new HttpError(400, "malformed header line"); // also obs-fold, whitespace before the colon, bare CR
      }
      headers.computeIfAbsent(h.substring(0, colon), k -> new ArrayList<>()).add(h.substring(colon + 1).strip());
    }
  }

  /** Control characters (CR and NUL included), which RFC 9110 does not allow in a target or a field value. */
  private static boolean hasControl(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean alnum = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
      if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The request body as framed by its headers: {@code Content-Length}, {@code Transfer-Encoding: chunked}, or none.
   * {@code beforeFirstRead} runs once before any byte is read (to answer {@code Expect: 100-continue} only when the
   * body is wanted), {@code atEnd} once when the body has been read to its end.
   *
   * @throws HttpError 400 for conflicting or malformed framing, 501 for a transfer coding other than chunked
   */
  static InputStream body(Head head, Input in, Runnable beforeFirstRead, Runnable atEnd) throws HttpError {
    List<String> te = head.headers().get("Transfer-Encoding");
    List<String> cl = head.headers().get("Content-Length");
    if (te != null && cl != null) {
      throw new HttpError(400, "both Transfer-Encoding and Content-Length");
    }
    InputStream raw;
    if (te != null) {
      if (te.size() != 1 || !te.get(0).toLowerCase(Locale.ROOT).equals("chunked")) {
        throw new HttpError(501, "only the chunked transfer coding is supported");
      }
      raw = new Chunked(in);
    } else if (cl != null) {
      raw = new Fixed(in, contentLength(cl));
    } else {
      raw = InputStream.nullInputStream();
    }
    return new Hooked(raw, beforeFirstRead, atEnd);
  }

  private static long contentLength(List<String> values) throws HttpError {
    String first = null;
    for (String v : values) {
      for (String part : v.split(",", -1)) {
        String p = part.strip();
        if (p.isEmpty() || p.length() > 18 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new HttpError(400, "malformed Content-Length");
        }
        if (first != null && !first.equals(p)) {
          throw new HttpError(400, "conflicting Content-Length values");
        }
        first = p;
      }
    }
    return Long.parseLong(first);
  }

  /** A body stream whose single-byte {@code read()} goes through its bulk read. */
  private abstract static class BulkStream extends InputStream {
    @Override
    public final int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
  }

  /** A body of a declared length. */
  private static final class Fixed extends BulkStream {
    private final Input in;
    private long left;

    Fixed(Input in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException("body ended " + left + " bytes early");
      }
      left -= n;
      return n;
    }
  }

  /** A chunked body (RFC 9112 §7.1); chunk extensions and trailers are read and ignored, within the line limits. */
  private static final class Chunked extends BulkStream {
    private final Input in;
    private long left;
    private boolean done;

    Chunked(Input in) {
      this.in = in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (left == 0 && !nextChunk()) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException("chunked body ended early");
      }
      left -= n;
      if (left == 0) {
        line(); // the CRLF after the chunk's data
      }
      return n;
    }

    private boolean nextChunk() throws IOException {
      String size = line();
      int semi = size.indexOf(';');
      String hex = (semi < 0 ? size : size.substring(0, semi)).strip();
      if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new IOException("malformed chunk size");
      }
      left = Long.parseLong(hex, 16);
      if (left > 0) {
        return true;
      }
      int trailers = 0;
      while (!line().isEmpty()) {
        if (++trailers > MAX_HEADERS) {
          throw new IOException("too many trailer lines");
        }
      }
      done = true;
      return false;
    }

    private String line() throws IOException {
      try {
        return in.readLine(MAX_LINE);
      } catch (HttpError e) {
        throw new IOException(e.getMessage());
      }
    }
  }

  /** Runs a hook before the first read and one at the end of the body. */
  private static final class Hooked extends BulkStream {
    private final InputStream in;
    private Runnable beforeFirstRead;
    private Runnable atEnd;

    Hooked(InputStream in, Runnable beforeFirstRead, Runnable atEnd) {
      this.in = in;
      this.beforeFirstRead = beforeFirstRead;
      this.atEnd = atEnd;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (beforeFirstRead != null) {
        Runnable r = beforeFirstRead;
        beforeFirstRead = null;
        r.run();
      }
      int n = in.read(b, off, len);
      if (n < 0 && atEnd != null) {
        Runnable r = atEnd;
        atEnd = null;
        r.run();
      }
      return n;
    }
  }

  /** Writes a complete answer with a plain-text body and {@code Connection: close}. */
  static void writeResponse(OutputStream out, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  /** Writes the interim answer to {@code Expect: 100-continue}. */
  static void writeContinue(OutputStream out) throws IOException {
    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      case 505 -> "HTTP Version Not Supported";
      default -> "Status";
    };
  }
}
