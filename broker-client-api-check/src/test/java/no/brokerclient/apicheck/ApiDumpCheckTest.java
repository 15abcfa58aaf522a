package no.brokerclient.apicheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class ApiDumpCheckTest {
  @TempDir Path module;

  /** A module whose {@code target/classes} holds only the fixture packages (no module-info). */
  void fixtureModule() throws IOException {
    Path from = Path.of(ApiDumpCheckTest.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    Path fixture = from.resolve("no/brokerclient/apicheck/fixture");
    Path to = module.resolve("target/classes/no/brokerclient/apicheck/fixture");
    try (Stream<Path> all = Files.walk(fixture)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path t = to.resolve(fixture.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Test
  void dumpListsPublicAndProtectedSignaturesSortedAndSkipsInternalAndPrivate() throws IOException {
    fixtureModule();
    String dump = ApiDump.dump(module.resolve("target/classes"), getClass().getClassLoader());
    String expected = """
        public class no.brokerclient.apicheck.fixture.Widget<T extends java.lang.Comparable<T>> implements \
        java.lang.Comparable<no.brokerclient.apicheck.fixture.Widget<T>> {
          @Deprecated protected void old() throws java.io.IOException
          protected java.lang.String name
          public <R> java.util.List<R> map(java.util.function.Function<? super T, R>, java.lang.String...)
          public <init>(java.lang.String)
          public int compareTo(no.brokerclient.apicheck.fixture.Widget<T>)
          public static final int LIMIT
        }

        public enum no.brokerclient.apicheck.fixture.Widget$Kind""";
    assertTrue(dump.startsWith(expected), dump);
    assertTrue(dump.contains("public record no.brokerclient.apicheck.fixture.Widget$Part {\n"
        + "  public <init>(java.lang.String, long)\n"), dump);
    assertFalse(dump.contains("Hidden"), "internal packages are not API: " + dump);
    assertFalse(dump.contains("Secret") || dump.contains("packagePrivate") || dump.contains("hidden"), dump);
    assertEquals(dump, ApiDump.dump(module.resolve("target/classes"), getClass().getClassLoader()), "stable");
  }

  @Test
  void checkFailsWhenTheApiDiffersFromTheDumpUntilItIsUpdated() throws IOException {
    fixtureModule();
    AssertionFailedError missing = assertThrows(AssertionFailedError.class,
        () -> ApiDumpTest.check(module, "fixture", false));
    assertTrue(missing.getMessage().contains("fixture.api does not exist"), missing.getMessage());

    ApiDumpTest.check(module, "fixture", true);
    ApiDumpTest.check(module, "fixture", false);

    // The committed dump predates a method that was added since, and lists one that was removed.
    Path file = module.resolve("api/fixture.api");
    String dump = Files.readString(file);
    Files.writeString(file, dump.replace("  public static final int LIMIT\n", "  public void removed()\n"));
    AssertionFailedError changed = assertThrows(AssertionFailedError.class,
        () -> ApiDumpTest.check(module, "fixture", false));
    assertTrue(changed.getMessage().contains("- no.brokerclient.apicheck.fixture.Widget: public void removed()\n"),
        changed.getMessage());
    assertTrue(changed.getMessage().contains("+ no.brokerclient.apicheck.fixture.Widget: public static final int LIMIT"
        + "\n"), changed.getMessage());
    assertTrue(changed.getMessage().contains(ApiDumpTest.UPDATE), changed.getMessage());

    ApiDumpTest.check(module, "fixture", true);
    ApiDumpTest.check(module, "fixture", false);
  }
}
