package no.brokerclient.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback in front of a local server, for tests and benchmarks that need a network rather than a
 * loopback socket: it can delay every chunk in each direction (half the round trip each way), cap each
 * connection's bandwidth per direction (a pacing token bucket, so one TCP stream is bound as by a window over a
 * real WAN and parallel connections add up), and cut connections (reset, as a proxy or a NAT dropping them) on
 * demand or once a number of client-to-server bytes have passed. It counts the bytes it forwards upstream.
 *
 * <p>Each connection has a reader and a writer thread per direction with a bounded queue between them (about two
 * bandwidth-delay products, at least 256 KiB), so a slow direction pushes back on its sender through TCP instead of
 * buffering without bound. Listens on 127.0.0.1 only. Thread-safe; close it when done.
 *
 * <pre>{@code
 * try (LoopbackProxy wan = LoopbackProxy.builder(server.port()).oneWayDelay(Duration.ofMillis(10))
 *     .bytesPerSecond(25_000_000).start()) {
 *   BrokerClient.builder().baseUrl(wan.url()) ...
 * }
 * }</pre>
 */
public final class LoopbackProxy implements AutoCloseable {
  private static final int PIECE = 32 * 1024;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final int targetPort;
  private final long delayNanos;
  private final long bytesPerSecond;
  private final ServerSocket listener;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicLong upstreamBytes = new AtomicLong();
  private final AtomicLong cutAt = new AtomicLong(Long.MAX_VALUE);
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile boolean closed;

  private LoopbackProxy(Builder b) throws IOException {
    this.targetPort = b.targetPort;
    this.delayNanos = b.oneWayDelay.toNanos();
    this.bytesPerSecond = b.bytesPerSecond;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    daemon("loopback-proxy-accept", this::acceptLoop).start();
  }

  /**
   * @param targetPort the local server's port (on 127.0.0.1)
   * @return a builder; defaults: no delay, no bandwidth cap
   */
  public static Builder builder(int targetPort) {
    return new Builder(targetPort);
  }

  /** Settings of a {@link LoopbackProxy}. */
  public static final class Builder {
    private final int targetPort;
    private Duration oneWayDelay = Duration.ZERO;
    private long bytesPerSecond;

    private Builder(int targetPort) {
      if (targetPort < 1 || targetPort > 65_535) {
        throw new IllegalArgumentException("targetPort must be 1 to 65535, got " + targetPort);
      }
      this.targetPort = targetPort;
    }

