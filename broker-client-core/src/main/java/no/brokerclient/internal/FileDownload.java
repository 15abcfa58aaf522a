package no.brokerclient.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerException;
import no.brokerclient.BrokerIOException;
import no.brokerclient.BrokerInterruptedException;
import no.brokerclient.ChecksumMismatchException;
import no.brokerclient.ProgressListenerException;
import no.brokerclient.model.DownloadResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a transfer to a file through a partial file beside it, which survives a crash and is resumed.
 *
 * <p><b>The partial file</b> is {@code .<target name>.<key>.part} in the target's directory (the name cut to 100
 * characters), where {@code key} is 16 hex digits of a SHA-256 over the transfer id, its declared size and MD5 and
 * the target name. So a partial can only ever be reused by a download of the same transfer, with the same size and
 * checksum, to the same target: a stale partial of another transfer or another size has another name. The bytes go
 * there while a {@link FileLock} is held, are checked against the overview's size and MD5, forced to disk, and
 * only then atomically moved to the target (replacing it).
 *
 * <p><b>Resuming</b>: when the partial exists, is shorter than the declared size and the overview has an MD5, its
 * bytes are hashed and the download continues with {@code Range: bytes=<length>-}; the final MD5 then covers the
 * kept and the new bytes, and a mismatch (or a {@code 416} for the range) deletes the partial and downloads once
 * more from the start. Otherwise the
 * partial is truncated. If another download holds the partial's lock, this one uses a partial of its own, without
 * resume.
 *
 * <p><b>Keeping and cleaning up</b>: when the download stops for a reason outside the bytes (network failure,
 * error status, interrupt, progress listener abort, or the process dying), the partial is kept for the next
 * attempt; when the bytes or the disk are at fault (checksum or size mismatch, write error) it is deleted. Each
 * download to a target also deletes that target's other partials (of other transfers, or from an older SDK) that
 * no download holds and that were not modified for {@link #STALE_AFTER}.
 *
 * <p><b>In ranges</b> ({@link #ranges(int)} above 1, a declared size, and at least {@value
 * RangedDownload#MIN_RANGE} bytes a range): the partial is preallocated to the declared size and the bytes after
 * those kept are downloaded by a {@link RangedDownload}, which also hashes the whole file; the MD5 check, the
 * force to disk and the atomic move are the same. When such a download stops for a reason outside the bytes,
 * the partial is cut to its contiguous prefix (what every later attempt, in ranges or not, can resume from). A
 * server that ignores {@code Range} (answers a range with {@code 200}) gets one stream instead. Internal.
 */
public final class FileDownload {
  /** Partials of the same target (other than this download's own) untouched this long are deleted. */
  public static final Duration STALE_AFTER = Duration.ofHours(1);
  private static final Logger LOG = LoggerFactory.getLogger(FileDownload.class);
  private static final int MAX_NAME_IN_PARTIAL = 100;
  private static final int CHUNK = 64 * 1024;

  private final UUID id;
  private final Path target;
  private final String md5;
  private final long size;
  private int ranges = 1;

  /**
   * @param id the transfer
   * @param target the absolute target path
   * @param md5 the overview's MD5, or {@code null}/blank when unknown
   * @param size the overview's size, or 0 when unknown
   */
  public FileDownload(UUID id, Path target, String md5, long size) {
    this.id = id;
    this.target = target;
    this.md5 = md5 == null || md5.isBlank() ? null : md5.strip().toLowerCase(java.util.Locale.ROOT);
    this.size = size;
  }

  /**
   * @param ranges how many byte ranges to download at once (1: one stream)
   * @return this
   */
  public FileDownload ranges(int ranges) {
    if (ranges < 1) {
      throw new IllegalArgumentException("ranges must be at least 1, got " + ranges);
    }
    this.ranges = ranges;
    return this;
  }

  /** @return the partial file's path for this download */
  public Path partialPath() {
    return target.resolveSibling("." + shortName() + "." + key() + ".part");
  }

  /**
   * Runs the download.
   *
   * @param streams creates a new, unopened stream of the transfer's bytes
   * @return what was written
   */
  public DownloadResult run(Supplier<DownloadStream> streams) {
    removeStale();
    boolean inRanges = ranges > 1 && size > 0 && RangedDownload.count(size, ranges) > 1;
    try {
      try {
        return attempt(streams, true, inRanges);
      } catch (ResumedCorrupt e) {
        LOG.warn("Download of file transfer {}: resuming the partial file failed ({}); downloading from the start",
            id, e.getCause().getMessage());
        return attempt(streams, false, inRanges);
      }
    } catch (DownloadStream.RangeIgnoredException e) {
      LOG.info("Download of file transfer {}: {}; downloading it in one stream instead of {} ranges", id,
          e.getMessage(), ranges);
      return attempt(streams, false, false);
    }
  }

  private DownloadResult attempt(Supplier<DownloadStream> streams, boolean mayResume, boolean inRanges) {
    DownloadStream in = streams.get(); // validates the declared size before any file is created
    Partial p = Partial.open(this, mayResume && md5 != null && size > 0, !inRanges);
    boolean keep = false;
    RangedDownload parallel = null;
    try {
      if (inRanges) {
        try (in) {
          parallel = new RangedDownload(id, in, p.path, p.kept, size, ranges);
          LOG.info("Download of file transfer {}: {} bytes in {} ranges{}", id, size - p.kept, parallel.ranges(),
              p.kept > 0 ? " after the " + p.kept + " bytes kept in " + p.path.getFileName() : "");
          p.preallocate(size);
          String got = parallel.run();
          if (md5 != null && !md5.equals(got)) {
            throw new ChecksumMismatchException(id, "MD5 " + md5, "MD5 " + got);
          }
          p.force();
          p.commit(target);
          return new DownloadResult(id, target, size, got, md5 != null);
        }
      }
      if (p.kept > 0) {
        LOG.info("Download of file transfer {}: resuming from byte {} of {} kept in {}", id, p.kept, size,
            p.path.getFileName());
        in.resumeFrom(p.kept, p.digest);
      }
      try (in) {
        in.open();
        long total = p.kept + p.write(in);
        p.commit(target);
        return new DownloadResult(id, target, total, in.md5(), in.checksumVerified());
      }
    } catch (ChecksumMismatchException e) {
      if (p.kept > 0) {
        throw new ResumedCorrupt(e);
      }
      throw e;
    } catch (BrokerApiException e) {
      if (p.kept > 0 && e.statusCode() == 416) {
        throw new ResumedCorrupt(e); // the server has fewer bytes than the partial: it cannot be this transfer's
      }
      keep = true;
      throw e;
    } catch (BrokerIOException | BrokerInterruptedException | ProgressListenerException e) {
      keep = true;
      throw e;
    } finally {
      if (keep && parallel != null) {
        p.cutTo(parallel.written());
      }
      p.close(keep);
    }
  }

  private void removeStale() {
    Path dir = target.getParent();
    Path own = partialPath();
    Pattern ours = Pattern.compile(Pattern.quote("." + shortName() + ".") + "([0-9a-f]{16}|[0-9]+)\\.part");
    Instant cutoff = Instant.now().minus(STALE_AFTER);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "." + glob(shortName()) + ".*.part")) {
      for (Path f : files) {
        if (f.equals(own) || !ours.matcher(f.getFileName().toString()).matches()) {
          continue;
        }
        try {
          if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff) && Partial.unlocked(f)) {
            Files.deleteIfExists(f);
            LOG.info("Deleted stale partial download {} (untouched for more than {})", f, STALE_AFTER);
          }
        } catch (IOException e) {
          LOG.debug("could not check or delete stale partial download {}: {}", f, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.debug("could not list {} for stale partial downloads: {}", dir, e.toString());
    }
  }

  private static String glob(String s) {
    return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
  }

  private String shortName() {
    String name = target.getFileName().toString();
    return name.length() <= MAX_NAME_IN_PARTIAL ? name : name.substring(0, MAX_NAME_IN_PARTIAL);
  }

  private String key() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    String material = id + "\n" + size + "\n" + (md5 == null ? "" : md5) + "\n" + target.getFileName();
    return Hex.hex(sha.digest(material.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
  }

  /** A resumed partial turned out wrong (MD5, size, or a range the server cannot satisfy): start over once. */
  private static final class ResumedCorrupt extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ResumedCorrupt(BrokerException cause) {
      super(cause);
    }
  }

  /** The open, locked partial file. */
  private static final class Partial {
    final Path path;
    final FileChannel channel;
    final FileLock lock;
    final long kept;
    final MessageDigest digest;
    private final boolean resumable;
    private final Path targetForMessages;
    private boolean committed;

    private Partial(Path path, FileChannel channel, FileLock lock, long kept, MessageDigest digest, Path target,
        boolean resumable) {
      this.resumable = resumable;
      this.path = path;
      this.channel = channel;
      this.lock = lock;
      this.kept = kept;
      this.digest = digest;
      this.targetForMessages = target;
    }

    static Partial open(FileDownload d, boolean mayResume, boolean hashKept) {
      Path path = d.partialPath();
      try {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        FileLock lock = tryLock(ch);
        if (lock == null || !Files.exists(path) || Files.size(path) != ch.size()) {
          // Another download holds it (or just moved it into place): use a partial of our own, without resume.
          ch.close();
          Path own = Files.createTempFile(d.target.getParent(), "." + d.shortName() + ".", ".part");
          FileChannel och = FileChannel.open(own, StandardOpenOption.READ, StandardOpenOption.WRITE);
          return new Partial(own, och, tryLock(och), 0, null, d.target, false);
        }
        long length = ch.size();
        if (mayResume && length > 0 && length < d.size) {
          return new Partial(path, ch, lock, length, hashKept ? hash(ch, length) : null, d.target, true);
        }
        ch.truncate(0);
        return new Partial(path, ch, lock, 0, null, d.target, true);
      } catch (ClosedByInterruptException e) {
        throw interrupted(d.target, e);
      } catch (IOException e) {
        throw new BrokerException("could not create a partial file beside " + d.target + ": " + e, e);
      }
    }

    static boolean unlocked(Path f) throws IOException {
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        FileLock l = tryLock(ch);
        if (l != null) {
          l.release();
          return true;
        }
        return false;
      }
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
      try {
        return ch.tryLock();
      } catch (OverlappingFileLockException e) {
        return null; // held by another download in this JVM
      }
    }

    private static MessageDigest hash(FileChannel ch, long length) throws IOException {
      MessageDigest md = Hex.md5();
      ByteBuffer buf = ByteBuffer.allocate(CHUNK * 4);
      long pos = 0;
      while (pos < length) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), length - pos));
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new IOException("partial file shrank while hashing it");
        }
        buf.flip();
        md.update(buf);
        pos += n;
      }
      return md;
    }

    /** Appends the stream after the kept bytes; returns the bytes appended. */
    long write(DownloadStream in) {
      try {
        channel.position(kept);
        byte[] buf = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
          while (bb.hasRemaining()) {
            channel.write(bb);
          }
          total += n;
        }
        channel.force(true);
        return total;
      } catch (ClosedByInterruptException e) {
        throw interrupted(targetForMessages, e);
      } catch (IOException e) {
        throw new BrokerException("could not write " + targetForMessages + ": " + e, e);
      }
    }

    /** Makes the partial {@code size} bytes long (sparse where the file system allows), for positional writes. */
    void preallocate(long size) {
      try {
        if (channel.size() < size) {
          channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
      } catch (ClosedByInterruptException e) {
        throw interrupted(targetForMessages, e);
      } catch (IOException e) {
        throw new BrokerException("could not make room for the download of " + targetForMessages + " (" + size
            + " bytes): " + e, e);
      }
    }

    /** Forces the partial's bytes and metadata to disk. */
    void force() {
      try {
        channel.force(true);
      } catch (ClosedByInterruptException e) {
        throw interrupted(targetForMessages, e);
      } catch (IOException e) {
        throw new BrokerException("could not write " + targetForMessages + ": " + e, e);
      }
    }

    /** Cuts the partial to {@code length} bytes, so a later attempt resumes from there (best effort). */
    void cutTo(long length) {
      boolean interrupted = Thread.interrupted(); // an interrupted thread's channel operation would close it
      try {
        channel.truncate(length);
      } catch (IOException e) {
        LOG.debug("could not cut partial file {} to {} bytes: {}", path, length, e.toString());
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** Moves the partial into place while still holding its lock. */
    void commit(Path target) {
      try {
        try {
          Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(path, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
      } catch (IOException e) {
        throw new BrokerException("could not move the download into place at " + target + ": " + e, e);
      }
    }

    /** Releases the partial; {@code keep} keeps its bytes (if any, and if a later download can find it). */
    void close(boolean keep) {
      if (committed) {
        closeChannel();
        return;
      }
      boolean worthKeeping = false;
      try {
        worthKeeping = keep && resumable && Files.size(path) > 0;
      } catch (IOException e) {
        // not worth keeping
      }
      if (!worthKeeping) {
        try {
          Files.deleteIfExists(path); // still holding the lock, so no other download is using it
        } catch (IOException e) {
          LOG.warn("could not delete partial file {}: {}", path, e.toString());
        }
      }
      closeChannel();
    }

    private void closeChannel() {
      try {
        channel.close(); // releases the lock
      } catch (IOException e) {
        LOG.debug("could not close partial file {}: {}", path, e.toString());
      }
    }

    private static BrokerInterruptedException interrupted(Path target, IOException e) {
      return new BrokerInterruptedException("interrupted while writing the download for " + target
          + " (the thread's interrupt flag stays set; the bytes so far are kept for a resume)", e);
    }
  }
}
