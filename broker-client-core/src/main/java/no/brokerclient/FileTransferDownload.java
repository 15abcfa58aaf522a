package no.brokerclient;

import java.io.IOException;
import java.io.InputStream;
import no.brokerclient.internal.DownloadStream;
import no.brokerclient.model.FileTransferOverview;

/**
 * The bytes of a file transfer as a stream, from {@link BrokerClient#openDownload}. Reading hashes the bytes; when
 * the connection breaks the stream resumes with an HTTP Range request; at end of stream the size and MD5 are
 * checked against the overview and a {@link ChecksumMismatchException} is thrown instead of returning -1 when they
 * differ. So: only act on the data (and confirm the download) after reading to the end without an exception.
 *
 * <p>Always close it (try-with-resources); closing early releases the connection. Not thread-safe.
 */
public final class FileTransferDownload extends InputStream {
  private final DownloadStream delegate;
  private final FileTransferOverview overview;

  FileTransferDownload(DownloadStream delegate, FileTransferOverview overview) {
    this.delegate = delegate;
    this.overview = overview;
  }

  /** @return the overview read before the download started (file name, size, checksum) */
  public FileTransferOverview overview() {
    return overview;
  }

  /** @return bytes read so far */
  public long bytesRead() {
    return delegate.position();
  }

  /** @return the MD5 (lower-case hex) once the end of stream was reached and verified; else {@code null} */
  public String md5() {
    return delegate.md5();
  }

  /** @return whether the end was reached and Broker's checksum matched (false when Broker reported none) */
  public boolean checksumVerified() {
    return delegate.checksumVerified();
  }

  @Override
  public int read() throws IOException {
    return delegate.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return delegate.read(b, off, len);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
