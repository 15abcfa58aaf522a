package no.brokerclient.durable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM running {@link CrashChild} on this test's class path, its output lines queued for the parent. */
final class Child implements AutoCloseable {
  private final Process process;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

  Child(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName()));
    cmd.addAll(List.of(args));
    process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the child was killed
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** @return the rest of the first line starting with {@code prefix} */
  String await(String prefix, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line.substring(prefix.length()).strip();
      }
      if (line == null && !process.isAlive()) {
        throw new AssertionError("the child exited with " + process.exitValue() + " before printing " + prefix);
      }
    }
    throw new AssertionError("the child did not print " + prefix + " within " + seconds + " s");
  }

  /** Kills the child like the OOM killer or a node failure would: no shutdown hooks, no finally blocks. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
