package no.brokerclient.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferDetails;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.RecipientFileTransferStatus;
import no.brokerclient.model.RecipientStatus;
import no.brokerclient.model.SearchRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The file-transfer commands: search/list, status, details, download, confirm, receive. */
final class TransferCommands {
  private TransferCommands() {}

  static final class StatusConverter implements ITypeConverter<FileTransferStatus> {
    @Override
    public FileTransferStatus convert(String value) {
      return FileTransferStatus.valueOf(value);
    }
  }

  static final class RecipientStatusConverter implements ITypeConverter<RecipientFileTransferStatus> {
    @Override
    public RecipientFileTransferStatus convert(String value) {
      return RecipientFileTransferStatus.valueOf(value);
    }
  }

  static void table(PrintWriter out, List<FileTransferOverview> rows) {
    String fmt = "%-36s  %-22s  %12s  %-20s  %s%n";
    out.printf(java.util.Locale.ROOT, fmt, "ID", "STATUS", "SIZE", "CREATED", "FILE");
    for (FileTransferOverview o : rows) {
      out.printf(java.util.Locale.ROOT, fmt, o.fileTransferId(), o.fileTransferStatus(),
          Progress.size(o.fileTransferSize()), o.created() == null ? "" : o.created().toString().substring(0,
              Math.min(19, o.created().toString().length())), o.fileName());
    }
  }

  /** A file name from Broker as a safe single path segment under {@code dir}. */
  static Path target(Path dir, String fileName, UUID id) {
    String n = fileName == null ? "" : fileName.replace('\\', '/');
    n = n.substring(n.lastIndexOf('/') + 1);
    if (n.isBlank() || n.equals(".") || n.equals("..") || n.chars().anyMatch(c -> c < 32)) {
      n = id.toString();
    }
    return dir.resolve(n);
  }

  @Command(name = "search", aliases = "list", mixinStandardHelpOptions = true,
      description = "Search file transfers on the resource (Broker's filters) and show them as a table or JSON.")
  static final class Search extends SessionCommand {
    /** Read by {@link SessionCommand}. */
    @Option(names = "--role", paramLabel = "ROLE", description = "sender or recipient (BROKER_ROLE; default sender)")
    String role;
    @Option(names = "--status", paramLabel = "STATUS", converter = StatusConverter.class,
        description = "e.g. Published")
    FileTransferStatus status;
    @Option(names = "--recipient-status", paramLabel = "STATUS", converter = RecipientStatusConverter.class,
        description = "e.g. DownloadConfirmed")
    RecipientFileTransferStatus recipientStatus;
    @Option(names = "--from", paramLabel = "INSTANT", description = "created at or after (ISO-8601)")
    Instant from;
    @Option(names = "--until", paramLabel = "INSTANT", description = "created before (ISO-8601)")
    Instant until;
    @Option(names = "--ascending", description = "oldest first")
    boolean ascending;
    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    int run(Session s) {
      FileTransferSearch.Builder b = FileTransferSearch.builder(s.resource())
          .role(s.role == Role.RECIPIENT ? SearchRole.RECIPIENT : SearchRole.SENDER);
      if (status != null) {
        b.status(status);
      }
      if (recipientStatus != null) {
        b.recipientStatus(recipientStatus);
      }
      if (from != null) {
        b.from(from);
      }
      if (until != null) {
        b.to(until);
      }
      if (ascending) {
        b.orderAscending(true);
      }
      List<FileTransferOverview> rows = new ArrayList<>();
      for (UUID id : s.broker().search(b.build())) {
        rows.add(s.broker().getOverview(id));
      }
      if (json) {
        Json.print(ctx.out(), rows);
      } else {
        table(ctx.out(), rows);
      }
      return 0;
    }
  }

