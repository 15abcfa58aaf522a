package no.brokerclient.examples;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.events.BrokerEventListener;
import no.brokerclient.events.BrokerEventPoller;
import no.brokerclient.events.EventDeduplicator;
import no.brokerclient.events.EventRole;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.events.WebhookServer;
import no.brokerclient.model.DownloadResult;

/**
 * Receives files as the recipient: a webhook receiver (JDK HTTP server) subscribed to {@code published}, plus the
 * polling backstop, both feeding one {@link Inbox} through a shared deduplicator; each file is downloaded,
 * verified and confirmed. With the fake, it first sends one file itself so there is something to receive.
 * Arguments: files to wait for (default 1), seconds to wait (default 60).
 *
 * <pre>./mvnw -B -q -Pdemo verify -Ddemo.main=no.brokerclient.examples.ReceiveFiles</pre>
 */
public final class ReceiveFiles {
  private ReceiveFiles() {}

  /** A running webhook receiver. */
  static final class Receiver implements AutoCloseable {
    private final WebhookServer server;
    private final String url;
    private final String secret;
    private final WebhookHandler handler;

    private Receiver(WebhookServer server, String url, String secret, WebhookHandler handler) {
      this.server = server;
      this.url = url;
      this.secret = secret;
      this.handler = handler;
    }

    static Receiver start(ExampleEnvironment env, BrokerEventListener listener, PrintStream out) throws Exception {
      String secret = SubscribeToEvents.newSecret();
      WebhookHandler handler = WebhookHandler.builder().secret(secret).roles(EventRole.RECIPIENT)
          .deduplicator(new EventDeduplicator()).listener(listener).build();
      InetSocketAddress address = env.isFake()
          ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 0) : new InetSocketAddress(env.webhookPort());
      WebhookServer server = WebhookServer.start(address, "/altinn/events", handler);
      String url = env.webhookUrl(server.getAddress().getPort(), "/altinn/events");
      out.println("  webhook receiver listening on port " + server.getAddress().getPort());
      return new Receiver(server, url, secret, handler);
    }

    String url() {
      return url;
    }

    String secret() {
      return secret;
    }

    /**
     * Starts the polling backstop for the recipient, feeding the same listener and deduplicated against this
     * receiver's webhook deliveries.
     */
    void startPoller(ExampleEnvironment env, BrokerClient recipient, BrokerEventListener listener,
        ScheduledExecutorService scheduler) {
      BrokerEventPoller.builder().client(recipient).resourceId(env.resourceId()).organization(env.recipientOrg())
          .role(EventRole.RECIPIENT).listener(listener).deduplicator(handler.deduplicator()).build()
          .start(scheduler, Duration.ofSeconds(30));
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /**
   * @param args files to wait for, seconds to wait
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    try (ExampleEnvironment env = ExampleEnvironment.fromEnvironment()) {
      System.out.println("Receiving against " + env.describe());
      List<DownloadResult> got = run(env, files, seconds, System.out);
      if (got.size() < files) {
        throw new IllegalStateException("received " + got.size() + " of " + files + " files");
      }
    }
  }

  static List<DownloadResult> run(ExampleEnvironment env, int files, int seconds, PrintStream out) throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (BrokerClient broker = env.broker(env.recipient(), Role.RECIPIENT).build();
        Inbox inbox = new Inbox(broker, Path.of("target", "inbox"), out);
        Receiver receiver = Receiver.start(env, inbox, out)) {
      SubscribeToEvents.run(env, receiver.url(), receiver.secret(), out);
      receiver.startPoller(env, broker, inbox, scheduler);
      if (env.isFake()) {
        out.println("  (fake) sending a file to receive");
        SendFile.run(env, null, out);
      }
      return inbox.await(files, seconds);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
