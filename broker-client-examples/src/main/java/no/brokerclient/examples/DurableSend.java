package no.brokerclient.examples;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.durable.JdbcDurableStore;
import no.brokerclient.durable.Outbox;
import no.brokerclient.durable.OutboxEntry;
import no.brokerclient.model.FileTransferInitialize;

/**
 * Sends files through the durable {@link Outbox} on the embedded H2 store: each submission is recorded before any
 * call to Broker, so killing this program at any point and starting it again finishes what was started (no transfer
 * initialized twice). Argument: the database file (default {@code target/durable/broker}).
 *
 * <pre>./mvnw -B -q -Pdemo verify -Ddemo.main=no.brokerclient.examples.DurableSend</pre>
 */
public final class DurableSend {
  private DurableSend() {}

  /**
   * @param args optional database file
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (ExampleEnvironment env = ExampleEnvironment.fromEnvironment()) {
      System.out.println("Durable sending against " + env.describe());
      run(env, Path.of(args.length > 0 ? args[0] : "target/durable/broker"), 3, System.out);
    }
  }

  static List<OutboxEntry> run(ExampleEnvironment env, Path database, int files, PrintStream out) throws Exception {
    Files.createDirectories(database.toAbsolutePath().getParent());
    try (JdbcDurableStore store = JdbcDurableStore.h2(database);
        BrokerClient broker = env.broker(env.sender(), Role.SENDER).build();
        Outbox outbox = Outbox.builder().client(broker).store(store).build().start()) {
      List<OutboxEntry> submitted = new ArrayList<>();
      for (int i = 0; i < files; i++) {
        Path f = SendFile.sampleFile(100_000 + i);
        OutboxEntry s = outbox.submit(FileTransferInitialize.builder()
            .resourceId(env.resourceId())
            .fileName("durable-" + i + ".bin")
            .sender(env.senderOrg())
            .recipient(env.recipientOrg())
            .build(), f);
        out.println("  submitted " + s.submissionId() + " (reference " + s.request().sendersFileTransferReference()
            + "): " + s.state());
        submitted.add(s);
      }
      List<OutboxEntry> done = new ArrayList<>();
      for (OutboxEntry s : submitted) {
        OutboxEntry d = outbox.await(s.submissionId(), Duration.ofMinutes(10));
        out.println("  " + s.submissionId() + " is " + d.state() + " as file transfer " + d.fileTransferId());
        done.add(d);
      }
      return done;
    }
  }
}
