package no.brokerclient.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import no.brokerclient.durable.InboxState;
import no.brokerclient.events.EnsureResult;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.ResourceSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every example runs against the embedded fake, so a broken example fails the build. */
class ExamplesTest extends FakeExampleTest {
  @BeforeEach
  void slowVirusScan() {
    fake.virusScanDelay(Duration.ofMillis(50));
  }

  @Test
  void fullDemo() throws Exception {
    DownloadResult r = FullDemo.run(env, out);
    assertTrue(r.checksumVerified());
    assertEquals("AllConfirmedDownloaded", fake.status(r.fileTransferId()));
    assertTrue(console().contains("Demo complete"), console());
    assertTrue(fake.deliveries().stream().anyMatch(d -> "no.altinn.broker.published".equals(d.type())
        && d.status() == 200), "the published event reached the webhook");
  }

  @Test
  void sendFile() throws Exception {
    FileTransferOverview o = SendFile.run(env, null, out);
    assertEquals(FileTransferStatus.PUBLISHED, o.fileTransferStatus());
    assertEquals(8_000_000, o.fileTransferSize());
    assertTrue(console().contains("100%"), console());
  }

  @Test
  void receiveFiles() throws Exception {
    List<DownloadResult> got = ReceiveFiles.run(env, 1, 60, out);
    assertEquals(1, got.size());
    assertTrue(got.get(0).checksumVerified());
  }

  @Test
  void durableSendAndReceiveOnTheEmbeddedStore(@TempDir Path dir) throws Exception {
    Map<InboxState, Long> counts = DurableReceive.run(env, dir.resolve("db"), 3, 60, out);
    assertEquals(Map.of(InboxState.CONFIRMED, 3L), counts);
    assertTrue(console().contains("handled durable-0.bin"), console());
    try (Stream<Path> kept = Files.list(dir.resolve("archive"))) {
      assertEquals(3, kept.count());
    }
  }

  @Test
  void serviceOwnerSetup() throws Exception {
    ResourceSettings s = ServiceOwnerSetup.run(env, out);
    assertEquals(Duration.ofDays(7), s.fileTransferTimeToLive());
    assertEquals(Duration.ofHours(1), s.purgeFileTransferGracePeriod());
  }

  @Test
  void onboardResource() throws Exception {
    List<no.brokerclient.access.Membership> members = OnboardResource.run(env, out);
    assertEquals(2, members.size());
    assertEquals(2, OnboardResource.run(env, out).size(), "safe to rerun");
    assertTrue(fake.resourceRegistry().accessListsEnforced(env.onboardResourceId()));
  }

  @Test
  void requestSystemUser() throws Exception {
    OnboardResource.run(env, out);
    FileTransferOverview sent = RequestSystemUser.run(env, out);
    assertTrue(console().contains("DONTCHOOSEREPORTEE=true"), console());
    assertEquals(1, fake.authentication().systemUsers().size());
    assertEquals("example-" + env.senderOrg().digits(), fake.authentication().systemUsers().get(0).externalRef());
    assertEquals(env.onboardResourceId(), sent.resourceId());
    RequestSystemUser.run(env, out);
    assertTrue(console().contains("approved a system user earlier"), "a rerun finds the system user");
  }

  @Test
  void subscribeToEvents() throws Exception {
    try (ReceiveFiles.Receiver receiver = ReceiveFiles.Receiver.start(env, e -> { }, out)) {
      EnsureResult r = SubscribeToEvents.run(env, receiver.url(), receiver.secret(), out);
      assertEquals(1, r.entries().size());
      assertEquals(EnsureResult.Outcome.CREATED, r.entries().get(0).outcome());
      assertTrue(console().contains("is validated"), console());
      EnsureResult again = SubscribeToEvents.run(env, receiver.url(), receiver.secret(), out);
      assertEquals(EnsureResult.Outcome.EXISTING, again.entries().get(0).outcome(), "ensure is idempotent");
    }
  }
}
