package no.brokerclient.examples;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.durable.Inbox;
import no.brokerclient.durable.InboxState;
import no.brokerclient.durable.JdbcDurableStore;

/**
 * Receives files through the durable {@link Inbox} on the embedded H2 store, fed by the webhook and the polling
 * backstop: each published transfer is recorded, downloaded and verified, handed to the handler (which copies it to
 * an archive directory, keyed by the file transfer id so a second run is harmless) and confirmed once. Kill it at any
 * point and start it again: nothing is lost, nothing confirmed twice. With the fake, it first sends the files itself.
 * Arguments: files to wait for (default 3), the database file (default {@code target/durable/broker}).
 *
 * <pre>./mvnw -B -q -Pdemo verify -Ddemo.main=no.brokerclient.examples.DurableReceive</pre>
 */
public final class DurableReceive {
  private DurableReceive() {}

  /**
   * @param args files to wait for, database file
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path db = Path.of(args.length > 1 ? args[1] : "target/durable/broker");
    try (ExampleEnvironment env = ExampleEnvironment.fromEnvironment()) {
      System.out.println("Durable receiving against " + env.describe());
      Map<InboxState, Long> counts = run(env, db, files, 120, System.out);
      if (counts.getOrDefault(InboxState.CONFIRMED, 0L) < files) {
        throw new IllegalStateException("confirmed " + counts + ", wanted " + files);
      }
    }
  }

  static Map<InboxState, Long> run(ExampleEnvironment env, Path database, int files, int seconds, PrintStream out)
      throws Exception {
    Path archive = Files.createDirectories(database.toAbsolutePath().resolveSibling("archive"));
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (JdbcDurableStore store = JdbcDurableStore.h2(database);
        BrokerClient broker = env.broker(env.recipient(), Role.RECIPIENT).build();
        Inbox inbox = Inbox.builder()
            .client(broker)
            .store(store)
            .organization(env.recipientOrg())
            .directory(database.toAbsolutePath().resolveSibling("downloads"))
            .handler(file -> {
              // At least once: the same transfer may come again after a crash; the id makes the copy idempotent.
              Path kept = archive.resolve(file.idempotencyKey() + "-" + file.overview().fileName());
              Files.copy(file.path(), kept, StandardCopyOption.REPLACE_EXISTING);
              out.println("  handled " + file.overview().fileName() + " (" + file.size() + " bytes, MD5 " + file.md5()
                  + ") -> " + kept.getFileName());
            })
            .build().start();
        ReceiveFiles.Receiver receiver = ReceiveFiles.Receiver.start(env, inbox.listener(), out)) {
      SubscribeToEvents.run(env, receiver.url(), receiver.secret(), out);
      receiver.startPoller(env, broker, inbox.listener(), scheduler);
      if (env.isFake()) {
        out.println("  (fake) sending " + files + " files through the durable outbox");
        DurableSend.run(env, database.resolveSibling(database.getFileName() + "-sender"), files, out);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      Map<InboxState, Long> counts = store.inboxCounts();
      while (counts.getOrDefault(InboxState.CONFIRMED, 0L) < files && System.nanoTime() < deadline) {
        Thread.sleep(100);
        counts = store.inboxCounts();
      }
      out.println("  inbox rows by state: " + counts);
      return counts;
    } finally {
      scheduler.shutdownNow();
    }
  }
}
