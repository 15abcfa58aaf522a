package no.brokerclient.testing;

import java.io.InputStream;

/** A deterministic pseudo-random byte stream of a given length, generated on the fly in constant memory. */
public final class GeneratedStream extends InputStream {
  private final long length;
  private long position;
  private long state;

  /**
   * @param length bytes to produce
   * @param seed different seeds give different content
   */
  public GeneratedStream(long length, long seed) {
    this.length = length;
    this.state = seed | 1;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  /** Skips without producing the bytes: only the generator's state advances (once every 8 bytes). */
  @Override
  public long skip(long n) {
    long end = Math.min(length, position + Math.max(0, n));
    for (long p = (position + 7) & ~7L; p < end; p += 8) {
      state ^= state << 13;
      state ^= state >>> 7;
      state ^= state << 17;
    }
    long skipped = end - position;
    position = end;
    return skipped;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(len, length - position);
    for (int i = 0; i < n; i++) {
      if (((position + i) & 7) == 0) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
      }
      b[off + i] = (byte) (state >>> (((position + i) & 7) * 8));
    }
    position += n;
    return n;
  }
}
