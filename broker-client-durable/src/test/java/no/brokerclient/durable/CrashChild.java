package no.brokerclient.durable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.durable.internal.DriverDataSource;

/**
 * The process the crash tests kill: runs an inbox or an outbox against the parent's FakeAltinn and database and,
 * at the chosen point, prints {@code CRASHPOINT <id>} and waits to be killed with {@code destroyForcibly}.
 *
 * <p>Arguments: {@code inbox|outbox|outbox-tus point platformUrl issuer clientId jwkFile jdbcUrl prefix directory
 * id|file}: the inbox offers the file transfer id, the outbox submits the file ({@code outbox-tus}: with TUS in
 * {@link #TUS_PARTS} parts, checkpoints in the database).
 */
public final class CrashChild {
  static final Duration LEASE = Duration.ofSeconds(2);
  /** Parallel parts of the {@code outbox-tus} mode's uploads. */
  static final int TUS_PARTS = 2;

  private CrashChild() {}

  /**
   * @param args see the class comment
   * @throws Exception on failure (the parent then times out)
   */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String point = args[1];
    Maskinporten tokens = TestAltinn.tokens(args[3], args[2], args[4], Files.readString(Path.of(args[5])));
    JdbcDurableStore store = JdbcDurableStore.builder(new DriverDataSource(args[6])).tablePrefix(args[7]).build();
    Path directory = Path.of(args[8]);
    if (mode.equals("inbox")) {
      BrokerClient client = TestAltinn.client(args[2], tokens, Role.RECIPIENT);
      Inbox inbox = Inbox.builder().client(client).store(store).organization(TestAltinn.RECIPIENT_ORG)
          .directory(directory).instanceId("child").lease(LEASE).pollInterval(Duration.ofMillis(100))
          .handler(f -> {
            if (point.equals("in-handler")) {
              crash(f.fileTransferId());
            }
          })
          .hook((step, id) -> {
            if (step.name().toLowerCase().equals(point.replace("after-", ""))) {
              crash(id);
            }
          })
          .build().start();
      inbox.offer(UUID.fromString(args[9]));
      System.out.println("STARTED " + inbox.instanceId());
    } else {
      BrokerClient client = mode.equals("outbox-tus")
          ? TestAltinn.tusClient(args[2], tokens, TUS_PARTS, store.uploadCheckpoints())
          : TestAltinn.client(args[2], tokens, Role.SENDER);
      Outbox outbox = Outbox.builder().client(client).store(store).instanceId("child").lease(LEASE)
          .pollInterval(Duration.ofMillis(100))
          .hook((step, id) -> {
            if (step.name().toLowerCase().equals(point.replace("after-", ""))) {
              crash(id);
            }
          })
          .build().start();
      UUID submission = outbox.submit(TestAltinn.request("crash.bin"), Path.of(args[9])).submissionId();
      System.out.println("SUBMITTED " + submission);
    }
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void crash(UUID id) {
    System.out.println("CRASHPOINT " + id);
    System.out.flush();
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