    /**
     * @param delay added to every chunk in each direction (the round trip grows by twice this); default zero
     * @return this builder
     */
    public Builder oneWayDelay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("oneWayDelay must not be negative, got " + delay);
      }
      this.oneWayDelay = delay;
      return this;
    }

    /**
     * @param rate the cap per connection and direction in bytes per second; 0 (the default) for none
     * @return this builder
     */
    public Builder bytesPerSecond(long rate) {
      if (rate < 0) {
        throw new IllegalArgumentException("bytesPerSecond must not be negative, got " + rate);
      }
      this.bytesPerSecond = rate;
      return this;
    }

    /**
     * @return the running proxy
     * @throws IOException if it cannot listen
     */
    public LoopbackProxy start() throws IOException {
      return new LoopbackProxy(this);
    }
  }

  /** @return the port the proxy listens on (127.0.0.1) */
  public int port() {
    return listener.getLocalPort();
  }

  /** @return {@code http://127.0.0.1:<port>} */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** @return the client-to-server bytes forwarded so far (request heads and bodies) */
  public long upstreamBytes() {
    return upstreamBytes.get();
  }

  /** @return connections accepted so far */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** @return how many times {@link #cutAll} ran (by hand or by {@link #cutWhenUpstreamReaches}) */
  public int cuts() {
    return cuts.get();
  }

  /**
   * Once {@link #upstreamBytes()} reaches {@code total}, every open connection is reset, once.
   *
   * @param total the upstream byte count (as {@link #upstreamBytes()} counts) at which to cut
   */
  public void cutWhenUpstreamReaches(long total) {
    cutAt.set(total);
  }

  /** Resets every open connection (both sides see a reset or an end of stream). */
  public void cutAll() {
    cuts.incrementAndGet();
    for (Link l : links) {
      l.close(true);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Link l : links) {
      l.close(false);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      try {
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        Link link = new Link(client, server);
        links.add(link);
        link.start();
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** One proxied connection: two directions. */
  private final class Link {
    private final Socket client;
    private final Socket server;
    private final AtomicInteger open = new AtomicInteger(2);
    private volatile boolean dead;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() throws IOException {
      new Direction(this, client.getInputStream(), server, true).start();
      new Direction(this, server.getInputStream(), client, false).start();
    }

    void directionDone() {
      if (open.decrementAndGet() == 0) {
        close(false);
      }
    }

    void close(boolean reset) {
      dead = true;
      links.remove(this);
      for (Socket s : new Socket[] {client, server}) {
        if (reset) {
          try {
            s.setSoLinger(true, 0); // RST, as a dropped connection
          } catch (IOException e) {
            // closing anyway
          }
        }
        closeQuietly(s);
      }
    }
  }

  private static final byte[] EOF = new byte[0];

  private record Piece(byte[] data, int length, long readAt) {}

  /** One direction of a link: a reader stamps pieces, a writer sends each when its delay and the rate allow. */
  private final class Direction {
    private final Link link;
    private final InputStream in;
    private final Socket to;
    private final boolean upstream;
    private final BlockingQueue<Piece> queue;

    Direction(Link link, InputStream in, Socket to, boolean upstream) {
      this.link = link;
      this.in = in;
      this.to = to;
      this.upstream = upstream;
      long bdp = bytesPerSecond == 0 ? 0 : bytesPerSecond * delayNanos / 1_000_000_000L;
      this.queue = new ArrayBlockingQueue<>((int) Math.max(8, Math.min(4096, 2 * bdp / PIECE + 8)));
    }

    void start() {
      String name = "loopback-proxy-" + (upstream ? "up" : "down");
      daemon(name + "-read", this::read).start();
      daemon(name + "-write", this::write).start();
    }

    private void read() {
      try {
        while (true) {
          byte[] b = new byte[PIECE];
          int n = in.read(b);
          if (n < 0) {
            break;
          }
          if (!hand(new Piece(b, n, System.nanoTime()))) {
            return;
          }
        }
      } catch (IOException e) {
        // reset or closed: the writer ends with the EOF below
      }
      hand(new Piece(EOF, 0, System.nanoTime()));
    }

    /** @return false when the link died while the queue was full (the writer is gone) */
    private boolean hand(Piece p) {
      try {
        while (!queue.offer(p, 100, TimeUnit.MILLISECONDS)) {
          if (link.dead) {
            return false;
          }
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    private void write() {
      long nextFree = 0;
      try {
        OutputStream out = to.getOutputStream();
        while (true) {
          Piece p = queue.poll(100, TimeUnit.MILLISECONDS);
          if (p == null) {
            if (link.dead) {
              return;
            }
            continue;
          }
          if (p.data == EOF) {
            break;
          }
          long due = Math.max(p.readAt + delayNanos, nextFree);
          parkUntil(due);
          out.write(p.data, 0, p.length);
          if (bytesPerSecond > 0) {
            nextFree = Math.max(due, System.nanoTime() - 1_000_000L) + p.length * 1_000_000_000L / bytesPerSecond;
          }
          if (upstream && upstreamBytes.addAndGet(p.length) >= cutAt.get()) {
            cutAt.set(Long.MAX_VALUE);
            cutAll();
          }
        }
        to.shutdownOutput(); // pass the half-close on
      } catch (IOException e) {
        link.close(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        link.directionDone();
      }
    }

    private void parkUntil(long due) {
      for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
    }
  }
}
