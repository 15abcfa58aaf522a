package no.brokerclient.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import no.brokerclient.UploadCheckpointStore;
import picocli.CommandLine.Option;

/**
 * The TUS options {@code send} and {@code resume} share: parts, chunk size and where checkpoints go. The checkpoint
 * store announces each file transfer once its checkpoint exists, with the command that resumes it after a crash.
 */
final class TusOptions {
  @Option(names = "--parts", paramLabel = "N",
      description = "send with TUS in N parallel parts (1 to 64; implies --tus; default with --tus alone: 1)")
  Integer parts;

  @Option(names = "--chunk-size", paramLabel = "BYTES", converter = SizeConverter.class,
      description = "bytes per TUS PATCH, e.g. 8M (default 8 MiB; Broker's 50,000-block limit may raise it)")
  Long chunkSize;

  @Option(names = "--checkpoints", paramLabel = "DIR",
      description = "directory for TUS checkpoints (default: .<file>.<id>.tus.json beside the file)")
  Path checkpoints;

  /**
   * Configures the session's Broker client: parts, chunk size and the announcing checkpoint store.
   *
   * @param s the session
   * @param file the file being sent (for the resume hint)
   * @param announce where to say that an upload can be resumed
   */
  void apply(Session s, Path file, PrintWriter announce) {
    if (parts != null && (parts < 1 || parts > 64)) {
      throw new CliException(ExitCode.USAGE, "--parts must be 1 to 64, not " + parts);
    }
    if (checkpoints != null && !Files.isDirectory(checkpoints)) {
      throw new CliException(ExitCode.USAGE, "--checkpoints " + checkpoints + " is not a directory");
    }
    UploadCheckpointStore store = new Announcing(checkpoints == null ? UploadCheckpointStore.besideFile()
        : UploadCheckpointStore.directory(checkpoints), file, checkpoints, announce);
    s.tune(b -> {
      b.uploadCheckpoints(store);
      if (parts != null) {
        b.tusParallelParts(parts);
      }
      if (chunkSize != null) {
        b.tusChunkSize(chunkSize);
      }
    });
  }

  /** @return the resume command for a file transfer (the hint printed once its checkpoint is saved) */
  String resumeCommand(UUID id, Path file) {
    return "broker resume " + file + " --id " + id + (checkpoints != null ? " --checkpoints " + checkpoints : "");
  }

  /** {@code 8388608}, {@code 512K}, {@code 8M}, {@code 1G} (binary multiples). */
  static final class SizeConverter implements picocli.CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.strip().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
      long factor = 1;
      if (!v.isEmpty() && "KMG".indexOf(v.charAt(v.length() - 1)) >= 0) {
        factor = 1L << (10 * ("KMG".indexOf(v.charAt(v.length() - 1)) + 1));
        v = v.substring(0, v.length() - 1);
      }
      try {
        long n = Long.parseLong(v.strip());
        if (n < 1) {
          throw new NumberFormatException();
        }
        return Math.multiplyExact(n, factor);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new picocli.CommandLine.TypeConversionException("not a positive size (e.g. 8M): " + value);
      }
    }
  }

  /** Delegates; the first save for a file transfer prints how to resume it. */
  private final class Announcing implements UploadCheckpointStore {
    private final UploadCheckpointStore delegate;
    private final Path file;
    private final Path dir;
    private final PrintWriter out;
    private final Set<UUID> announced = ConcurrentHashMap.newKeySet();

    Announcing(UploadCheckpointStore delegate, Path file, Path dir, PrintWriter out) {
      this.delegate = delegate;
      this.file = file;
      this.dir = dir;
      this.out = out;
    }

    @Override
    public void save(UUID fileTransferId, Path f, String json) {
      delegate.save(fileTransferId, f, json);
      if (announced.add(fileTransferId)) {
        synchronized (out) {
          out.println("file transfer " + fileTransferId + ": TUS checkpoint saved" + (dir != null ? " in " + dir
              : " beside " + file) + "; after a crash: " + resumeCommand(fileTransferId, file));
          out.flush();
        }
      }
    }

    @Override
    public Optional<String> load(UUID fileTransferId, Path f) {
      return delegate.load(fileTransferId, f);
    }

    @Override
    public void delete(UUID fileTransferId, Path f) {
      delegate.delete(fileTransferId, f);
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
