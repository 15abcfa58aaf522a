package no.brokerclient.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.brokerclient.Role;
import no.brokerclient.SendOptions;
import no.brokerclient.UploadMode;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code broker send FILE --to ORG…}: MD5, initialize, upload (streamed, or TUS with {@code --tus [--parts N]}),
 * optionally wait for Published. A TUS upload announces its file transfer id once its checkpoint is saved, so
 * {@code broker resume} can finish it after a crash.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
    description = "Send a file to one or more organisations (as BROKER_SENDER_ORG, on BROKER_RESOURCE).")
final class SendCommand extends SessionCommand {
  @Parameters(index = "0", paramLabel = "FILE", description = "the file to send")
  Path file;

  @Option(names = "--to", required = true, split = ",", arity = "1..*", paramLabel = "ORGNO",
      description = "recipient organisation numbers")
  List<String> to;

  @Option(names = "--property", paramLabel = "KEY=VALUE", description = "a property for the recipients (repeatable)")
  Map<String, String> properties;

  @Option(names = "--reference", paramLabel = "TEXT", description = "sendersFileTransferReference (default: a UUID)")
  String reference;

  @Option(names = "--name", paramLabel = "NAME", description = "file name recipients see (default: FILE's name)")
  String name;

  @Option(names = "--wait", paramLabel = "DURATION", arity = "0..1", fallbackValue = "PT5M",
      description = "wait until Published, at most this long (ISO-8601; --wait alone: PT5M)")
  Duration wait;

  @Option(names = "--json", description = "print the overview as JSON")
  boolean json;

  @Option(names = "--tus", description = "upload with TUS (resumable chunks; see --parts); default: TUS from 64 MiB"
      + " in 4 parts, one streamed POST below")
  boolean tus;

  @Mixin
  TusOptions tusOptions;

  SendCommand() {
    super(Role.SENDER);
  }

  @Override
  int run(Session s) {
    FileTransferInitialize.Builder b = FileTransferInitialize.builder()
        .fileName(name != null ? name : file.getFileName().toString())
        .resourceId(s.resource())
        .sender(s.senderOrg())
        .recipients(to);
    if (properties != null) {
      b.propertyList(properties);
    }
    if (reference != null) {
      b.sendersFileTransferReference(reference);
    }
    SendOptions.Builder o = SendOptions.builder()
        .progressListener(new Progress(json ? ctx.err() : ctx.out(), ctx.tty(), "uploading"));
    if (wait != null) {
      o.awaitPublished(wait);
    }
    Integer parts = tusOptions.parts;
    if (tus || parts != null) {
      o.uploadMode(parts != null && parts > 1 ? UploadMode.TUS_PARALLEL : UploadMode.TUS);
    }
    tusOptions.apply(s, file, ctx.err());
    FileTransferOverview ov = s.broker().send(b.build(), file, o.build());
    if (json) {
      Json.print(ctx.out(), ov);
    } else {
      ctx.out().println("sent " + ov.fileTransferId() + " " + ov.fileTransferStatus() + " (" + ov.fileName() + ", "
          + ov.fileTransferSize() + " bytes, to " + String.join(", ", to) + ")");
    }
    return 0;
  }
}
