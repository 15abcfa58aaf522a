package no.brokerclient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import no.brokerclient.testkit.FakeAltinn.Failure;
import no.brokerclient.testkit.FakeBrokerTus;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code send --tus [--parts N]} and {@code resume} through the real command line against FakeAltinn. */
class CliTusTest {
  @AutoClose
  static Fixture f;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws IOException {
    f = new Fixture();
  }

  static Path file(Path dir, String name, int size) throws IOException {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return Files.write(dir.resolve(name), b);
  }

  @Test
  void sendWithTusInPartsAnnouncesTheCheckpointAndPublishes(@TempDir Path tmp) throws IOException {
    Path file = file(tmp, "parts.bin", 300_000);
    Path cps = Files.createDirectory(tmp.resolve("cps"));
    Fixture.Result r = f.run("sender", "send", file.toString(), "--to", Fixture.RECIPIENT, "--tus", "--parts", "2",
        "--chunk-size", "64K", "--checkpoints", cps.toString(), "--wait", "--json");
    assertEquals(0, r.code(), r.all());
    JsonNode ov = JSON.readTree(r.out());
    String id = ov.path("fileTransferId").asText();
    assertEquals("Published", ov.path("fileTransferStatus").asText());
    assertEquals(2, f.fake.tus().partCount(UUID.fromString(id)), "two parallel parts");
    assertTrue(f.fake.tus().patchCount(UUID.fromString(id)) >= 5, "64 KiB chunks");
    assertTrue(r.err().contains("file transfer " + id + ": TUS checkpoint saved in " + cps + "; after a crash: broker"
        + " resume " + file + " --id " + id + " --checkpoints " + cps), r.err());
    assertTrue(r.err().contains("uploading 100% (300000 of 300000 bytes)"), r.err());
    assertFalse(Files.exists(cps.resolve(id + ".tus.json")), "deleted once Broker accepted the upload");

    Fixture.Result bad = f.run("sender", "send", file.toString(), "--to", Fixture.RECIPIENT, "--parts", "65");
    assertEquals(ExitCode.USAGE.code, bad.code(), bad.all());
    assertTrue(bad.err().contains("--parts must be 1 to 64"), bad.err());
    Fixture.Result size = f.run("sender", "send", file.toString(), "--to", Fixture.RECIPIENT, "--chunk-size", "8X");
    assertEquals(ExitCode.USAGE.code, size.code(), size.all());
  }

  @Test
  void aFailedTusSendIsResumedFromItsCheckpointWithOnlyTheRestSent(@TempDir Path tmp) throws IOException {
    Path file = file(tmp, "big.bin", 400_000);
    // Two PATCHes go through (a 1 ms delay each), the third fails hard: the send stops with its checkpoint beside
    // the file, as after a crash.
    f.fake.failNext("PATCH", FakeBrokerTus.PATH, Failure.delay(java.time.Duration.ofMillis(1)));
    f.fake.failNext("PATCH", FakeBrokerTus.PATH, Failure.delay(java.time.Duration.ofMillis(1)));
    f.fake.failNext("PATCH", FakeBrokerTus.PATH, Failure.status(400));
    Fixture.Result failed = f.run("sender", "send", file.toString(), "--to", Fixture.RECIPIENT, "--tus",
        "--chunk-size", "64K");
    assertNotEquals(0, failed.code(), failed.all());
    String line = failed.err().lines().filter(l -> l.contains("TUS checkpoint saved")).findFirst().orElseThrow();
    String id = line.substring("file transfer ".length(), "file transfer ".length() + 36);
    Path checkpoint = tmp.resolve(".big.bin." + id + ".tus.json");
    assertTrue(Files.exists(checkpoint), failed.all());
    assertTrue(line.endsWith("after a crash: broker resume " + file + " --id " + id), line);
    long before = f.fake.tus().bytesReceived(UUID.fromString(id));

    // No --id: the checkpoint beside the file names the transfer.
    Fixture.Result resumed = f.run("sender", "resume", file.toString(), "--wait");
    assertEquals(0, resumed.code(), resumed.all());
    assertTrue(resumed.out().contains("resumed " + id + " Published (big.bin, 400000 bytes"), resumed.out());
    assertTrue(resumed.out().contains("uploading 100%"), resumed.out());
    assertFalse(Files.exists(checkpoint), "deleted once Broker accepted the upload");
    long resent = f.fake.tus().bytesReceived(UUID.fromString(id)) - 400_000;
    assertTrue(before >= 2 * 64 * 1024 && before < 400_000, "received " + before + " bytes before the failure");
    assertTrue(resent <= 64 * 1024, "re-sent " + resent + " bytes");
    assertFalse(resumed.out().startsWith("uploading 0%"), "progress starts from what Broker has: " + resumed.out());

    Path out = tmp.resolve("in");
    Fixture.Result dl = f.run("recipient", "download", id, "--out", out.toString());
    assertEquals(0, dl.code(), dl.all());
    assertEquals(-1, Files.mismatch(file, out.resolve("big.bin")));

    Fixture.Result none = f.run("sender", "resume", file.toString());
    assertEquals(ExitCode.NOT_FOUND.code, none.code(), none.all());
    assertTrue(none.err().startsWith("broker: no TUS checkpoint for " + file), none.err());
  }
}
