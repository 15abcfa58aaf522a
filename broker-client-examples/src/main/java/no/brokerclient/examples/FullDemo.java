package no.brokerclient.examples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.testkit.FakeAltinn;

/**
 * The whole flow end to end: the service owner configures the resource; the recipient starts a webhook receiver,
 * subscribes and starts the polling backstop; the sender sends a file; the {@code published} event reaches the
 * recipient, which downloads, verifies and confirms; the sender sees {@code AllConfirmedDownloaded}. Runs against
 * the embedded FakeAltinn unless {@code BROKER_ENV=tt02}. Exits non-zero if any step fails.
 *
 * <pre>./mvnw -B -q -Pdemo verify</pre>
 */
public final class FullDemo {
  private FullDemo() {}

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (ExampleEnvironment env = ExampleEnvironment.fromEnvironment()) {
      run(env, System.out);
    }
  }

  static DownloadResult run(ExampleEnvironment env, PrintStream out) throws Exception {
    out.println("broker-client full demo against " + env.describe());
    out.println("1. Service owner configures resource " + env.resourceId());
    ServiceOwnerSetup.run(env, out);

    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (BrokerClient recipient = env.broker(env.recipient(), Role.RECIPIENT).build();
        BrokerClient sender = env.broker(env.sender(), Role.SENDER).build();
        Inbox inbox = new Inbox(recipient, Path.of("target", "demo-inbox"), out);
        ReceiveFiles.Receiver receiver = ReceiveFiles.Receiver.start(env, inbox, out)) {
      out.println("2. Recipient " + env.recipientOrg() + " subscribes to published events");
      SubscribeToEvents.run(env, receiver.url(), receiver.secret(), out);
      receiver.startPoller(env, recipient, inbox, scheduler);

      out.println("3. Sender " + env.senderOrg() + " sends a file");
      FileTransferOverview sent = SendFile.run(env, null, out);

      out.println("4. Recipient receives it (webhook, with polling as backstop)");
      List<DownloadResult> got = inbox.await(1, 120);
      DownloadResult r = got.stream().filter(d -> d.fileTransferId().equals(sent.fileTransferId())).findFirst()
          .orElseThrow(() -> new IllegalStateException("the file never arrived at the recipient"));
      if (!r.md5().equals(sent.checksum())) {
        throw new IllegalStateException("received MD5 " + r.md5() + " but sent " + sent.checksum());
      }

      out.println("5. Sender sees the transfer confirmed by every recipient");
      FileTransferOverview done = sender.awaitStatus(sent.fileTransferId(), FileTransferStatus.ALL_CONFIRMED_DOWNLOADED,
          Duration.ofMinutes(2));
      out.println("  status " + done.fileTransferStatus() + ": " + done.fileTransferStatusText());

      if (env.isFake()) {
        summary(env.fake(), out);
      }
      out.println("Demo complete: " + r.size() + " bytes sent, received, verified (MD5 " + r.md5()
          + ") and confirmed.");
      return r;
    } finally {
      scheduler.shutdownNow();
    }
  }

  private static void summary(FakeAltinn fake, PrintStream out) {
    Map<String, Integer> byEndpoint = new TreeMap<>();
    for (FakeAltinn.Call c : fake.calls()) {
      String path = c.path().replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "{id}").replaceAll("/\\d+$", "/{id}");
      byEndpoint.merge(c.method() + " " + path + " -> " + c.status(), 1, Integer::sum);
    }
    out.println("  FakeAltinn answered " + fake.calls().size() + " requests:");
    byEndpoint.forEach((k, v) -> out.println("    " + v + " x " + k));
    out.println("  Broker raised " + fake.raisedEvents().size() + " events; " + fake.deliveries().size()
        + " webhook deliveries");
  }
}
