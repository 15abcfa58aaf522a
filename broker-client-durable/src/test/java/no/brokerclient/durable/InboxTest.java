package no.brokerclient.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import no.brokerclient.BrokerClient;
import no.brokerclient.events.BrokerEventPoller;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The inbox against FakeAltinn on real databases: several instances, failures, gone transfers, stopping. */
class InboxTest extends WithFakeAltinn {
  Inbox.Builder inbox(DurableStore store, String name, InboxHandler handler) {
    BrokerClient client = closeLater(altinn.recipient());
    return Inbox.builder().client(client).store(store).organization(TestAltinn.RECIPIENT_ORG)
        .directory(dir.resolve(name)).handler(handler).instanceId(name).pollInterval(Duration.ofMillis(100))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200));
  }

  @Tag("slow")
  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void twoInstancesWithWebhooksAndPollersConfirmEveryFileExactlyOnce(Databases.Engine engine) throws Exception {
    JdbcDurableStore store = closeLater(engine.store(dir));
    Map<UUID, AtomicInteger> handled = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> byInstance = new ConcurrentHashMap<>();
    List<Inbox> inboxes = new ArrayList<>();
    List<Thread> pollers = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      Inbox inbox = closeLater(inbox(store, name, f -> {
        assertEquals(f.fileTransferId().toString(), f.idempotencyKey());
        assertEquals(f.size(), Files.size(f.path()));
        handled.computeIfAbsent(f.fileTransferId(), k -> new AtomicInteger()).incrementAndGet();
        byInstance.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      }).build().start());
      inboxes.add(inbox);
      closeLater(altinn.webhook(inbox.listener()));
      BrokerEventPoller poller = altinn.poller(closeLater(altinn.recipient()), inbox.listener());
      Thread t = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            poller.pollOnce();
            Thread.sleep(300);
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException e) {
            // the next poll tries again
          }
        }
      }, "poller-" + name);
      t.setDaemon(true);
      t.start();
      pollers.add(t);
    }
    List<UUID> ids = altinn.publish(dir, 200, 512);
    await("200 confirmed", Duration.ofSeconds(120),
        () -> store.inboxCounts().getOrDefault(InboxState.CONFIRMED, 0L) == 200);
    pollers.forEach(Thread::interrupt);

    assertEquals(Map.of(InboxState.CONFIRMED, 200L), store.inboxCounts(), "no other rows, no duplicates");
    assertEquals(Set.copyOf(ids), handled.keySet(), "every file handled at least once");
    for (UUID id : ids) {
      assertEquals(1, altinn.confirmCalls(id), "confirm calls for " + id);
      assertEquals("AllConfirmedDownloaded", altinn.fake.status(id));
      InboxEntry e = store.inboxEntry(id).orElseThrow();
      assertNull(e.claim());
      assertFalse(Files.exists(e.path()), "deleted after confirm");
    }
    assertTrue(byInstance.get("a").get() > 0 && byInstance.get("b").get() > 0, "both instances worked: " + byInstance);
  }

  @Test
  void aThrowingHandlerBacksOffThenIsQuarantinedAndNeverConfirmed() throws Exception {
    JdbcDurableStore store = closeLater(Databases.postgresStore());
    UUID id = altinn.publish(dir, 1, 100).get(0);
    AtomicInteger calls = new AtomicInteger();
    Inbox inbox = closeLater(inbox(store, "a", f -> {
      calls.incrementAndGet();
      throw new IllegalStateException("archive down\nsecond line");
    }).maxAttempts(3).build().start());
    assertTrue(inbox.offer(id));
    assertFalse(inbox.offer(id), "already recorded");
    await("quarantine", Duration.ofSeconds(30),
        () -> inbox.entry(id).orElseThrow().state() == InboxState.QUARANTINED);
    InboxEntry e = inbox.entry(id).orElseThrow();
    assertEquals(3, e.attempts());
    assertEquals(3, calls.get());
    assertEquals("java.lang.IllegalStateException: archive down second line", e.lastError());
    assertNull(e.claim());
    assertEquals(0, altinn.confirmCalls(id));
    Thread.sleep(300); // several backoff periods: a quarantined transfer is left alone
    assertEquals(3, calls.get());
  }

  @Test
  void aHandlerThatRecoversIsConfirmedOnceAfterItsFailures() throws Exception {
    JdbcDurableStore store = closeLater(Databases.h2Store(dir));
    UUID id = altinn.publish(dir, 1, 100).get(0);
    AtomicInteger calls = new AtomicInteger();
    List<Integer> attempts = new ArrayList<>();
    Inbox inbox = closeLater(inbox(store, "a", f -> {
      attempts.add(f.attempt());
      if (calls.incrementAndGet() < 3) {
        throw new java.io.IOException("not yet");
      }
    }).build().start());
    inbox.offer(id);
    await("confirmed", Duration.ofSeconds(30), () -> inbox.entry(id).orElseThrow().state() == InboxState.CONFIRMED);
    assertEquals(2, inbox.entry(id).orElseThrow().attempts());
    assertEquals(List.of(1, 2, 3), attempts);
    assertEquals(1, altinn.confirmCalls(id));
  }

  @ParameterizedTest
  @EnumSource(Databases.Engine.class)
  void purgedOrUnknownTransfersAreGoneAndNotRetried(Databases.Engine engine) throws Exception {
    JdbcDurableStore store = closeLater(engine.store(dir));
    UUID purged = altinn.publish(dir, 1, 100).get(0);
    altinn.fake.purge(purged);
    UUID unknown = UUID.randomUUID();
    AtomicInteger calls = new AtomicInteger();
    Inbox inbox = closeLater(inbox(store, "a", f -> calls.incrementAndGet()).build());
    inbox.offer(purged); // before start(): a webhook may deliver first; the schema is created on demand
    inbox.offer(unknown);
    inbox.start();
    await("gone", Duration.ofSeconds(30), () -> inbox.entry(purged).orElseThrow().state() == InboxState.GONE
        && inbox.entry(unknown).orElseThrow().state() == InboxState.GONE);
    assertEquals(0, calls.get());
    assertEquals(0, inbox.entry(purged).orElseThrow().attempts());
    assertTrue(inbox.entry(unknown).orElseThrow().lastError().contains("404"),
        inbox.entry(unknown).orElseThrow().lastError());
    long downloads = altinn.fake.calls().stream().filter(c -> c.path().endsWith("/download")).count();
    assertEquals(0, downloads);
    assertEquals(0, altinn.confirmCalls(purged));
  }

  @Test
  void aDatabaseThatIsDownAtStartGivesAClearError() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    javax.sql.DataSource ds = new no.brokerclient.durable.internal.DriverDataSource("jdbc:postgresql://127.0.0.1:"
        + port + "/postgres?user=postgres&password=s3cret-db-password&connectTimeout=2");
    Inbox inbox = inbox(JdbcDurableStore.builder(ds).build(), "a", f -> { }).build();
    DurableStoreException e = assertThrows(DurableStoreException.class, inbox::start);
    assertTrue(e.getMessage().startsWith("Database error reading the schema version (tables broker_*, SQLState 08001)"),
        e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void stoppingInterruptsLongWorkAndReleasesItsClaimForTheNextInstance() throws Exception {
    JdbcDurableStore store = closeLater(Databases.postgresStore());
    UUID id = altinn.publish(dir, 1, 100).get(0);
    CountDownLatch inHandler = new CountDownLatch(1);
    Inbox first = inbox(store, "a", f -> {
      inHandler.countDown();
      Thread.sleep(60_000);
    }).shutdownTimeout(Duration.ofMillis(200)).build().start();
    first.offer(id);
    assertTrue(inHandler.await(30, TimeUnit.SECONDS));
    first.close();
    InboxEntry e = store.inboxEntry(id).orElseThrow();
    assertEquals(InboxState.DOWNLOADED, e.state());
    assertNull(e.claim(), "released at stop, not left to the lease");
    assertEquals(0, e.attempts(), "an interrupted handler is not a failed attempt");
    AtomicInteger calls = new AtomicInteger();
    Inbox second = closeLater(inbox(store, "b", f -> calls.incrementAndGet()).build().start());
    await("confirmed by the next instance", Duration.ofSeconds(30),
        () -> second.entry(id).orElseThrow().state() == InboxState.CONFIRMED);
    assertEquals(1, calls.get());
    assertEquals(1, altinn.confirmCalls(id));
  }

  @Test
  void aBrokenConnectionOrServerErrorIsRetriedWithoutLosingTheTransfer() throws Exception {
    JdbcDurableStore store = closeLater(Databases.h2Store(dir));
    UUID id = altinn.publish(dir, 1, 200_000).get(0);
    for (int i = 0; i < 4; i++) { // more than the client's own retries: the inbox's backoff takes over
      altinn.fake.failNext("GET", "/broker/api/v1/filetransfer/" + id + "/download", FakeAltinn.Failure.status(503));
    }
    AtomicInteger calls = new AtomicInteger();
    Inbox inbox = closeLater(inbox(store, "a", f -> calls.incrementAndGet()).build().start());
    inbox.offer(id);
    await("confirmed", Duration.ofSeconds(30), () -> inbox.entry(id).orElseThrow().state() == InboxState.CONFIRMED);
    assertEquals(1, inbox.entry(id).orElseThrow().attempts());
    assertEquals(1, calls.get());
    assertEquals(1, altinn.confirmCalls(id));
  }

  @Tag("slow")
  @Test
  void aDatabaseThatGoesDownDuringWorkLosesNothingAndWorkResumesWhenItIsBack() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path data = dir.resolve("pgdata");
    io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres
        .builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    try {
      JdbcDurableStore store = JdbcDurableStore.builder(new no.brokerclient.durable.internal.DriverDataSource(
          "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&connectTimeout=2")).build();
      List<UUID> ids = altinn.publish(dir, 20, 1_000);
      Map<UUID, AtomicInteger> handled = new ConcurrentHashMap<>();
      Inbox inbox = closeLater(inbox(store, "a", f -> {
        handled.computeIfAbsent(f.fileTransferId(), k -> new AtomicInteger()).incrementAndGet();
        Thread.sleep(100);
      }).concurrency(2).lease(Duration.ofSeconds(2)).build().start());
      ids.forEach(inbox::offer);
      await("some confirmed", Duration.ofSeconds(30),
          () -> store.inboxCounts().getOrDefault(InboxState.CONFIRMED, 0L) >= 3);
      pg.close();
      Thread.sleep(1500); // workers fail to claim and to record; they keep trying
      pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setDataDirectory(data)
          .setCleanDataDirectory(false).setPort(port).start();
      await("all confirmed after the database came back", Duration.ofSeconds(60),
          () -> store.inboxCounts().getOrDefault(InboxState.CONFIRMED, 0L) == 20);
      assertEquals(Map.of(InboxState.CONFIRMED, 20L), store.inboxCounts());
      assertEquals(Set.copyOf(ids), handled.keySet());
      for (UUID id : ids) {
        assertEquals(1, altinn.confirmCalls(id), "confirm calls for " + id);
      }
    } finally {
      pg.close();
    }
  }
}
