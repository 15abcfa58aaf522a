package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import no.brokerclient.internal.FileDownload;
import no.brokerclient.internal.Hex;
import no.brokerclient.model.DownloadResult;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testing.FakeParties;
import no.brokerclient.testing.FakeSetup;
import no.brokerclient.testing.SharedPool;
import no.brokerclient.testing.Threads;
import no.brokerclient.testkit.FakeAltinn;
import no.brokerclient.testkit.FakeAltinn.Failure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BrokerClient#download} in 4 byte ranges against FakeAltinn's Broker (which serves {@code Range} like
 * Broker): the file is identical, a cut range is re-requested alone from where it got to, and an interrupt stops
 * every range at once, leaving no thread, no busy connection and no file at the target.
 */
class ParallelDownloadTest {
  static final String SENDER = FakeParties.SENDER;
  static final String RECIPIENT = FakeParties.RECIPIENT;
  static final int SIZE = (4 << 20) + 12_345; // 4 ranges of just over 1 MiB
  static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
  static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dir;
  FakeAltinn fake;
  FakeParties parties;
  BrokerClient sender;
  BrokerClient recipient;
  final SharedPool http = new SharedPool();
  Path file;
  UUID id;

  @BeforeEach
  void start() throws Exception {
    fake = FakeAltinn.start();
    fake.virusScanDelay(Duration.ofMillis(20));
    parties = new FakeParties(fake, "ranges");
    RetryPolicy fast = FakeSetup.fastRetries(Duration.ofMillis(100), Duration.ofSeconds(1));
    sender = parties.sender().retryPolicy(fast).build();
    recipient = parties.recipient().retryPolicy(fast).httpClient(http.client()).readTimeout(Duration.ofSeconds(120))
        .downloadRanges(4).build();
    byte[] b = new byte[SIZE];
    new Random(11).nextBytes(b);
    file = Files.write(dir.resolve("source.bin"), b);
    id = sender.send(FileTransferInitialize.builder().resourceId("ranges-resource").fileName("source.bin")
        .sender(OrganizationNumber.of(SENDER)).recipient(OrganizationNumber.of(RECIPIENT)).build(), file,
        SendOptions.builder().awaitPublished(Duration.ofSeconds(30)).build()).fileTransferId();
    fake.clearCalls();
  }

  @AfterEach
  void stop() {
    sender.close();
    recipient.close();
    parties.close();
    fake.close();
    http.close();
  }

