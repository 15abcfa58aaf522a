package no.brokerclient;

import static no.brokerclient.DownloadTest.data;
import static no.brokerclient.DownloadTest.md5;
import static no.brokerclient.DownloadTest.octets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import no.brokerclient.internal.FileDownload;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download to a file resumes from the partial file an earlier attempt (or a crashed process) left, never from a
 * partial of another transfer or size, starts over when a resumed file fails its MD5, and cleans up stale partials.
 */
class PartialDownloadTest extends MockServerTest {
  static final UUID ID = DownloadTest.ID;
  static final UUID OTHER = UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7");
  static final byte[] DATA = data(200_000);

  @TempDir Path dir;

  Path target() {
    return dir.resolve("out.bin").toAbsolutePath();
  }

  Path partial(UUID id, String md5, long size) {
    return new FileDownload(id, target(), md5, size).partialPath();
  }

  Set<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  static MockResponse rest(byte[] data, int from) {
    return new MockResponse.Builder().code(206)
        .addHeader("Content-Range", "bytes " + from + "-" + (data.length - 1) + "/" + data.length)
        .body(new Buffer().write(Arrays.copyOfRange(data, from, data.length))).build();
  }

  void enqueueOverview(String md5) {
    server.enqueue(json(200, overviewJson(ID, "Published", md5, DATA.length)));
  }

  @Test
  void aPartialLeftBehindIsResumedFromItsLength() throws Exception {
    Files.write(partial(ID, md5(DATA), DATA.length), Arrays.copyOf(DATA, 120_000));
    enqueueOverview(md5(DATA));
    server.enqueue(rest(DATA, 120_000));
    long[] first = {-1};
    client.download(ID, target(), (done, total) -> {
      if (first[0] < 0) {
        first[0] = done;
      }
    });
    take();
    assertEquals("bytes=120000-", take().getHeaders().get("Range"));
    assertArrayEquals(DATA, Files.readAllBytes(target()));
    assertEquals(Set.of("out.bin"), names(), "the partial was moved into place");
    assertTrue(first[0] > 120_000, "progress counts the kept bytes: " + first[0]);
  }

