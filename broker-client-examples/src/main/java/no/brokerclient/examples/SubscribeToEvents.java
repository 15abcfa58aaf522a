package no.brokerclient.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.UUID;
import no.brokerclient.events.EnsureResult;
import no.brokerclient.events.EventSubscriptions;
import no.brokerclient.events.EventsClient;
import no.brokerclient.events.Subscription;
import no.brokerclient.events.SubscriptionRequest;

/**
 * Subscribes the recipient to Broker's {@code published} events with the builder's preset, and waits until Altinn
 * has validated the webhook endpoint. The endpoint must answer (see {@link ReceiveFiles}); with the fake, this
 * example starts a receiver itself.
 *
 * <pre>./mvnw -B -q -Pdemo verify -Ddemo.main=no.brokerclient.examples.SubscribeToEvents</pre>
 */
public final class SubscribeToEvents {
  private SubscribeToEvents() {}

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (ExampleEnvironment env = ExampleEnvironment.fromEnvironment();
        ReceiveFiles.Receiver receiver = ReceiveFiles.Receiver.start(env, event -> { }, System.out)) {
      System.out.println("Subscribing against " + env.describe());
      run(env, receiver.url(), receiver.secret(), System.out);
    }
  }

  static EnsureResult run(ExampleEnvironment env, String endpoint, String secret, PrintStream out)
      throws InterruptedException {
    List<SubscriptionRequest> wanted = EventSubscriptions.builder()
        .platformUrl(env.platformUrl())
        .resourceId(env.resourceId())
        .subject(env.recipientOrg())
        .endpoint(endpoint)
        .webhookSecret(secret)
        .recipientEvents()
        .build();
    try (EventsClient events = env.events(env.recipient())) {
      EnsureResult result = events.ensure(wanted, true);
      for (EnsureResult.Entry e : result.entries()) {
        out.println("  subscription " + e.subscription().id() + " for " + e.request().typeFilter() + ": "
            + e.outcome());
      }
      for (EnsureResult.Entry e : result.entries()) {
        Subscription s = e.subscription();
        for (int i = 0; i < 200 && !s.validated(); i++) {
          Thread.sleep(50);
          s = events.get(s.id());
        }
        out.println("  subscription " + s.id() + (s.validated() ? " is validated" : " is NOT validated yet"));
      }
      return result;
    }
  }

  static String newSecret() {
    return UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
  }
}
