package no.brokerclient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code doctor} and {@code send} as a separate process: the real {@code main}, exit codes and streams. */
class SpawnedCliTest {
  static Fixture f;

  @BeforeAll
  static void start() throws IOException {
    f = new Fixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private record Run(int code, String out, String err) {}

  private static Run spawn(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider");
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("BROKER_") || k.startsWith("MASKINPORTEN_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    // Output is small; read both after exit (bounded wait).
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    f.assertNoSecrets(out + err);
    return new Run(p.exitValue(), out, err);
  }

  @Test
  void doctorAndSendAsAProcess(@TempDir Path tmp) throws Exception {
    Run ok = spawn(f.env("sender"), "doctor", "--no-events");
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().contains("✓ token for the sender scopes"), ok.out());

    Run skewed = spawn(f.env("sender"), "doctor", "--no-events", "--clock-offset", "PT15S");
    assertEquals(1, skewed.code(), skewed.out() + skewed.err());
    assertTrue(skewed.out().contains("✗ clock: local clock is"), skewed.out());

    Path file = tmp.resolve("data.bin");
    Files.write(file, new byte[200_000]);
    Run sent = spawn(f.env("sender"), "send", file.toString(), "--to", Fixture.RECIPIENT, "--wait");
    assertEquals(0, sent.code(), sent.out() + sent.err());
    assertTrue(sent.out().contains("uploading 100% (200000 of 200000 bytes)"), sent.out());
    assertTrue(sent.out().matches("(?s).*sent [0-9a-f-]{36} Published \\(data\\.bin, 200000 bytes.*"), sent.out());

    Run denied = spawn(f.env("sender"), "send", file.toString(), "--to", Fixture.RECIPIENT, "--resource",
        "closed-resource");
    assertEquals(ExitCode.ACCESS.code, denied.code(), denied.out() + denied.err());
    String last = denied.err().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("broker: POST /broker/api/v1/filetransfer failed: HTTP 403"), denied.err());
    assertTrue(last.contains("step 3"), last);
  }
}
