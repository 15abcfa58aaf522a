package no.brokerclient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a stream to a file that is never half-written: a temporary file beside it, forced, then moved. */
final class AtomicFiles {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerClient.class);
  private static final int COPY_CHUNK = 64 * 1024;

  private AtomicFiles() {}

  /**
   * @param target the absolute file to create or replace
   * @param in the bytes, read to the end (not closed)
   * @return bytes written
   * @throws BrokerException when writing fails (the temporary file is deleted)
   */
  static long write(Path target, InputStream in) {
    Path tmp = null;
    boolean moved = false;
    try {
      tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
      long total = 0;
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          OutputStream out = Channels.newOutputStream(ch)) {
        byte[] buf = new byte[COPY_CHUNK];
        int n;
        while ((n = in.read(buf)) != -1) {
          out.write(buf, 0, n);
          total += n;
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
      return total;
    } catch (IOException e) {
      throw new BrokerException("could not write " + target + ": " + e, e);
    } finally {
      if (!moved && tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          LOG.warn("could not delete temporary file {}: {}", tmp, e.toString());
        }
      }
    }
  }
}
