package no.brokerclient.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.UUID;
import no.brokerclient.BrokerException;
import no.brokerclient.BrokerIOException;
import no.brokerclient.BrokerInterruptedException;

/**
 * Downloads bytes {@code [from, size)} of a transfer into a preallocated partial file as N byte ranges at once,
 * each on a thread and connection of its own ({@code broker-client-download-range-<i>-<transfer id>}), written
 * with positional writes. Each range is a {@link DownloadStream#region}: it asks for {@code Range:
 * bytes=<start>-<last>} and, after a break, resumes on its own from where it got to (up to the retry policy's
 * count). The ranges are N equal slices, not small blocks, so a download costs N requests plus one per resume
 * whatever the file's size (Broker allows 120 downloads a minute).
 *
 * <p>The calling thread computes the MD5 over the whole file meanwhile: it reads the partial file sequentially
 * up to the first byte not yet written (the contiguous prefix), so the hash of the first range overlaps the
 * download and the rest follows from the page cache. Progress is reported once for the whole file through a
 * {@link TusProgress} (thread-safe; the listener is called from the range threads, one call at a time).
 *
 * <p>The first failure of a range (an I/O failure after the resumes, an error status, a listener's abort, a write
 * error), or an interrupt of the calling thread, stops every range at once: their threads are interrupted (which
 * cancels their calls, see {@link Interruptible}) and joined before {@link #run} throws, so no thread or connection
 * outlives it. Internal.
 */
final class RangedDownload {
  /** Name prefix of the range threads. */
  static final String THREAD_PREFIX = "broker-client-download-range-";
  /** The smallest range: a smaller file is downloaded with fewer ranges. */
  static final long MIN_RANGE = 1 << 20;
  private static final int CHUNK = 64 * 1024;
  private static final int HASH_BUFFER = 256 * 1024;

  private final UUID id;
  private final DownloadStream whole;
  private final Path partial;
  private final long size;
  private final long[] starts;
  private final long[] ends;
  private final long[] positions; // guarded by this
  private final Thread[] workers;
  private final TusProgress progress;
  private Throwable failure; // guarded by this

  /**
   * @param id the transfer
   * @param whole the (unopened) download the ranges are regions of
   * @param partial the partial file, at least {@code size} bytes long
   * @param from bytes already in the partial (not downloaded again, but hashed)
   * @param size the declared size
   * @param ranges how many ranges to use at most
   */
  RangedDownload(UUID id, DownloadStream whole, Path partial, long from, long size, int ranges) {
    this.id = id;
    this.whole = whole;
    this.partial = partial;
    this.size = size;
    int n = count(size - from, ranges);
    long slice = (size - from + n - 1) / n;
    starts = new long[n];
    ends = new long[n];
    positions = new long[n];
    for (int i = 0; i < n; i++) {
      starts[i] = from + i * slice;
      ends[i] = Math.min(size, starts[i] + slice);
      positions[i] = starts[i];
    }
    workers = new Thread[n];
    progress = new TusProgress(whole.listener(), size, n + 1);
    if (from > 0) {
      progress.at(n, from);
    }
  }

  /**
   * @param remaining bytes to download
   * @param wanted ranges asked for
   * @return the ranges used: at most {@code wanted}, each at least {@link #MIN_RANGE} bytes, at least one
   */
  static int count(long remaining, int wanted) {
    return (int) Math.max(1, Math.min(wanted, remaining / MIN_RANGE));
  }

  /** @return the ranges of this download */
  int ranges() {
    return starts.length;
  }

  /** @return the length of the contiguous prefix written so far (what a later attempt can resume from) */
  synchronized long written() {
    for (int i = 0; i < positions.length; i++) {
      if (positions[i] < ends[i]) {
        return positions[i];
      }
    }
    return size;
  }

