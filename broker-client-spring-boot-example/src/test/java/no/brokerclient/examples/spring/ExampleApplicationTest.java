package no.brokerclient.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import no.brokerclient.spring.boot.test.EnableFakeAltinn;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example application as it is, with its application.yml, on a real port against FakeAltinn: it sends a file
 * at start-up (before its subscription exists, so the polling backstop finds it), and it downloads and confirms
 * the file.
 */
@Tag("slow") // the JDK 25 CI build skips it
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "broker.events.webhook.secret=example-webhook-secret-0123",
    // The file is sent before the subscription exists, so the poller finds it: poll soon, not after 10 s + 1 min.
    "broker.events.poller.initial-delay=2s", "broker.events.poller.interval=6s"})
@EnableFakeAltinn(resources = "example-resource")
class ExampleApplicationTest {
  static final Path INBOX = temporaryInbox();

  @Autowired FakeAltinn altinn;

  @DynamicPropertySource
  static void inbox(DynamicPropertyRegistry registry) {
    registry.add("app.inbox", INBOX::toString);
  }

  @Test
  void sendsReceivesAndConfirms() {
    Path inbox = INBOX;
    assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
      while (true) {
        List<Path> files = list(inbox);
        if (!files.isEmpty()) {
          UUID id = UUID.fromString(files.get(0).getFileName().toString().replace(".txt", ""));
          if ("AllConfirmedDownloaded".equals(altinn.status(id))) {
            assertThat(Files.readString(files.get(0))).isEqualTo("Hello through Altinn Broker");
            return;
          }
        }
        Thread.sleep(100);
      }
    });
  }

  static Path temporaryInbox() {
    try {
      return Files.createTempDirectory("example-inbox");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<Path> list(Path dir) throws java.io.IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".txt")).toList();
    }
  }
}
