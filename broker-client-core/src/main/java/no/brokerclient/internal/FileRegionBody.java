package no.brokerclient.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;
import no.brokerclient.ProgressListenerException;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A region of a file as a request body, read with positional reads through one 64 KiB buffer, so a chunk of any
 * size takes constant memory. Repeatable: each {@link #writeTo} reads the region again. Reports each write's end
 * position in the file. Internal.
 */
public final class FileRegionBody extends RequestBody {
  private static final int BUFFER = 64 * 1024;

  private final Path file;
  private final long start;
  private final long length;
  private final MediaType type;
  private final LongConsumer position;

  /**
   * @param file the file
   * @param start the region's first byte
   * @param length the region's length
   * @param type the Content-Type
   * @param position told the file position after each write; may throw {@link ProgressListenerException}
   */
  public FileRegionBody(Path file, long start, long length, MediaType type, LongConsumer position) {
    this.file = file;
    this.start = start;
    this.length = length;
    this.type = type;
    this.position = position;
  }

  @Override
  public MediaType contentType() {
    return type;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long done = 0;
      while (done < length) {
        buf.clear().limit((int) Math.min(BUFFER, length - done));
        int n = ch.read(buf, start + done);
        if (n < 0) {
          throw new IOException(file + " ended at " + (start + done) + " bytes, before the region's end at "
              + (start + length) + ": the file shrank while it was sent");
        }
        sink.write(buf.array(), 0, n);
        done += n;
        try {
          position.accept(start + done);
        } catch (ProgressListenerException e) {
          // An IOException, so that OkHttp discards the half-written connection; Interruptible rethrows e.
          throw new Interruptible.CallbackAbort(e);
        }
      }
    }
  }
}
