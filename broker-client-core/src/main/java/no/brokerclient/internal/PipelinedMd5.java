package no.brokerclient.internal;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import no.brokerclient.BrokerException;
import no.brokerclient.BrokerInterruptedException;

/**
 * An MD5 computed on a thread of its own, so that the thread moving the bytes does not wait for the hash: a
 * transfer then runs at min(network, MD5) instead of 1/(1/network + 1/MD5) where a core is free.
 *
 * <p>{@link #update} copies the bytes into one of {@value #BUFFERS} buffers of {@value #BUFFER} bytes and hands a
 * full buffer to the hashing thread through a bounded queue; the hashing thread gives each buffer back once
 * hashed. When all buffers are waiting to be hashed, {@code update} waits for one (the transfer slows down to the
 * hash's speed): memory stays constant at {@code BUFFERS × BUFFER} bytes. {@link #hex} waits until every byte is
 * hashed and returns the digest.
 *
 * <p>The hashing thread ({@code broker-client-md5-<n>}, a daemon) starts with the first full buffer and ends after
 * {@value #IDLE_MILLIS} ms without work, or at {@link #close()}; a later buffer starts a new one, continuing the
 * same digest. So a stream that is abandoned without being closed leaves no thread behind. A failure of the hash
 * is thrown by the next {@code update} or {@code hex} (as {@link BrokerException}); an interrupt of the thread
 * waiting in them throws {@link BrokerInterruptedException} with the flag kept set. Used by one producer thread at a
 * time (not thread-safe for concurrent {@code update}s). Internal.
 */
public final class PipelinedMd5 implements AutoCloseable {
  static final int BUFFER = 256 * 1024;
  static final int BUFFERS = 4;
  static final long IDLE_MILLIS = 1000;
  /** Name prefix of the hashing threads. */
  public static final String THREAD_PREFIX = "broker-client-md5-";
  private static final AtomicInteger THREADS = new AtomicInteger();

  private record Chunk(byte[] bytes, int length) {}

  private final MessageDigest digest;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS);
  private final Object lock = new Object();
  private int allocated;
  private byte[] current;
  private int fill;
  private long submitted; // guarded by lock
  private long hashed; // guarded by lock
  private Thread hasher; // guarded by lock
  private boolean closed; // guarded by lock
  private volatile RuntimeException failure;

  /** A new MD5 of no bytes. */
  public PipelinedMd5() {
    this(Hex.md5());
  }

  /**
   * @param digest the state to continue (e.g. the MD5 of bytes kept from an earlier attempt); owned by this object
   *     from now on
   */
  public PipelinedMd5(MessageDigest digest) {
    this.digest = digest;
  }

  /**
   * Adds bytes to the hash.
   *
   * @param b the bytes
   * @param off the first
   * @param len how many
   * @throws BrokerException if hashing failed
   * @throws BrokerInterruptedException if the thread was interrupted while waiting for a free buffer
   */
  public void update(byte[] b, int off, int len) {
    while (len > 0) {
      if (current == null) {
        current = nextBuffer();
        fill = 0;
      }
      int n = Math.min(len, BUFFER - fill);
      System.arraycopy(b, off, current, fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == BUFFER) {
        handOff();
      }
    }
  }

  /**
   * Waits until every byte given to {@link #update} is hashed and completes the digest; the object is then closed.
   *
   * @return the MD5 in lower-case hex
   * @throws BrokerException if hashing failed
   * @throws BrokerInterruptedException if the thread was interrupted while waiting
   */
  public String hex() {
    if (fill > 0) {
      handOff();
    }
    synchronized (lock) {
      while (hashed < submitted && failure == null) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          close();
          throw interrupted(e);
        }
      }
    }
    throwIfFailed();
    close();
    return Hex.hex(digest.digest());
  }

  /** Stops the hashing thread (if one runs) without waiting for the bytes still queued. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (hasher != null) {
        hasher.interrupt();
      }
    }
  }

  private byte[] nextBuffer() {
    throwIfFailed();
    byte[] b = free.poll();
    if (b != null) {
      return b;
    }
    if (allocated < BUFFERS) {
      allocated++;
      return new byte[BUFFER];
    }
    try {
      b = free.take(); // all buffers wait to be hashed: wait for the hash (a failed hash gives them back)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(e);
    }
    throwIfFailed();
    return b;
  }

  private void handOff() {
    throwIfFailed();
    Chunk c = new Chunk(current, fill);
    current = null;
    fill = 0;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the MD5 is closed");
      }
      submitted++;
      full.add(c); // never full: at most BUFFERS buffers exist
      if (hasher == null) {
        Thread t = new Thread(this::hashLoop, THREAD_PREFIX + THREADS.incrementAndGet());
        t.setDaemon(true);
        t.setContextClassLoader(null);
        hasher = t;
        t.start();
      }
    }
  }

  private void hashLoop() {
    try {
      while (true) {
        Chunk c = full.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
        if (c == null) {
          synchronized (lock) {
            if (full.isEmpty() || closed) {
              hasher = null;
              return;
            }
          }
          continue;
        }
        try {
          digest.update(c.bytes(), 0, c.length());
        } finally {
          free.add(c.bytes());
        }
        synchronized (lock) {
          hashed++;
          lock.notifyAll();
        }
      }
    } catch (InterruptedException e) {
      synchronized (lock) { // closed
        hasher = null;
        lock.notifyAll();
      }
    } catch (RuntimeException | Error e) {
      failure = new BrokerException("computing the MD5 failed: " + e, e);
      for (Chunk c; (c = full.poll()) != null; ) {
        free.add(c.bytes()); // wakes a producer waiting for a buffer
      }
      synchronized (lock) {
        hasher = null;
        lock.notifyAll();
      }
    }
  }

  private void throwIfFailed() {
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
  }

  private static BrokerInterruptedException interrupted(InterruptedException e) {
    return new BrokerInterruptedException("interrupted while waiting for the MD5 of the transfer"
        + " (the thread's interrupt flag stays set)", e);
  }
}