  static String sha256(Path p) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) != -1; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** @return the [first, last] byte of each download request's Range, in request order */
  List<long[]> ranges() {
    return fake.calls().stream().filter(c -> c.method().equals("GET") && c.path().endsWith("/download"))
        .map(c -> {
          Matcher m = RANGE.matcher(String.valueOf(c.range()));
          assertTrue(m.matches(), () -> "a bounded range, got " + c.range());
          return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
        }).collect(Collectors.toList());
  }

  static boolean rangeThreadAlive() {
    return Threads.alive("broker-client-download-range-");
  }

  List<String> filesInDir() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("source.bin")).sorted().toList();
    }
  }

  @Test
  void fourRangesGiveTheIdenticalFileWithOneRequestEachAndProgressForTheWholeFile() throws Exception {
    Path target = dir.resolve("out.bin");
    List<Long> seen = new CopyOnWriteArrayList<>();
    DownloadResult r = recipient.download(id, target, (done, total) -> {
      assertEquals(SIZE, total);
      seen.add(done);
    });
    assertEquals(sha256(file), sha256(target));
    assertTrue(r.checksumVerified());
    assertEquals(Hex.md5(file), r.md5());
    assertEquals(SIZE, r.size());
    List<long[]> ranges = ranges();
    assertEquals(4, ranges.size(), "one request a range");
    ranges.sort((a, b) -> Long.compare(a[0], b[0]));
    long next = 0;
    for (long[] range : ranges) {
      assertEquals(next, range[0], "the ranges tile the file");
      assertTrue(range[1] - range[0] + 1 >= 1 << 20, "each range at least 1 MiB");
      next = range[1] + 1;
    }
    assertEquals(SIZE, next);
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i) > seen.get(i - 1), "progress only moves forward");
    }
    assertEquals(SIZE, seen.get(seen.size() - 1));
    assertFalse(rangeThreadAlive(), "no range thread left");
    assertEquals(List.of("out.bin"), filesInDir(), "no partial left");
    http.assertNoneInUse();
  }

  @Test
  void aRangeCutMidBodyIsRequestedAgainAloneFromWhereItGotToAndTheFileIsIdentical() throws Exception {
    long cut = 300_000;
    fake.failNext("GET", "/broker/api/v1/filetransfer/" + id + "/download", Failure.truncateDownloadAfter(cut));
    Path target = dir.resolve("out.bin");
    DownloadResult r = recipient.download(id, target);
    assertEquals(sha256(file), sha256(target));
    assertTrue(r.checksumVerified());
    List<long[]> ranges = ranges();
    assertEquals(5, ranges.size(), "4 ranges and one resume");
    Map<Long, List<long[]>> byEnd = ranges.stream().collect(Collectors.groupingBy(x -> x[1]));
    assertEquals(4, byEnd.size(), "4 distinct ranges");
    List<List<long[]>> twice = byEnd.values().stream().filter(l -> l.size() == 2).toList();
    assertEquals(1, twice.size(), "only the cut range was requested again");
    long first = twice.get(0).get(0)[0];
    long again = twice.get(0).get(1)[0];
    assertTrue(again > first && again <= first + cut,
        () -> "resumed from where it got to: first " + first + ", again " + again);
    assertFalse(rangeThreadAlive());
  }

  @Test
  void anInterruptStopsEveryRangeAtOnceWithNoThreadConnectionOrTargetLeftAndALaterDownloadResumes()
      throws Exception {
    for (int i = 0; i < 4; i++) {
      fake.failNext("GET", "/broker/api/v1/filetransfer/" + id + "/download",
          Failure.stallDownloadAfter(100_000, Duration.ofSeconds(60)));
    }
    Path target = dir.resolve("out.bin");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        recipient.download(id, target);
      } catch (Throwable e) {
        thrown.set(e);
      }
      flag.set(Thread.currentThread().isInterrupted());
    }, "parallel-download-caller");
    t.start();
    assertTimeoutPreemptively(BOUND, () -> {
      while (fake.calls().stream().filter(c -> c.path().endsWith("/download") && c.status() == 206).count() < 4) {
        Thread.sleep(10); // every range has its answer and is now stalled mid-body
      }
    });
    Thread.sleep(300);
    assertTrue(t.isAlive(), "the download did not block");
    t.interrupt();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> t.join(), "the interrupted download did not stop");
    assertInstanceOf(BrokerInterruptedException.class, thrown.get(), () -> "got " + thrown.get());
    assertTrue(flag.get(), "the interrupt flag stays set");
    assertFalse(rangeThreadAlive(), "every range thread ended before download returned");
    http.assertNoneInUse();
    assertFalse(Files.exists(target), "no file at the target");
    Path partial = new FileDownload(id, target.toAbsolutePath(), Hex.md5(file), SIZE).partialPath();
    long kept = Files.size(partial);
    assertTrue(kept <= 100_000, "the partial is cut to its contiguous prefix, got " + kept);

    List<Long> stalledStarts = ranges().stream().map(x -> x[0]).toList(); // still open at the fake
    recipient.download(id, target);
    assertEquals(sha256(file), sha256(target));
    List<long[]> again = ranges().stream().filter(x -> !stalledStarts.contains(x[0])).toList();
    assertEquals(3, again.size(), "the rest in ranges of at least 1 MiB: " + again.size());
    long lowest = again.stream().mapToLong(x -> x[0]).min().orElseThrow();
    assertEquals(kept, lowest, "the next download resumes after the kept prefix");
    assertEquals(List.of("out.bin"), filesInDir());
  }
}
