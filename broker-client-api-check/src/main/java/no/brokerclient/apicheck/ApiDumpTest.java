package no.brokerclient.apicheck;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The API compatibility check every published module runs (its surefire scans this class from the
 * broker-client-api-check dependency; see the parent pom): the module's public API must equal its committed
 * {@code api/<artifactId>.api}. After an intended change, regenerate every dump with the command in {@link
 * #UPDATE} and commit the files with the change.
 */
public class ApiDumpTest {
  /** The one-line command that rewrites the dumps (README, "Contributing"). */
  public static final String UPDATE = "./mvnw -B -ntp -q verify -Dapi.update=true -Dtest=ApiDumpTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false";

  /** Compares (or, with {@code -Dapi.update=true}, rewrites) this module's dump. */
  @Test
  public void publicApiMatchesTheCommittedDump() throws IOException {
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    check(module, module.getFileName().toString(), Boolean.getBoolean("api.update"));
  }

  /**
   * @param module the module directory (with {@code target/classes})
   * @param artifactId names the dump, {@code api/<artifactId>.api}
   * @param update rewrite the dump instead of comparing
   * @throws IOException if the classes or the dump cannot be read or written
   */
  static void check(Path module, String artifactId, boolean update) throws IOException {
    String actual = ApiDump.dump(module.resolve("target/classes"), Thread.currentThread().getContextClassLoader());
    Path file = module.resolve("api").resolve(artifactId + ".api");
    if (update) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    if (!actual.equals(expected)) {
      fail((expected == null ? file + " does not exist" : "The public API differs from " + file + ":\n"
          + Diff.lines(expected, actual)) + "\nIf the change is intended, run\n  " + UPDATE
          + "\nand commit the new dump with the change.");
    }
  }
}
