package no.brokerclient;

import static no.brokerclient.DownloadTest.data;
import static no.brokerclient.DownloadTest.md5;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import no.brokerclient.model.DownloadResult;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download in ranges against a scripted server: a wrong MD5 over the whole file fails with nothing left behind,
 * a server that ignores {@code Range} gets one stream instead, a range's error status and a listener's abort stop
 * the download with their own exception, and per-call ranges override the builder's.
 */
class ParallelDownloadMockTest extends MockServerTest {
  static final UUID ID = DownloadTest.ID;
  static final byte[] DATA = data((3 << 20) + 777);
  static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

  @TempDir Path dir;
  final List<String> ranges = new CopyOnWriteArrayList<>();

  /** Serves the overview (with {@code md5}) and the download: ranges with 206, or always 200 when told. */
  void serve(String md5, boolean ignoreRange, int rangeStatus) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        if (!r.getTarget().endsWith("/download")) {
          return json(200, overviewJson(ID, "Published", md5, DATA.length));
        }
        String range = r.getHeaders().get("Range");
        ranges.add(String.valueOf(range));
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (ignoreRange || m == null || !m.matches()) {
          return new MockResponse.Builder().code(200).body(new Buffer().write(DATA)).build();
        }
        if (rangeStatus != 206) {
          return problem(rangeStatus, "Forbidden", "BRO-00007", "not ready");
        }
        int from = Integer.parseInt(m.group(1));
        int to = Integer.parseInt(m.group(2));
        return new MockResponse.Builder().code(206)
            .addHeader("Content-Range", "bytes " + from + "-" + to + "/" + DATA.length)
            .body(new Buffer().write(Arrays.copyOfRange(DATA, from, to + 1))).build();
      }
    });
  }

  List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void aWrongMd5OverTheWholeFileFailsAndLeavesNoFile() throws Exception {
    serve("0123456789abcdef0123456789abcdef", false, 206);
    Path target = dir.resolve("out.bin");
    ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
        () -> client.download(ID, target, 3, ProgressListener.NONE));
    assertTrue(e.getMessage().contains(md5(DATA)), e.getMessage());
    assertEquals(3, ranges.size(), "downloaded in 3 ranges: " + ranges);
    assertEquals(List.of(), files(), "nothing at the target, no partial");
  }

  @Test
  void aServerThatIgnoresRangeGetsOneStreamInstead() throws Exception {
    serve(md5(DATA), true, 206);
    Path target = dir.resolve("out.bin");
    DownloadResult r = client.download(ID, target, 3, ProgressListener.NONE);
    assertTrue(r.checksumVerified());
    assertArrayEquals(DATA, Files.readAllBytes(target));
    assertEquals("null", ranges.get(ranges.size() - 1), "then one plain GET without Range: " + ranges);
    assertEquals(List.of("out.bin"), files());
  }

  @Test
  void aRangesErrorStatusIsThrownAsItself() throws Exception {
    serve(md5(DATA), false, 403);
    Path target = dir.resolve("out.bin");
    assertThrows(BrokerAccessDeniedException.class, () -> client.download(ID, target, 3, ProgressListener.NONE));
    assertFalse(Files.exists(target));
  }

  @Test
  void aListenerThatThrowsAbortsEveryRange() throws Exception {
    serve(md5(DATA), false, 206);
    Path target = dir.resolve("out.bin");
    ProgressListenerException e = assertThrows(ProgressListenerException.class,
        () -> client.download(ID, target, 3, (done, total) -> {
          if (done > 1 << 20) {
            throw new IllegalStateException("enough");
          }
        }));
    assertEquals("enough", e.getCause().getMessage());
    assertFalse(Files.exists(target));
    assertFalse(ParallelDownloadTest.rangeThreadAlive());
  }

  @Test
  void theBuildersRangesApplyAndOneRangeIsOnePlainStream() throws Exception {
    serve(md5(DATA), false, 206);
    try (BrokerClient two = builder().downloadRanges(2).build()) {
      two.download(ID, dir.resolve("a.bin"));
    }
    assertEquals(2, ranges.size(), "2 ranges: " + ranges);
    ranges.clear();
    client.download(ID, dir.resolve("b.bin"));
    assertEquals(List.of("null"), ranges, "the default is one stream without Range");
    assertArrayEquals(DATA, Files.readAllBytes(dir.resolve("b.bin")));
    assertThrows(IllegalArgumentException.class, () -> builder().downloadRanges(0));
    assertThrows(IllegalArgumentException.class, () -> builder().downloadRanges(BrokerClient.MAX_DOWNLOAD_RANGES + 1));
    int before = ranges.size();
    assertThrows(BrokerValidationException.class,
        () -> client.download(ID, dir.resolve("c.bin"), BrokerClient.MAX_DOWNLOAD_RANGES + 1, ProgressListener.NONE));
    assertThrows(BrokerValidationException.class,
        () -> client.download(ID, dir.resolve("c.bin"), -1, ProgressListener.NONE));
    assertEquals(before, ranges.size(), "refused before any request");
  }
}
