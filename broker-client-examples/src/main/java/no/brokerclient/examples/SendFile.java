package no.brokerclient.examples;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.SendOptions;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;

/**
 * Sends a file as the sender: MD5, initialize, streamed upload with a progress bar, then waits for the virus scan
 * to publish it. Argument: the file to send (default: a generated 8 MB file).
 *
 * <pre>./mvnw -B -q -Pdemo verify -Ddemo.main=no.brokerclient.examples.SendFile</pre>
 */
public final class SendFile {
  private SendFile() {}

  /**
   * @param args optional file path
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (ExampleEnvironment env = ExampleEnvironment.fromEnvironment()) {
      System.out.println("Sending against " + env.describe());
      run(env, args.length > 0 ? Path.of(args[0]) : null, System.out);
    }
  }

  static FileTransferOverview run(ExampleEnvironment env, Path file, PrintStream out) throws Exception {
    Path f = file != null ? file : sampleFile(8_000_000);
    try (BrokerClient broker = env.broker(env.sender(), Role.SENDER).build()) {
      FileTransferOverview sent = broker.send(
          FileTransferInitialize.builder()
              .resourceId(env.resourceId())
              .fileName(f.getFileName().toString())
              .sender(env.senderOrg())
              .recipient(env.recipientOrg())
              .property("example", "SendFile")
              .build(),
          f,
          SendOptions.builder()
              .progressListener(new ConsoleProgress(out, "upload  "))
              .awaitPublished(Duration.ofMinutes(10))
              .build());
      out.println("  file transfer " + sent.fileTransferId() + " is " + sent.fileTransferStatus() + " ("
          + sent.fileTransferSize() + " bytes, MD5 " + sent.checksum() + ")");
      return sent;
    }
  }

  static Path sampleFile(long size) throws Exception {
    Path f = Files.createTempFile("broker-example-", ".bin");
    f.toFile().deleteOnExit();
    Random r = new Random(42);
    byte[] buf = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(f)) {
      for (long left = size; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
    return f;
  }
}
