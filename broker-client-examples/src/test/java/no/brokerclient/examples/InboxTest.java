package no.brokerclient.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.SendOptions;
import no.brokerclient.events.BrokerEvent;
import no.brokerclient.events.EventRole;
import no.brokerclient.events.EventType;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferInitialize;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxTest extends FakeExampleTest {
  @TempDir
  Path dir;

  UUID published(BrokerClient sender, String name) throws Exception {
    Path f = Files.writeString(dir.resolve(name), "contents of " + name);
    return sender.send(FileTransferInitialize.builder().resourceId(env.resourceId()).fileName(name)
            .sender(env.senderOrg()).recipient(env.recipientOrg()).build(), f,
        SendOptions.builder().awaitPublished(Duration.ofSeconds(30)).build()).fileTransferId();
  }

  BrokerEvent event(UUID id) {
    return new BrokerEvent("e-" + id, "test", EventType.PUBLISHED, null, env.recipientOrg().urn(), env.recipientOrg(),
        env.resourceId(), id, EventRole.RECIPIENT, BrokerEvent.Origin.WEBHOOK);
  }

  @Test
  void workerSurvivesAnUnexpectedExceptionFromOneDownload() throws Exception {
    UUID first;
    UUID second;
    try (BrokerClient sender = env.broker(env.sender(), Role.SENDER).build()) {
      first = published(sender, "first.txt");
      second = published(sender, "second.txt");
    }
    AtomicBoolean failed = new AtomicBoolean();
    OkHttpClient http = new OkHttpClient.Builder().addInterceptor(chain -> {
      if (chain.request().url().encodedPath().endsWith("/download") && failed.compareAndSet(false, true)) {
        throw new IllegalStateException("a bug in an interceptor, not a BrokerException");
      }
      return chain.proceed(chain.request());
    }).build();
    try (BrokerClient recipient = env.broker(env.recipient(), Role.RECIPIENT).httpClient(http).build();
        Inbox inbox = new Inbox(recipient, dir.resolve("inbox"), out)) {
      inbox.onEvent(event(first));
      inbox.onEvent(event(second));
      List<DownloadResult> got = inbox.await(1, 60);
      assertEquals(1, got.size(), console());
      assertEquals(second, got.get(0).fileTransferId(), "the worker went on with the next event");
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    assertTrue(failed.get());
    assertTrue(console().contains("could not receive " + first), console());
  }
}
