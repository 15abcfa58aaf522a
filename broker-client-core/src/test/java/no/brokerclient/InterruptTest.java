package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.internal.Sleeper;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.testing.SharedPool;
import no.brokerclient.testing.SilentPeer;
import no.brokerclient.testing.SilentPeer.Reply;
import no.brokerclient.testing.TestKeys;
import no.brokerclient.testkit.FakeMaskinporten;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupt of a thread waiting on a silent peer (which accepts, maybe answers in part, then never sends another
 * byte) ends the wait at once, not after the 120 s read timeout these clients are built with: the call is
 * cancelled, the exception is {@link BrokerInterruptedException}, the flag stays set, no file appears at a download
 * target and no connection stays checked out of the pool.
 */
class InterruptTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");
  static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path dir;
  final SharedPool shared = new SharedPool();
  SilentPeer peer;
  BrokerClient client;

  @AfterEach
  void stop() throws IOException {
    if (client != null) {
      client.close();
    }
    if (peer != null) {
      peer.close();
    }
    shared.close();
  }

  /** What the interrupted thread saw. */
  record Outcome(Throwable thrown, boolean flagSet) {}

  interface Work {
    void run() throws Exception;
  }

  /**
   * Runs {@code work} on a new thread, waits until {@code blocked} counts down (the peer got the request, or the
   * thread is in a sleep), gives it a moment to block, interrupts it and waits (bounded) for it to end.
   */
  static Outcome interruptWhileBlocked(Work work, CountDownLatch blocked) throws Exception {
    return interruptWhileBlocked(work, blocked, false);
  }

  static Outcome interruptWhileBlocked(Work work, CountDownLatch blocked, boolean inSleep) throws Exception {
    Outcome[] out = new Outcome[1];
    Thread t = new Thread(() -> {
      try {
        work.run();
        out[0] = new Outcome(null, Thread.currentThread().isInterrupted());
      } catch (Throwable e) {
        out[0] = new Outcome(e, Thread.currentThread().isInterrupted());
      }
    }, "interrupted-caller");
    t.start();
    assertTrue(blocked.await(10, TimeUnit.SECONDS), "the call never reached the peer");
    if (inSleep) {
      assertTimeoutPreemptively(BOUND, () -> {
        while (t.getState() != Thread.State.TIMED_WAITING) {
          Thread.sleep(5);
        }
      });
    } else {
      Thread.sleep(300); // the thread is now blocked in a socket read
    }
    assertTrue(t.isAlive(), "the call did not block");
    long start = System.nanoTime();
    t.interrupt();
    assertTimeoutPreemptively(BOUND, () -> t.join(), "the interrupted thread did not stop");
    System.out.println("InterruptTest: interrupt to return " + (System.nanoTime() - start) / 1_000_000 + " ms ("
        + out[0].thrown() + ")");
    return out[0];
  }

  static BrokerInterruptedException assertInterrupted(Outcome o) {
    assertInstanceOf(BrokerInterruptedException.class, o.thrown(), () -> "got " + o.thrown());
    assertTrue(o.flagSet(), "the thread's interrupt flag is still set");
    return (BrokerInterruptedException) o.thrown();
  }

  /** A peer that counts the requests it sees into {@code seen} and answers with {@code replies}. */
  SilentPeer peer(CountDownLatch seen, Function<String, Reply> replies) throws IOException {
    peer = new SilentPeer(head -> {
      seen.countDown();
      return replies.apply(head);
    });
    return peer;
  }

  BrokerClient client(String baseUrl, Sleeper sleeper) {
    client = BrokerClient.builder().baseUrl(baseUrl).accessTokenProvider(AccessTokenProvider.fixed("t"))
        .roles(Role.SENDER, Role.RECIPIENT).httpClient(shared.client()).readTimeout(Duration.ofSeconds(120))
        .retryPolicy(RetryPolicy.builder().maxRetries(2).build()).sleeper(sleeper).build();
    return client;
  }

  static Reply overview(String status, long size) {
    String json = MockServerTest.overviewJson(ID, status, "0123456789abcdef0123456789abcdef", size);
    return Reply.complete(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers the overview, then sends 10,000 of the 1,000,000 promised download bytes and goes silent. */
  BrokerClient stallingDownload(CountDownLatch seen) throws IOException {
    return client(peer(seen, h -> h.contains("/download")
        ? Reply.stallingBody(1_000_000, new byte[10_000]) : overview("Published", 1_000_000)).baseUrl(),
        Sleeper.SYSTEM);
  }

  List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void jsonCallOnASilentPeerEndsOnInterrupt() throws Exception {
    CountDownLatch seen = new CountDownLatch(1);
    BrokerClient c = client(peer(seen, h -> Reply.silence()).baseUrl(), Sleeper.SYSTEM);
    Outcome o = interruptWhileBlocked(() -> c.getOverview(ID), seen);
    BrokerInterruptedException e = assertInterrupted(o);
    assertTrue(e.getMessage().contains("GET /broker/api/v1/filetransfer/" + ID), e.getMessage());
    assertEquals(1, peer.pendingRequests(), "sent once, not retried after the interrupt");
    shared.assertNoneInUse();
  }

  @Test
  void uploadOnASilentPeerEndsOnInterrupt() throws Exception {
    Path file = Files.write(dir.resolve("in.bin"), new byte[200_000]);
    CountDownLatch seen = new CountDownLatch(1);
    BrokerClient c = client(peer(seen, h -> Reply.silence()).baseUrl(), Sleeper.SYSTEM);
    Outcome o = interruptWhileBlocked(() -> c.upload(ID, file), seen);
    assertTrue(assertInterrupted(o).getMessage().contains("POST /broker/api/v1/filetransfer/" + ID + "/upload"));
    shared.assertNoneInUse();
  }

  @Test
  void downloadToPathOnAPeerThatStallsMidBodyEndsOnInterruptWithoutTarget() throws Exception {
    CountDownLatch seen = new CountDownLatch(2);
    BrokerClient c = stallingDownload(seen);
    Path target = dir.resolve("out.bin");
    Outcome o = interruptWhileBlocked(() -> c.download(ID, target), seen);
    BrokerInterruptedException e = assertInterrupted(o);
    assertTrue(e.getMessage().contains("/download"), e.getMessage());
    assertFalse(Files.exists(target), "no file at the target");
    assertTrue(files().stream().allMatch(f -> f.getFileName().toString().endsWith(".part")), "only a partial: "
        + files());
    shared.assertNoneInUse();
  }

  @Test
  void openDownloadReadOnAStalledBodyEndsOnInterrupt() throws Exception {
    CountDownLatch seen = new CountDownLatch(2);
    BrokerClient c = stallingDownload(seen);
    long[] read = new long[1];
    Outcome o = interruptWhileBlocked(() -> {
      try (InputStream in = c.openDownload(ID)) {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
          read[0] += n;
        }
      }
    }, seen);
    assertInterrupted(o);
    assertEquals(10_000, read[0], "every byte sent was read before the stall");
    shared.assertNoneInUse();
  }

  @Test
  void aStreamOpenedByOneThreadAndReadByAnotherEndsWhenTheReaderIsInterrupted() throws Exception {
    CountDownLatch seen = new CountDownLatch(2);
    BrokerClient c = stallingDownload(seen);
    try (InputStream in = c.openDownload(ID)) { // opened here, read on the interrupted thread
      Outcome o = interruptWhileBlocked(() -> in.transferTo(java.io.OutputStream.nullOutputStream()), seen);
      assertInterrupted(o);
    }
    shared.assertNoneInUse();
  }

  @Test
  void awaitStatusSleepingBetweenPollsEndsOnInterruptWithAnAccurateMessage() throws Exception {
    CountDownLatch seen = new CountDownLatch(1);
    BrokerClient c = client(peer(seen, h -> overview("UploadProcessing", 10)).baseUrl(), Sleeper.SYSTEM);
    Outcome o = interruptWhileBlocked(() -> c.awaitStatus(ID, FileTransferStatus.PUBLISHED, Duration.ofHours(1)),
        seen, true);
    BrokerInterruptedException e = assertInterrupted(o);
    assertTrue(e.getMessage().contains("waiting for file transfer " + ID + " to reach Published"), e.getMessage());
    assertInstanceOf(InterruptedException.class, e.getCause());
  }

  @Test
  void aThreadInterruptedBeforeTheCallSendsNothing() throws Exception {
    CountDownLatch seen = new CountDownLatch(1);
    BrokerClient c = client(peer(seen, h -> overview("Published", 10)).baseUrl(), Sleeper.SYSTEM);
    Outcome[] out = new Outcome[1];
    Thread t = new Thread(() -> {
      Thread.currentThread().interrupt();
      try {
        c.getOverview(ID);
        out[0] = new Outcome(null, Thread.currentThread().isInterrupted());
      } catch (Throwable e) {
        out[0] = new Outcome(e, Thread.currentThread().isInterrupted());
      }
    });
    t.start();
    assertTimeoutPreemptively(BOUND, () -> t.join());
    assertInterrupted(out[0]);
    assertEquals(1, seen.getCount(), "no request was sent");
  }

  @Test
  void maskinportenMetadataAndTokenRequestsEndOnInterrupt() throws Exception {
    // The peer answers discovery with itself as the token endpoint, then is silent on the token request.
    CountDownLatch tokenSeen = new CountDownLatch(1);
    String[] base = new String[1];
    peer = new SilentPeer(h -> {
      if (h.startsWith("GET /.well-known/oauth-authorization-server")) {
        String json = "{\"issuer\":\"" + base[0] + "\",\"token_endpoint\":\"" + base[0] + "/token\"}";
        return Reply.complete(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
      }
      tokenSeen.countDown();
      return Reply.silence();
    });
    base[0] = peer.baseUrl();
    try (Maskinporten mp = Maskinporten.builder().issuer(base[0]).clientId("c")
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString())).httpClient(shared.client()).build()) {
      Outcome o = interruptWhileBlocked(() -> mp.accessToken(AltinnScopes.SENDER), tokenSeen);
      assertTrue(assertInterrupted(o).getMessage().contains("Maskinporten token endpoint"), o.thrown().getMessage());
    }
    shared.assertNoneInUse();
  }

  @Test
  void altinnTokenExchangeEndsOnInterrupt() throws Exception {
    try (FakeMaskinporten fake = new FakeMaskinporten("c", AltinnScopes.BROKER_WRITE, AltinnScopes.BROKER_READ,
        AltinnScopes.AUTHORIZATION_PDP)) {
      fake.registerKey("test-kid", TestKeys.jwk().toRSAPublicKey());
      CountDownLatch seen = new CountDownLatch(1);
      String platform = peer(seen, h -> Reply.silence()).baseUrl();
      try (Maskinporten mp = Maskinporten.builder().issuer(fake.issuer()).clientId("c")
          .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString())).altinnPlatformUrl(platform)
          .httpClient(shared.client()).build()) {
        Outcome o = interruptWhileBlocked(() -> mp.forBroker().accessToken(AltinnScopes.SENDER), seen);
        assertTrue(assertInterrupted(o).getMessage().contains("Altinn token exchange"), o.thrown().getMessage());
      }
    }
    shared.assertNoneInUse();
  }
}
