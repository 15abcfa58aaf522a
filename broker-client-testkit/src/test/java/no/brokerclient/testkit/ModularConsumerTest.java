package no.brokerclient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A modular consumer that requires {@code no.brokerclient.testkit} compiles with no JUnit on its module path: the
 * testkit must not require JUnit transitively (a Spring test or a main program using FakeAltinn has no JUnit 5).
 */
class ModularConsumerTest {
  @Test
  void compilesWithoutJUnitOnTheModulePath(@TempDir Path dir) throws IOException, InterruptedException {
    Path testkit = Path.of(FakeAltinn.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    assertTrue(Files.exists(testkit.resolve("module-info.class")), "testkit classes with module-info: " + testkit);
    List<String> modulePath = new ArrayList<>();
    modulePath.add(testkit.toString());
    Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> e.endsWith(".jar") && !e.contains("junit") && !e.contains("opentest4j")
            && !e.contains("apiguardian"))
        .forEach(modulePath::add);

    Path src = Files.createDirectories(dir.resolve("src/consumer"));
    Files.writeString(src.resolve("module-info.java"), "module consumer { requires no.brokerclient.testkit; }");
    Files.writeString(Files.createDirectories(src.resolve("consumer")).resolve("Main.java"), """
        package consumer;
        public class Main {
          public static void main(String[] args) throws Exception {
            try (no.brokerclient.testkit.FakeAltinn fake = no.brokerclient.testkit.FakeAltinn.start()) {
              System.out.println(fake.platformUrl());
            }
          }
        }
        """);
    Process javac = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
        "--release", "17", "-d", dir.resolve("out").toString(),
        "--module-path", String.join(File.pathSeparator, modulePath),
        src.resolve("module-info.java").toString(), src.resolve("consumer/Main.java").toString())
        .redirectErrorStream(true).start();
    String out = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, javac.waitFor(), "consumer compilation failed:\n" + out);
    assertTrue(Files.exists(dir.resolve("out/consumer/Main.class")), out);
  }
}
