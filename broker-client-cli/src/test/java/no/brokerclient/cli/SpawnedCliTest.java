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
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code doctor} and {@code send} as a separate process: the real {@code main}, exit codes and streams. */
class SpawnedCliTest {
  @AutoClose
  static Fixture f;

  @BeforeAll
  static void start() throws IOException {
    f = new Fixture();
  }

  private record Run(int code, String out, String err) {}

  private static Run spawn(Map<String, String> env, String... args) throws Exception {
    Process p = start(env, args);
    p.getOutputStream().close();
    // Output is small; read both after exit (bounded wait).
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    f.assertNoSecrets(out + err);
    return new Run(p.exitValue(), out, err);
  }

  private static Process start(Map<String, String> env, String... args) throws IOException {
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
    return pb.start();
  }

  @Test
  void fakeListensOnTheGivenPortAsAProcessAndASecondOneSaysItIsTaken(@TempDir Path tmp) throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process fake = start(Map.of(), "fake", "--port", String.valueOf(port), "--dir", tmp.toString());
    try {
      fake.getOutputStream().close();
      java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(fake.getInputStream(),
          StandardCharsets.UTF_8));
      String first = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
          () -> {
            String l = lines.readLine();
            for (String next = l; next != null && !next.contains("Ctrl-C"); next = lines.readLine()) {
              // read up to the last line of the settings
            }
            return l;
          });
      assertTrue(first.startsWith("FakeAltinn is running at http://127.0.0.1:" + port + " "), first);
      Run doctor = spawn(Map.of("BROKER_CONFIG", tmp.resolve("config").toString(), "BROKER_PROFILE",
          "fake-sender"), "doctor", "--no-events");
      assertEquals(0, doctor.code(), doctor.out() + doctor.err());
      assertTrue(doctor.out().contains("http://127.0.0.1:" + port + "/broker/api/v1 answered with the token"),
          doctor.out());
      Run taken = spawn(Map.of(), "fake", "--port", String.valueOf(port));
      assertEquals(ExitCode.USAGE.code, taken.code(), taken.out() + taken.err());
      assertEquals("broker: port " + port + " on 127.0.0.1 is already in use: stop what listens there, or choose"
          + " another --port (0 for any free port)", taken.err().strip().lines().reduce((a, b) -> b).orElse(""),
          taken.err());
    } finally {
      fake.destroy();
      assertTrue(fake.waitFor(30, TimeUnit.SECONDS), "the fake stopped");
    }
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
