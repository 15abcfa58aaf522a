package no.brokerclient.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import no.brokerclient.durable.Inbox;
import no.brokerclient.durable.InboxHandler;
import no.brokerclient.durable.InboxState;
import no.brokerclient.durable.JdbcDurableStore;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.spring.boot.test.EnableFakeAltinn;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/**
 * A recipient application with an embedded H2 DataSource and an {@link InboxHandler} bean: the starter wires the
 * durable inbox to it, the webhook's published event becomes an inbox row, the file is downloaded, handed to the
 * handler bean once, and confirmed at Broker exactly once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "broker.roles=recipient",
    "broker.system-user.organization=986252932",
    "broker.registrations.sender.roles=sender",
    "broker.registrations.sender.system-user.organization=991825827",
    "broker.events.webhook.secret=durable-webhook-secret",
    "broker.events.subscriptions[0].resource-id=durable-resource",
    "broker.events.poller.initial-delay=1h",
    // H2 needs PostgreSQL mode for the store's SQL (what JdbcDurableStore.h2 sets)
    "spring.datasource.url=jdbc:h2:mem:durable-starter;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "broker.durable.table-prefix=starter_",
    "broker.durable.concurrency=2",
    "broker.durable.poll-interval=200ms"})
@EnableFakeAltinn(resources = "durable-resource")
class DurableInboxEndToEndTest {
  @Autowired FakeAltinn altinn;
  @Autowired BrokerClients clients;
  @Autowired Inbox inbox;
  @Autowired JdbcDurableStore store;
  @Autowired Handled handled;

  @Test
  void aFileSentToTheAppIsDownloadedHandledByTheBeanAndConfirmedOnce(@TempDir Path dir) throws Exception {
    assertThat(store.tablePrefix()).isEqualTo("starter_");
    FileTransferOverview sent = clients.get("sender").send(FileTransferInitialize.builder()
        .resourceId("durable-resource").fileName("durable.txt").sender("991825827").recipient("986252932").build(),
        Files.writeString(dir.resolve("durable.txt"), "kept through crashes"));
    UUID id = sent.fileTransferId();

    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      while (inbox.entry(id).map(e -> e.state() != InboxState.CONFIRMED).orElse(true)) {
        Thread.sleep(100);
      }
    });
    assertThat(inbox.entry(id).orElseThrow().source()).isEqualTo("WEBHOOK");
    assertThat(handled.content).containsEntry(id, "kept through crashes");
    assertThat(handled.calls.get()).isEqualTo(1);
    List<FakeAltinn.Call> confirms = altinn.calls().stream()
        .filter(c -> c.method().equals("POST") && c.path().contains(id.toString())
            && c.path().endsWith("/confirmdownload"))
        .toList();
    assertThat(confirms).hasSize(1);
    assertThat(confirms.get(0).status()).isBetween(200, 299);
  }

  /** What the handler bean saw. */
  static final class Handled {
    final Map<UUID, String> content = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();
  }

  @SpringBootApplication
  static class App {
    @Bean
    Handled handled() {
      return new Handled();
    }

    @Bean
    InboxHandler archive(Handled handled) {
      return file -> {
        handled.calls.incrementAndGet();
        handled.content.put(file.fileTransferId(), Files.readString(file.path()));
      };
    }
  }
}
