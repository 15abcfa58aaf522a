package no.brokerclient.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A loopback HTTP/1.1 peer that answers what its responder says and then goes silent: it keeps the connection open
 * and never sends another byte (and never reads the rest of a request body). For tests of what a client does when
 * the other side stops talking. Each request's head (request line and headers) is queued for {@link #awaitRequest}.
 */
public final class SilentPeer implements AutoCloseable {
  /** What to send for a request: bytes (possibly a partial response), and whether to go silent afterwards. */
  public record Reply(byte[] bytes, boolean thenSilent) {
    /** @return nothing at all: silence from the first byte */
    public static Reply silence() {
      return new Reply(new byte[0], true);
    }

    /**
     * @param status the status code
     * @param contentType the content type
     * @param body the complete body
     * @return a complete response; the connection stays usable for the next request
     */
    public static Reply complete(int status, String contentType, byte[] body) {
      return new Reply(concat(head(status, contentType, body.length), body), false);
    }

    /**
     * @param contentLength the length the headers promise
     * @param prefix the bytes actually sent before going silent
     * @return a download response that stalls after {@code prefix}
     */
    public static Reply stallingBody(long contentLength, byte[] prefix) {
      return new Reply(concat(head(200, "application/octet-stream", contentLength), prefix), true);
    }

    private static byte[] head(int status, String contentType, long length) {
      return ("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + length
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = new byte[a.length + b.length];
      System.arraycopy(a, 0, out, 0, a.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
  }

  private final ServerSocket server;
  private final Function<String, Reply> responder;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<String> requests = new LinkedBlockingQueue<>();
  private final Thread acceptor;

  /**
   * @param responder given the request head, says what to send
   * @throws IOException if the port cannot be opened
   */
  public SilentPeer(Function<String, Reply> responder) throws IOException {
    this.responder = responder;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "silent-peer");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** @return {@code http://127.0.0.1:<port>} */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /**
   * @return the next request head, waiting up to 10 s
   * @throws InterruptedException if interrupted
   */
  public String awaitRequest() throws InterruptedException {
    String r = requests.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no request reached the silent peer");
    }
    return r;
  }

  /** @return request heads received and not yet taken */
  public int pendingRequests() {
    return requests.size();
  }

  /** @return connections accepted so far that the client has not closed */
  public long openConnections() {
    return sockets.stream().filter(s -> !s.isClosed() && !closedByPeer(s)).count();
  }

  private static boolean closedByPeer(Socket s) {
    try {
      s.setSoTimeout(1);
      return s.getInputStream().read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "silent-peer-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        requests.add(head);
        Reply reply = responder.apply(head);
        out.write(reply.bytes());
        out.flush();
        if (reply.thenSilent()) {
          return; // the socket stays open until close()
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c == -1) {
        return null;
      }
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
          : 0;
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