  @Test
  void aFailedDownloadIsResumedByTheNextOne() throws Exception {
    enqueueOverview(md5(DATA));
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(Arrays.copyOf(DATA, 50_000)))
          .setHeader("Content-Length", DATA.length)
          .onResponseEnd(mockwebserver3.SocketEffect.ShutdownConnection.INSTANCE).build());
    }
    assertThrows(BrokerIOException.class, () -> client.download(ID, target()));
    assertFalse(Files.exists(target()));
    long kept = Files.size(partial(ID, md5(DATA), DATA.length));
    assertTrue(kept >= 50_000, "kept " + kept);
    for (int i = 0; i < 4; i++) {
      take();
    }
    enqueueOverview(md5(DATA));
    server.enqueue(rest(DATA, (int) kept));
    client.download(ID, target());
    take();
    assertEquals("bytes=" + kept + "-", take().getHeaders().get("Range"));
    assertArrayEquals(DATA, Files.readAllBytes(target()));
    assertEquals(Set.of("out.bin"), names());
  }

  @Test
  void partialsOfAnotherTransferOrAnotherSizeAreNeverUsed() throws Exception {
    byte[] garbage = new byte[120_000];
    Path otherTransfer = Files.write(partial(OTHER, md5(DATA), DATA.length), garbage);
    Path otherSize = Files.write(partial(ID, md5(DATA), DATA.length + 1), garbage);
    Path otherMd5 = Files.write(partial(ID, md5(garbage), DATA.length), garbage);
    assertEquals(4, Set.of(otherTransfer, otherSize, otherMd5, partial(ID, md5(DATA), DATA.length)).size(),
        "each has its own name");
    enqueueOverview(md5(DATA));
    server.enqueue(octets(200, DATA));
    client.download(ID, target());
    take();
    assertNull(take().getHeaders().get("Range"), "downloaded from the start");
    assertArrayEquals(DATA, Files.readAllBytes(target()));
    assertTrue(Files.exists(otherTransfer) && Files.exists(otherSize) && Files.exists(otherMd5),
        "fresh partials of other downloads are left alone");
  }

  @Test
  void stalePartialsOfTheSameTargetAreDeleted() throws Exception {
    FileTime old = FileTime.from(Instant.now().minus(FileDownload.STALE_AFTER).minus(Duration.ofMinutes(1)));
    Path staleOther = Files.write(partial(OTHER, md5(DATA), DATA.length), new byte[10]);
    Path staleLegacy = Files.write(dir.resolve(".out.bin.8410235986451098432.part"), new byte[10]);
    Path freshOther = Files.write(partial(OTHER, md5(DATA), 5), new byte[10]);
    Path otherTarget = Files.write(dir.resolve(".out.bin.bak.0123456789abcdef.part"), new byte[10]);
    Path notOurs = Files.write(dir.resolve(".out.bin.notes.part"), new byte[10]);
    for (Path p : List.of(staleOther, staleLegacy, otherTarget, notOurs)) {
      Files.setLastModifiedTime(p, old);
    }
    enqueueOverview(md5(DATA));
    server.enqueue(octets(200, DATA));
    client.download(ID, target());
    assertFalse(Files.exists(staleOther), "stale partial of another transfer deleted");
    assertFalse(Files.exists(staleLegacy), "stale partial of an older SDK deleted");
    assertTrue(Files.exists(freshOther), "a fresh partial may belong to a running download");
    assertTrue(Files.exists(otherTarget), "another target's partial is not this download's business");
    assertTrue(Files.exists(notOurs), "a file that is not a partial is never touched");
  }

  @Test
  void aStalePartialThatARunningDownloadHoldsIsNotDeleted() throws Exception {
    Path held = Files.write(partial(OTHER, md5(DATA), DATA.length), new byte[10]);
    Files.setLastModifiedTime(held, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
    try (FileChannel ch = FileChannel.open(held, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
      assertTrue(lock.isValid());
      enqueueOverview(md5(DATA));
      server.enqueue(octets(200, DATA));
      client.download(ID, target());
      assertTrue(Files.exists(held));
    }
  }

  @Test
  void aCorruptPartialFailsTheMd5AndTheDownloadStartsOver() throws Exception {
    byte[] corrupt = Arrays.copyOf(DATA, 120_000);
    corrupt[1000] ^= 1;
    Files.write(partial(ID, md5(DATA), DATA.length), corrupt);
    enqueueOverview(md5(DATA));
    server.enqueue(rest(DATA, 120_000));
    server.enqueue(octets(200, DATA));
    client.download(ID, target());
    take();
    assertEquals("bytes=120000-", take().getHeaders().get("Range"));
    assertNull(take().getHeaders().get("Range"), "the second attempt starts from the first byte");
    assertArrayEquals(DATA, Files.readAllBytes(target()));
    assertEquals(Set.of("out.bin"), names());
  }

  @Test
  void aPartialTheServerCannotContinueIsDroppedAndTheDownloadStartsOver() throws Exception {
    Files.write(partial(ID, md5(DATA), DATA.length), Arrays.copyOf(DATA, 120_000));
    enqueueOverview(md5(DATA));
    server.enqueue(problem(416, "Range Not Satisfiable", "BRO-00029", "The requested byte range is not satisfiable."));
    server.enqueue(octets(200, DATA));
    client.download(ID, target());
    take();
    assertEquals("bytes=120000-", take().getHeaders().get("Range"));
    assertNull(take().getHeaders().get("Range"));
    assertArrayEquals(DATA, Files.readAllBytes(target()));
    assertEquals(Set.of("out.bin"), names());
  }

  @Test
  void withoutAnMd5ThereIsNoResume() throws Exception {
    Files.write(partial(ID, null, DATA.length), new byte[120_000]);
    enqueueOverview(null);
    server.enqueue(octets(200, DATA));
    client.download(ID, target());
    take();
    assertNull(take().getHeaders().get("Range"));
    assertArrayEquals(DATA, Files.readAllBytes(target()));
    assertEquals(Set.of("out.bin"), names());
  }

  @Test
  void aPartialAnotherDownloadHoldsIsNotSharedAndNotTouched() throws Exception {
    Path p = Files.write(partial(ID, md5(DATA), DATA.length), new byte[120_000]);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
      assertTrue(lock.isValid());
      enqueueOverview(md5(DATA));
      server.enqueue(octets(200, DATA));
      client.download(ID, target());
      take();
      assertNull(take().getHeaders().get("Range"));
      assertArrayEquals(DATA, Files.readAllBytes(target()));
      assertArrayEquals(new byte[120_000], Files.readAllBytes(p), "the held partial is untouched");
      assertEquals(Set.of("out.bin", p.getFileName().toString()), names(), "our own partial is gone");
    }
  }

  @Test
  void theChecksumOfTheTransferIsPartOfThePartialsName() {
    assertNotEquals(partial(ID, md5(DATA), DATA.length), partial(ID, md5(new byte[1]), DATA.length));
    assertTrue(partial(ID, md5(DATA), DATA.length).getFileName().toString()
        .matches("\\.out\\.bin\\.[0-9a-f]{16}\\.part"));
  }
}