  /** Options of the commands that take one file-transfer id. */
  abstract static class OneTransfer extends SessionCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "the file transfer id")
    String id;
    @Option(names = "--json", description = "print JSON")
    boolean json;
    UUID fid;

    OneTransfer() {}

    OneTransfer(Role role) {
      super(role);
    }

    @Override
    void check() {
      fid = Commands.id(id);
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a file transfer's overview.")
  static final class Status extends OneTransfer {
    @Override
    int run(Session s) {
      FileTransferOverview o = s.broker().getOverview(fid);
      if (json) {
        Json.print(ctx.out(), o);
        return 0;
      }
      PrintWriter out = ctx.out();
      out.println(o.fileTransferId() + "  " + o.fileTransferStatus() + "  " + o.fileName() + "  "
          + o.fileTransferSize() + " bytes  from " + o.sender());
      for (RecipientStatus r : o.recipients()) {
        out.println("  " + r.recipient() + "  " + r.currentRecipientFileTransferStatusCode() + "  "
            + r.currentRecipientFileTransferStatusChanged());
      }
      return 0;
    }
  }

  @Command(name = "details", mixinStandardHelpOptions = true,
      description = "Show a file transfer's history (status and recipient changes).")
  static final class Details extends OneTransfer {
    @Override
    int run(Session s) {
      FileTransferDetails d = s.broker().getDetails(fid);
      if (json) {
        Json.print(ctx.out(), d);
        return 0;
      }
      PrintWriter out = ctx.out();
      out.println(d.fileTransferId() + "  " + d.fileTransferStatus() + "  " + d.fileName());
      for (FileTransferDetails.StatusChange c : d.fileTransferStatusHistory()) {
        out.println("  " + c.fileTransferStatusChanged() + "  " + c.fileTransferStatus());
      }
      for (FileTransferDetails.RecipientStatusChange c : d.recipientFileTransferStatusHistory()) {
        out.println("  " + c.recipientFileTransferStatusChanged() + "  " + c.recipient() + "  "
            + c.recipientFileTransferStatusCode());
      }
      return 0;
    }
  }

  @Command(name = "download", mixinStandardHelpOptions = true,
      description = "Download a published file (MD5 verified) as the recipient. Does not confirm.")
  static final class Download extends OneTransfer {
    @Option(names = "--out", paramLabel = "DIR", description = "directory (default: the current one)")
    Path out = Path.of(".");
    @Option(names = "--ranges", paramLabel = "N", description = "byte ranges fetched at once, each on its own"
        + " connection and resuming on its own (1 to 16; default 1, one stream; 4 for big files over a WAN)")
    int ranges = 1;

    Download() {
      super(Role.RECIPIENT);
    }

    @Override
    void check() {
      super.check();
      checkRanges(ranges);
    }

    @Override
    int run(Session s) throws java.io.IOException {
      DownloadResult r = fetch(s, fid, out, ranges, ctx, json);
      if (json) {
        Json.print(ctx.out(), r);
      } else {
        ctx.out().println("downloaded " + fid + " to " + r.path() + " (" + r.size() + " bytes, MD5 "
            + (r.checksumVerified() ? "verified" : "not available") + ")");
      }
      return 0;
    }
  }

  /** {@code --ranges} of download and receive, checked before the session opens (core checks it again). */
  static void checkRanges(int ranges) {
    if (ranges < 1 || ranges > BrokerClient.MAX_DOWNLOAD_RANGES) {
      throw new CliException(ExitCode.USAGE, "--ranges must be 1 to " + BrokerClient.MAX_DOWNLOAD_RANGES
          + ", got " + ranges);
    }
  }

  static DownloadResult fetch(Session s, UUID fid, Path dir, int ranges, Context ctx, boolean quiet)
      throws java.io.IOException {
    FileTransferOverview o = s.broker().getOverview(fid);
    Files.createDirectories(dir);
    Path target = target(dir, o.fileName(), fid);
    if (Files.exists(target)) {
      throw new CliException(ExitCode.CONFLICT, target + " exists; not overwriting (choose another --out)");
    }
    return s.broker().download(fid, target, ranges,
        new Progress(quiet ? ctx.err() : ctx.out(), ctx.tty(), "downloading"));
  }

  @Command(name = "confirm", mixinStandardHelpOptions = true,
      description = "Confirm a downloaded file as the recipient.")
  static final class Confirm extends OneTransfer {
    Confirm() {
      super(Role.RECIPIENT);
    }

    @Override
    int run(Session s) {
      s.broker().confirmDownload(fid);
      ctx.out().println("confirmed " + fid);
      return 0;
    }
  }

  @Command(name = "receive", mixinStandardHelpOptions = true,
      description = "Download, verify and confirm every published file for BROKER_RECIPIENT_ORG; with --loop, keep"
          + " polling until interrupted.")
  static final class Receive extends SessionCommand {
    @Option(names = "--out", paramLabel = "DIR", description = "directory; each file goes to DIR/ID/NAME"
        + " (default: the current one)")
    Path out = Path.of(".");
    @Option(names = "--loop", description = "keep polling")
    boolean loop;
    @Option(names = "--interval", paramLabel = "DURATION", description = "between polls with --loop (default PT30S;"
        + " Broker allows 10 searches a minute)")
    Duration interval = Duration.ofSeconds(30);
    @Option(names = "--ranges", paramLabel = "N", description = "byte ranges per download (1 to 16; default 1)")
    int ranges = 1;

    Receive() {
      super(Role.RECIPIENT);
    }

    @Override
    void check() {
      checkRanges(ranges);
    }

    @Override
    int run(Session s) throws java.io.IOException, InterruptedException {
      do {
        List<UUID> ids = s.broker().search(FileTransferSearch.builder(s.resource()).role(SearchRole.RECIPIENT)
            .status(FileTransferStatus.PUBLISHED).orderAscending(true).build());
        var me = s.org();
        for (UUID id : ids) {
          RecipientStatus mine = me == null ? null : s.broker().getOverview(id).recipient(me);
          if (mine != null && RecipientFileTransferStatus.DOWNLOAD_CONFIRMED.equals(
              mine.currentRecipientFileTransferStatusCode())) {
            continue; // confirmed by us, still Published for another recipient
          }
          DownloadResult r = fetch(s, id, out.resolve(id.toString()), ranges, ctx, false);
          s.broker().confirmDownload(id);
          ctx.out().println("received " + id + " → " + r.path() + " (" + r.size() + " bytes, MD5 "
              + (r.checksumVerified() ? "verified" : "not available") + "), confirmed");
        }
        if (ids.isEmpty() && !loop) {
          ctx.out().println("nothing to receive");
        }
        if (loop) {
          Thread.sleep(interval.toMillis());
        }
      } while (loop);
      return 0;
    }
  }
}
