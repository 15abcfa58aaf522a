package no.brokerclient.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a main class in a child JVM on the test class path, with a small heap, and reads its result line. */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs the child, asserts that it finished in time with exit code 0, and parses the first output line that starts
   * with {@code resultPrefix} as space-separated {@code key=value} pairs.
   *
   * @param main the class with {@code main}
   * @param maxHeap e.g. {@code 64m}
   * @param timeout the longest wait
   * @param resultPrefix how the result line starts, e.g. {@code upload-md5=}
   * @param args the arguments
   * @return the result line's pairs
   * @throws Exception if the child cannot be started or waited for
   */
  public static Map<String, String> run(Class<?> main, String maxHeap, Duration timeout, String resultPrefix,
      String... args) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-cp", cp, main.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS), "child JVM did not finish");
    assertEquals(0, p.exitValue(), "child JVM failed:\n" + out);
    Map<String, String> seen = new HashMap<>();
    for (String kv : out.lines().filter(l -> l.startsWith(resultPrefix)).findFirst().orElseThrow(
        () -> new AssertionError("no result line in:\n" + out)).split(" ")) {
      String[] pair = kv.split("=", 2);
      seen.put(pair[0], pair[1]);
    }
    return seen;
  }
}
