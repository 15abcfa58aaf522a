package no.brokerclient.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import no.brokerclient.Role;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.UploadResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code broker resume FILE [--id ID] [--checkpoints DIR]}: finishes a TUS upload that an earlier {@code broker send
 * --tus} (or any client with the same checkpoint store) started, from its checkpoint: only the bytes Broker lacks
 * are sent. Without {@code --id} the file transfer is found from the checkpoint's name.
 */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = {
        "Finish a TUS upload after a crash or restart, from its checkpoint (only the missing bytes are sent).",
        "The file must be the same, unchanged file. Without --id, the checkpoint for FILE names the file transfer."})
final class ResumeCommand extends SessionCommand {
  private static final Pattern ID = Pattern.compile(
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  @Mixin
  TusOptions tusOptions;

  @Parameters(index = "0", paramLabel = "FILE", description = "the file the upload was sending")
  Path file;

  @Option(names = "--id", paramLabel = "ID", description = "the file transfer (default: from FILE's checkpoint)")
  String id;

  @Option(names = "--wait", paramLabel = "DURATION", arity = "0..1", fallbackValue = "PT5M",
      description = "then wait until Published, at most this long (ISO-8601; --wait alone: PT5M)")
  Duration wait;

  @Option(names = "--json", description = "print the overview as JSON")
  boolean json;

  private UUID fid;

  ResumeCommand() {
    super(Role.SENDER);
  }

  @Override
  void check() throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new CliException(ExitCode.USAGE, file + " is not a file");
    }
    fid = id != null ? Commands.id(id) : fromCheckpoint();
  }

  @Override
  int run(Session s) throws IOException {
    tusOptions.apply(s, file, ctx.err());
    UploadResult r = s.broker().resumeUpload(fid, file, new Progress(json ? ctx.err() : ctx.out(), ctx.tty(),
        "uploading"));
    FileTransferOverview ov = wait != null
        ? s.broker().awaitStatus(fid, FileTransferStatus.PUBLISHED, wait) : s.broker().getOverview(fid);
    if (json) {
      Json.print(ctx.out(), ov);
    } else {
      ctx.out().println("resumed " + fid + " " + ov.fileTransferStatus() + " (" + ov.fileName() + ", "
          + r.size() + " bytes" + (r.md5() != null ? ", MD5 " + r.md5() : "") + ")");
    }
    return 0;
  }

  /** The file transfer whose checkpoint is beside FILE, or the only one in --checkpoints. */
  private UUID fromCheckpoint() throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = tusOptions.checkpoints != null ? tusOptions.checkpoints : abs.getParent();
    String prefix = tusOptions.checkpoints != null ? "" : "." + abs.getFileName() + ".";
    List<UUID> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tus.json")) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        String rest = name.startsWith(prefix) ? name.substring(prefix.length()) : "";
        if (rest.length() == 36 + ".tus.json".length() && ID.matcher(rest.substring(0, 36)).matches()) {
          found.add(UUID.fromString(rest.substring(0, 36)));
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // no directory, no checkpoint
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      throw new CliException(ExitCode.NOT_FOUND, "no TUS checkpoint for " + file + " in " + dir + ": give --id (and"
          + " --checkpoints DIR if the upload kept its checkpoints there)");
    }
    throw new CliException(ExitCode.USAGE, found.size() + " TUS checkpoints in " + dir + " (" + found + "): choose"
        + " one with --id");
  }
}
