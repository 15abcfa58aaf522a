package no.brokerclient;

/**
 * How {@link BrokerClient} uploads a file. Default {@link #AUTO}.
 */
public enum UploadMode {
  /**
   * {@link #TUS_PARALLEL} for files of at least {@link BrokerClient.Builder#tusThreshold} bytes (default 64 MiB;
   * sequential {@link #TUS} when {@link BrokerClient.Builder#tusParallelParts} is 1), the streamed POST for smaller
   * files and for streams.
   */
  AUTO,
  /** One streamed POST ({@code POST …/{id}/upload}); a broken connection starts the upload again from zero. */
  STREAM,
  /**
   * TUS resumable upload in chunks of {@link BrokerClient.Builder#tusChunkSize} (default 8 MiB): a broken chunk is
   * resumed from the server's offset. Falls back to {@link #STREAM} (with an INFO log line) when the deployment has
   * no TUS endpoint.
   */
  TUS,
  /**
   * TUS in {@link BrokerClient.Builder#tusParallelParts} parts (default 4; fewer for a file of fewer chunks), each
   * a region of the file sent on its own thread and connection and resumed on its own, then joined by Broker
   * ({@code Upload-Concat}). Faster where one TCP stream is window-bound (a WAN); otherwise as {@link #TUS}.
   */
  TUS_PARALLEL
}
