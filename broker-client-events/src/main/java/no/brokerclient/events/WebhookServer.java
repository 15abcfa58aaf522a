package no.brokerclient.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@link WebhookHandler} over plain HTTP/1.1, built to keep answering Altinn while other peers are slow
 * or hostile. For production, prefer your own server (a Servlet container, Spring Boot) behind your TLS proxy and
 * call {@link WebhookHandler#handle} from a controller; this server is for deployments without one. Altinn pushes
 * only to https endpoints: put TLS in front (a reverse proxy or load balancer).
 *
 * <pre>{@code
 * try (WebhookServer server = WebhookServer.start(new InetSocketAddress(8080), "/altinn/events", handler)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>What a peer gets, whoever it is (none of this needs the secret to happen, so none of it may depend on it):
 * <ul>
 *   <li><b>Header deadline</b> ({@link Builder#headerTimeout}, default 10 s from the connection's accept): a peer that
 *       sends its request line and headers slower (one byte a second, say) or not at all is answered 408 and
 *       disconnected. Every read's socket timeout is what is left of the deadline, so trickling does not extend
 *       it.</li>
 *   <li><b>Body deadline</b>: the handler's {@link WebhookHandler.Builder#bodyTimeout} (default 10 s), counted from
 *       the end of the headers, bounds reading the body the same way (408).</li>
 *   <li><b>Bounded connections</b> ({@link Builder#maxConnections}, default 128): one thread per open connection,
 *       never more. When all are taken, a new connection displaces the oldest one that is still sending its
 *       request (the likeliest to be a slow attacker: Altinn sends its whole request at once), so thousands of
 *       half-open connections cannot lock deliveries out; only when every connection is already being handled is
 *       the new one answered 503 (Altinn retries later).</li>
 *   <li><b>No idle connections</b>: one request per connection, answered with {@code Connection: close}; nothing is
 *       kept open between deliveries.</li>
 *   <li><b>Bounded requests</b>: request line and each header at most 8 KiB, at most 100 headers and 32 KiB of
 *       them (431); body as the handler's {@link WebhookHandler.Builder#maxBodyBytes} (413); {@code Content-Length}
 *       or {@code chunked} only, never both (400, 501); {@code Expect: 100-continue} is honoured. Any path but the
 *       configured one gets 404.</li>
 *   <li><b>Nothing secret logged</b>: the request target (which carries {@code ?code=<secret>}) is never logged or
 *       echoed; rejections are logged at DEBUG with the peer's address and the path only.</li>
 * </ul>
 *
 * <p><b>Why not the JDK's {@code com.sun.net.httpserver}.</b> That server reads request headers on its executor's
 * threads with no deadline of its own, so a few connections sending a byte a second hold every thread; connections
 * that never send anything are never closed; and it logs the request line, secret included, at FINE. Its only
 * limits are {@code sun.net.httpserver.maxReqTime}, {@code maxRspTime}, {@code idleInterval},
 * {@code maxIdleConnections} and {@code jdk.httpserver.maxConnections}: system properties that are global to the
 * JVM and read once, when the first such server in the JVM is created, by whichever library creates it (and some
 * exist only in newer JDKs). A library cannot rely on them, so this server keeps its own deadlines and limits. To
 * use your own JDK {@code HttpServer} anyway, see {@link JdkHttpServerAdapter}.
 *
 * <p>Thread-safe; {@link #close} stops it.
 */
public final class WebhookServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
  /** How long {@link #close} waits for deliveries already being handled. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
  /** After answering, how much of an unread body is read (so the peer sees the answer, not a reset), at most. */
  private static final int DRAIN_BYTES = 64 * 1024;
  private static final Duration DRAIN_TIME = Duration.ofSeconds(1);
  /** Connections the kernel may queue before they are accepted (the accept loop only admits and hands over). */
  private static final int BACKLOG = 1024;

  private final WebhookHandler handler;
  private final String path;
  private final Duration headerTimeout;
  private final int maxConnections;
  private final ServerSocket listener;
  private final ThreadPoolExecutor workers;
  private final Thread acceptor;
  /** Open connections in accept order; guarded by {@code this}. */
  private final Set<Connection> open = new LinkedHashSet<>();
  private volatile boolean closed;

  /** Where a connection is. */
  private enum Phase {
    /** Sending its request line, headers or body: displaceable. */
    READING,
    /** Its request is with the handler. */
    HANDLING,
    /** Answered; the rest of its body is being discarded: displaceable. */
    DRAINING
  }

  private static final class Connection {
    final Socket socket;
    final long acceptedNanos = System.nanoTime();
    /** Written under the server's lock, so a connection is never displaced once it is being handled. */
    volatile Phase phase = Phase.READING;

    Connection(Socket socket) {
      this.socket = socket;
    }

    void closeQuietly() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private WebhookServer(Builder b) throws IOException {
    this.handler = b.handler;
    this.path = b.path;
    this.headerTimeout = b.headerTimeout;
    this.maxConnections = b.maxConnections;
    AtomicInteger n = new AtomicInteger();
    // Displaced connections may take a moment to end, so the pool has room for twice the open connections.
    this.workers = new ThreadPoolExecutor(0, 2 * maxConnections, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, "broker-client-webhook-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.listener = new ServerSocket();
    try {
      listener.setReuseAddress(true);
      listener.bind(b.address, BACKLOG);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    this.acceptor = new Thread(this::acceptLoop, "broker-client-webhook-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Starts a server with the default limits.
   *
   * @param address where to listen, e.g. {@code new InetSocketAddress(8080)}; port 0 picks a free port
   * @param path the path Altinn posts to, e.g. {@code /altinn/events}
   * @param handler the webhook handler
   * @return the running server
   * @throws IOException if the address cannot be bound
   */
  public static WebhookServer start(InetSocketAddress address, String path, WebhookHandler handler)
      throws IOException {
    return builder().address(address).path(path).handler(handler).start();
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the address the server listens on (with the actual port when started on port 0) */
  public InetSocketAddress getAddress() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /**
   * Stops accepting, disconnects peers still sending their requests, waits up to 10 s for deliveries being handled,
   * then closes every connection. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      LOG.debug("Closing the webhook listener: {}", e.toString());
    }
    synchronized (this) {
      for (Connection c : open) {
        if (c.phase != Phase.HANDLING) {
          c.closeQuietly();
        }
      }
    }
    workers.shutdown();
    try {
      workers.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Connection> left;
    synchronized (this) {
      left = new ArrayList<>(open);
    }
    left.forEach(Connection::closeQuietly);
    workers.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("Webhook server could not accept a connection: {}", e.toString());
          pause(50); // e.g. out of file descriptors: do not spin
        }
        continue;
      }
      Connection c = new Connection(s);
      if (!admit(c)) {
        refuse(s);
        continue;
      }
      if (!handOver(() -> serve(c))) {
        release(c);
        refuse(s);
      }
    }
  }

  /**
   * Gives a connection a thread. Every thread busy means displaced connections' threads are still ending (there are
   * twice as many threads as connections), so this waits a little for one.
   */
  private boolean handOver(Runnable task) {
    for (int i = 0; i < 100 && !closed; i++) {
      try {
        workers.execute(task);
        return true;
      } catch (RejectedExecutionException e) {
        pause(10);
      }
    }
    return false;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Adds {@code c}, displacing the oldest connection still sending its request when all are taken. */
  private synchronized boolean admit(Connection c) {
    if (open.size() >= maxConnections) {
      Connection victim = null;
      for (Iterator<Connection> it = open.iterator(); it.hasNext(); ) {
        Connection o = it.next();
        if (o.phase != Phase.HANDLING) {
          victim = o;
          it.remove();
          break;
        }
      }
      if (victim == null) {
        return false;
      }
      LOG.debug("Webhook server at {} connections: dropped the oldest unfinished one from {}", maxConnections,
          victim.socket.getRemoteSocketAddress());
      victim.closeQuietly();
    }
    open.add(c);
    return true;
  }

  private synchronized void release(Connection c) {
    open.remove(c);
  }

  /** Moves a connection that is still open (not displaced) to {@code phase}. */
  private synchronized void enter(Connection c, Phase phase) {
    if (open.contains(c)) {
      c.phase = phase;
    }
  }

  /** Answers 503 to a connection there is no room for and closes it; a fresh socket's send buffer takes it. */
  private static void refuse(Socket s) {
    try (s) {
      Http1.writeResponse(s.getOutputStream(), 503, "busy");
    } catch (IOException e) {
      // the peer is gone
    }
  }

  private void serve(Connection c) {
    Socket s = c.socket;
    try (s) {
      s.setTcpNoDelay(true);
      Http1.Input in = new Http1.Input(s, c.acceptedNanos + headerTimeout.toNanos());
      OutputStream out = s.getOutputStream();
      WebhookHandler.Response r;
      try {
        r = answer(c, in, out);
      } catch (InterruptedIOException e) {
        LOG.debug("Webhook request from {} not received in time; disconnected", s.getRemoteSocketAddress());
        r = new WebhookHandler.Response(408, "request not received in time");
      } catch (Http1.HttpError e) {
        LOG.debug("Webhook request from {} refused with {}: {}", s.getRemoteSocketAddress(), e.status, e.getMessage());
        r = new WebhookHandler.Response(e.status, e.getMessage());
      }
      Http1.writeResponse(out, r.status(), r.body());
      enter(c, Phase.DRAINING);
      drain(s, in);
    } catch (SocketException e) {
      LOG.trace("Webhook connection from {} closed: {}", s.getRemoteSocketAddress(), e.toString());
    } catch (IOException e) {
      LOG.debug("Webhook connection from {} failed: {}", s.getRemoteSocketAddress(), e.toString());
    } catch (RuntimeException | Error e) { // a thread of ours must outlive anything one request does
      LOG.error("Webhook server failed on a request from {}", s.getRemoteSocketAddress(), e);
    } finally {
      release(c);
    }
  }

  private WebhookHandler.Response answer(Connection c, Http1.Input in, OutputStream out)
      throws IOException, Http1.HttpError {
    Http1.Head head = Http1.readHead(in);
    if (!head.path().equals(path)) {
      throw new Http1.HttpError(404, "not found");
    }
    URI uri;
    try {
      uri = new URI(head.target());
    } catch (URISyntaxException e) {
      throw new Http1.HttpError(400, "malformed request target");
    }
    boolean expectContinue = "100-continue".equalsIgnoreCase(head.header("Expect"));
    in.deadline(System.nanoTime() + handler.bodyTimeout().toNanos());
    InputStream body = Http1.body(head, in, () -> {
      if (expectContinue) {
        try {
          Http1.writeContinue(out);
        } catch (IOException e) {
          c.closeQuietly(); // the body read that follows fails and is answered as unreadable
        }
      }
    }, () -> enter(c, Phase.HANDLING));
    try {
      return handler.handle(head.method(), uri, head.headers(), body);
    } catch (RuntimeException e) {
      LOG.error("Webhook handler failed", e);
      return new WebhookHandler.Response(500, "handler failed");
    }
  }

  /** Reads what is left of an unread body, bounded, so the peer reads the answer instead of a reset. */
  private static void drain(Socket s, Http1.Input in) throws IOException {
    s.shutdownOutput();
    in.deadline(System.nanoTime() + DRAIN_TIME.toNanos());
    byte[] buf = new byte[8192];
    int total = 0;
    try {
      for (int n; total < DRAIN_BYTES && (n = in.read(buf, 0, buf.length)) >= 0; ) {
        total += n;
      }
    } catch (InterruptedIOException e) {
      // the peer is still sending: enough
    }
  }

  /** Builds and starts a {@link WebhookServer}. */
  public static final class Builder {
    private InetSocketAddress address;
    private String path;
    private WebhookHandler handler;
    private Duration headerTimeout = Duration.ofSeconds(10);
    private int maxConnections = 128;

    private Builder() {}

    /**
     * @param address where to listen; port 0 picks a free port. Required.
     * @return this builder
     */
    public Builder address(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * @param path the one path served, e.g. {@code /altinn/events} (matched exactly; the query is not part of
     *     it). Required.
     * @return this builder
     */
    public Builder path(String path) {
      if (!path.startsWith("/") || path.indexOf('?') >= 0) {
        throw new IllegalArgumentException("path must start with / and have no query");
      }
      this.path = path;
      return this;
    }

    /**
     * @param handler the webhook handler (its body limit and body timeout apply). Required.
     * @return this builder
     */
    public Builder handler(WebhookHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * @param timeout longest time from accepting a connection to the end of its request headers; default 10 s
     * @return this builder
     */
    public Builder headerTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("headerTimeout must be positive");
      }
      this.headerTimeout = timeout;
      return this;
    }

    /**
     * @param max most connections open at once, each with its own thread; default 128 (Altinn delivers each event
     *     in one short request)
     * @return this builder
     */
    public Builder maxConnections(int max) {
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException("maxConnections must be between 1 and 10000");
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @return the running server
     * @throws IOException if the address cannot be bound
     */
    public WebhookServer start() throws IOException {
      if (address == null || path == null || handler == null) {
        throw new IllegalStateException("address, path and handler are required");
      }
      WebhookServer s = new WebhookServer(this);
      s.acceptor.start();
      return s;
    }
  }
}
