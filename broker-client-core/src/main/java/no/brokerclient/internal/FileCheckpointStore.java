package no.brokerclient.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import no.brokerclient.BrokerException;
import no.brokerclient.UploadCheckpointStore;

/**
 * {@link UploadCheckpointStore} on the file system: beside the source file, or in one directory. Writes go to a
 * temporary file that is then moved into place, so a crash never leaves half a checkpoint. Internal.
 */
public final class FileCheckpointStore implements UploadCheckpointStore {
  private static final long MAX_SIZE = 1 << 20;
  private final Path directory;

  /** @param directory the directory, or {@code null} for beside the source file */
  public FileCheckpointStore(Path directory) {
    this.directory = directory;
  }

  private Path path(UUID id, Path file) {
    Objects.requireNonNull(id, "fileTransferId");
    if (directory != null) {
      return directory.resolve(id + ".tus.json");
    }
    Path abs = file.toAbsolutePath();
    return abs.resolveSibling("." + abs.getFileName() + "." + id + ".tus.json");
  }

  @Override
  public void save(UUID fileTransferId, Path file, String json) {
    Path target = path(fileTransferId, file);
    try {
      Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
      try {
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        try {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new BrokerException("could not save the TUS upload checkpoint " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<String> load(UUID fileTransferId, Path file) {
    Path p = path(fileTransferId, file);
    try {
      if (Files.size(p) > MAX_SIZE) {
        throw new BrokerException("the TUS upload checkpoint " + p + " is larger than 1 MiB: not a checkpoint");
      }
      return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new BrokerException("could not read the TUS upload checkpoint " + p + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(UUID fileTransferId, Path file) {
    try {
      Files.deleteIfExists(path(fileTransferId, file));
    } catch (IOException e) {
      throw new BrokerException("could not delete the TUS upload checkpoint: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return directory == null ? "UploadCheckpointStore.besideFile()" : "UploadCheckpointStore.directory(" + directory
        + ")";
  }
}