  /**
   * Downloads the ranges and hashes the whole file.
   *
   * @return the MD5 of the whole partial file, once every range is written and closed
   * @throws BrokerInterruptedException if the calling thread was interrupted (the flag stays set)
   * @throws RuntimeException the first range's failure
   */
  String run() {
    for (int i = 0; i < workers.length; i++) {
      int range = i;
      workers[i] = new Thread(() -> work(range), THREAD_PREFIX + i + "-" + id);
      workers[i].setDaemon(true);
    }
    try (FileChannel in = FileChannel.open(partial, StandardOpenOption.READ)) {
      for (Thread t : workers) {
        t.start();
      }
      MessageDigest md = Hex.md5();
      ByteBuffer buf = ByteBuffer.allocate(HASH_BUFFER);
      long hashed = 0;
      while (hashed < size) {
        long upTo = awaitWritten(hashed);
        while (hashed < upTo) {
          buf.clear().limit((int) Math.min(buf.capacity(), upTo - hashed));
          int n = in.read(buf, hashed);
          if (n < 0) {
            throw new IOException("the partial file ended at " + hashed + " of " + size + " bytes");
          }
          buf.flip();
          md.update(buf);
          hashed += n;
        }
      }
      for (Thread t : workers) {
        t.join();
      }
      synchronized (this) {
        if (failure != null) {
          throw rethrow(failure);
        }
      }
      return Hex.hex(md.digest());
    } catch (InterruptedException | ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new BrokerInterruptedException("interrupted while downloading file transfer " + id + " in "
          + workers.length + " ranges (the thread's interrupt flag stays set; every range is stopped)", e);
    } catch (IOException e) {
      stop();
      throw new BrokerException("could not read the partial file " + partial + " to hash it: " + e, e);
    } catch (RuntimeException | Error e) {
      stop();
      throw e;
    }
  }

  private synchronized long awaitWritten(long hashed) throws InterruptedException {
    while (true) {
      if (failure != null) {
        throw rethrow(failure);
      }
      long w = written();
      if (w > hashed) {
        return w;
      }
      wait();
    }
  }

  private synchronized void advanced(int range, long position) {
    long before = written();
    positions[range] = position;
    if (written() != before) {
      notifyAll();
    }
  }

  private synchronized void failed(Throwable e) {
    if (failure == null) {
      failure = e;
    }
    notifyAll();
  }

  /** Interrupts every range thread (cancelling its call) and waits for all of them to end. */
  private void stop() {
    for (Thread t : workers) {
      if (t != null) {
        t.interrupt();
      }
    }
    boolean interrupted = Thread.interrupted();
    for (Thread t : workers) {
      while (t != null && t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void work(int range) {
    long start = starts[range];
    Mdc mdc = Mdc.open("download", id); // this thread's log lines name the transfer, as the caller's do
    try (FileChannel out = FileChannel.open(partial, StandardOpenOption.WRITE);
        DownloadStream in = whole.region(start, ends[range], pos -> progress.at(range, pos - start))) {
      in.open();
      byte[] b = new byte[CHUNK];
      ByteBuffer bb = ByteBuffer.wrap(b);
      long pos = start;
      int n;
      while ((n = in.read(b, 0, b.length)) != -1) {
        bb.clear().limit(n);
        while (bb.hasRemaining()) {
          pos += out.write(bb, pos);
        }
        advanced(range, pos);
      }
      out.force(false);
    } catch (ClosedByInterruptException e) {
      failed(new BrokerInterruptedException("interrupted while writing range " + range + " of the download of"
          + " file transfer " + id, e));
    } catch (IOException e) {
      failed(new BrokerException("could not write range " + range + " of the download to " + partial + ": " + e, e));
    } catch (RuntimeException | Error e) {
      failed(e);
    } finally {
      mdc.close();
    }
  }

  private static RuntimeException rethrow(Throwable e) {
    if (e instanceof Error err) {
      throw err;
    }
    if (e instanceof RuntimeException r) {
      return r;
    }
    return new BrokerIOException("download of a range failed", new IOException(e), true);
  }
}
