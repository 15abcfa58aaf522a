package no.brokerclient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.UUID;
import no.brokerclient.BrokerIOException;
import no.brokerclient.BrokerTimeoutException;
import no.brokerclient.ChecksumMismatchException;
import no.brokerclient.auth.AccessTokenException;
import org.junit.jupiter.api.Test;

/** The pieces of the CLI that need no server: exit codes, download targets, progress output. */
class CliPartsTest {
  @Test
  void exitCodesFollowTheFailure() {
    UUID id = UUID.randomUUID();
    assertEquals(ExitCode.CHECKSUM, Errors.exitCode(new ChecksumMismatchException(id, "a", "b")));
    assertEquals(ExitCode.TRANSIENT, Errors.exitCode(new BrokerTimeoutException("slow", null)));
    assertEquals(ExitCode.TRANSIENT, Errors.exitCode(new BrokerIOException("cut", new java.io.IOException("x"),
        true)));
    assertEquals(ExitCode.AUTH, Errors.exitCode(new AccessTokenException("no token")));
    assertEquals(ExitCode.USAGE, Errors.exitCode(new CliException(ExitCode.USAGE, "bad")));
    assertEquals(ExitCode.FAILED, Errors.exitCode(new IllegalStateException("other")));
  }

  @Test
  void downloadTargetsStayInTheDirectory() {
    Path dir = Path.of("/tmp/in");
    UUID id = UUID.randomUUID();
    assertEquals(dir.resolve("passwd"), TransferCommands.target(dir, "../../etc/passwd", id));
    assertEquals(dir.resolve("x.txt"), TransferCommands.target(dir, "..\\..\\x.txt", id));
    assertEquals(dir.resolve(id.toString()), TransferCommands.target(dir, "..", id));
    assertEquals(dir.resolve(id.toString()), TransferCommands.target(dir, "a/", id));
    assertEquals(dir.resolve(id.toString()), TransferCommands.target(dir, "bad\nname", id));
    assertEquals(dir.resolve("report.csv"), TransferCommands.target(dir, "report.csv", id));
  }

  @Test
  void progressIsABarOnATerminalAndPlainLinesOtherwise() {
    StringWriter tty = new StringWriter();
    Progress bar = new Progress(new PrintWriter(tty, true), true, "uploading");
    bar.onProgress(0, 2048);
    bar.onProgress(1024, 2048);
    bar.onProgress(2048, 2048);
    assertTrue(tty.toString().contains("\ruploading [############             ] 50% 1.0 KiB / 2.0 KiB"),
        tty.toString());
    assertTrue(tty.toString().endsWith("] 100% 2.0 KiB / 2.0 KiB" + System.lineSeparator()), tty.toString());

    StringWriter plain = new StringWriter();
    Progress lines = new Progress(new PrintWriter(plain, true), false, "uploading");
    for (long done = 0; done <= 1000; done += 1) {
      lines.onProgress(done, 1000);
    }
    assertEquals(11, plain.toString().lines().count(), plain.toString());
    assertTrue(plain.toString().lines().noneMatch(l -> l.contains("\r")));
  }
}
