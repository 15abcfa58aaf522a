package no.brokerclient.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import okio.Buffer;

/**
 * A small gzip body that decodes to a huge one, compressed as it is generated (only the compressed bytes are held):
 * {@code head}, then {@code unit} repeated until about {@code decodedBytes}, then {@code tail}.
 */
public final class GzipBomb {
  private GzipBomb() {}

  /**
   * @param head text before the repetition, e.g. {@code [}
   * @param unit the repeated text, e.g. a quoted UUID and a comma
   * @param tail text after it
   * @param decodedBytes about how many bytes the body decodes to
   * @return the compressed body, for {@code Content-Encoding: gzip}
   * @throws IOException never (memory only)
   */
  public static Buffer of(String head, String unit, String tail, long decodedBytes) throws IOException {
    Buffer out = new Buffer();
    byte[] u = unit.getBytes(StandardCharsets.UTF_8);
    byte[] block = new byte[(64 * 1024 / u.length) * u.length];
    for (int i = 0; i < block.length; i += u.length) {
      System.arraycopy(u, 0, block, i, u.length);
    }
    try (OutputStream gz = new GZIPOutputStream(out.outputStream(), 64 * 1024)) {
      gz.write(head.getBytes(StandardCharsets.UTF_8));
      for (long n = 0; n < decodedBytes; n += block.length) {
        gz.write(block);
      }
      gz.write(tail.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }
}
