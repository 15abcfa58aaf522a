package no.brokerclient;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import no.brokerclient.internal.FileCheckpointStore;

/**
 * Keeps the checkpoint of a TUS upload, so that {@link BrokerClient#resumeUpload} can finish it after a restart:
 * a small JSON document (the part URLs, their file regions, the chunk size, the file's size and modification
 * time; never a token or key) saved once all parts are created and deleted when Broker accepted the upload. Store
 * it anywhere (a database row, a blob) by implementing this; the default, {@link #besideFile()}, writes it next to
 * the source file. Broker drops incomplete uploads after 24 h without a PATCH or HEAD; a checkpoint older than
 * that leads to a 404 on resume (initialize a new transfer). Implementations must be thread-safe.
 */
public interface UploadCheckpointStore {
  /**
   * Saves (replaces) a checkpoint.
   *
   * @param fileTransferId the transfer
   * @param file the source file
   * @param json the checkpoint
   */
  void save(UUID fileTransferId, Path file, String json);

  /**
   * @param fileTransferId the transfer
   * @param file the source file
   * @return the checkpoint saved for them, if any
   */
  Optional<String> load(UUID fileTransferId, Path file);

  /**
   * Deletes a checkpoint, if there is one.
   *
   * @param fileTransferId the transfer
   * @param file the source file
   */
  void delete(UUID fileTransferId, Path file);

  /** @return the default: {@code .<file name>.<fileTransferId>.tus.json} in the source file's directory */
  static UploadCheckpointStore besideFile() {
    return new FileCheckpointStore(null);
  }

  /**
   * @param directory an existing, writable directory
   * @return a store writing {@code <fileTransferId>.tus.json} files there
   */
  static UploadCheckpointStore directory(Path directory) {
    return new FileCheckpointStore(directory);
  }
}
