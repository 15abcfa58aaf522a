package no.brokerclient;

/**
 * How {@link BrokerClient} uploads a file. Default {@link #AUTO}.
 */
public enum UploadMode {
  /**
   * TUS for files of at least {@link BrokerClient.Builder#tusThreshold} bytes (default 64 MiB), the streamed POST
   * for smaller files and for streams.
   */
  AUTO,
  /** One streamed POST ({@code POST …/{id}/upload}); a broken connection starts the upload again from zero. */
  STREAM,
  /**
   * TUS resumable upload in chunks of {@link BrokerClient.Builder#tusChunkSize} (default 8 MiB): a broken chunk is
   * resumed from the server's offset. Falls back to {@link #STREAM} (with an INFO log line) when the deployment has
   * no TUS endpoint.
   */
  TUS
}
