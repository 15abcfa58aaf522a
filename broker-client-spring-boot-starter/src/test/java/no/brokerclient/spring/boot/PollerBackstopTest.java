package no.brokerclient.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import no.brokerclient.events.BrokerEvent;
import no.brokerclient.events.BrokerEventListener;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.spring.boot.test.EnableFakeAltinn;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Without a webhook (no secret, no web server) the poller alone finds a published file on the Spring-managed
 * scheduler and hands it to the listener bean, and the health status records the successful poll.
 */
@Tag("slow") // about 15 s of polling; the JDK 25 CI build skips it, the JDK 17 one runs it on Boot 3 and 4
@SpringBootTest(properties = {
    "broker.roles=recipient",
    "broker.system-user.organization=986252932",
    "broker.registrations.sender.roles=sender",
    "broker.registrations.sender.system-user.organization=991825827",
    "broker.events.subscriptions[0].resource-id=poll-resource",
    "broker.events.ensure-subscriptions=false",
    "broker.events.poller.interval=6s",
    "broker.events.poller.initial-delay=0s"})
@EnableFakeAltinn(resources = "poll-resource")
class PollerBackstopTest {
  @Autowired BrokerClients clients;
  @Autowired BrokerStatus status;
  @Autowired BlockingQueue<BrokerEvent> received;

  @Test
  void thePollerFindsWhatNoWebhookDelivered(@TempDir Path dir, @Autowired ApplicationContext context)
      throws Exception {
    assertThat(context.getBeanNamesForType(WebhookHandler.class)).isEmpty();
    FileTransferOverview sent = clients.get("sender").send(FileTransferInitialize.builder()
        .resourceId("poll-resource").fileName("polled.txt").sender("991825827").recipient("986252932").build(),
        Files.writeString(dir.resolve("polled.txt"), "found by polling"));
    BrokerEvent e = received.poll(60, TimeUnit.SECONDS);
    assertThat(e).isNotNull();
    assertThat(e.fileTransferId()).isEqualTo(sent.fileTransferId());
    assertThat(e.origin()).isEqualTo(BrokerEvent.Origin.POLL);
    assertThat(status.polls()).containsKey("recipient:poll-resource:986252932");
    assertThat(status.polls().get("recipient:poll-resource:986252932").lastSuccess()).isNotNull();
  }

  @SpringBootApplication
  static class App {
    @Bean
    BlockingQueue<BrokerEvent> received() {
      return new LinkedBlockingQueue<>();
    }

    @Bean
    BrokerEventListener queueing(BlockingQueue<BrokerEvent> received) {
      return received::add;
    }
  }
}
