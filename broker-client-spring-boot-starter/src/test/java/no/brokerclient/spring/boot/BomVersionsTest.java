package no.brokerclient.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * broker-client-bom has no parent (so importing it brings nothing else), so it repeats four versions of the
 * parent pom: they must stay the same, or users would resolve other versions than the SDK is tested with.
 */
class BomVersionsTest {
  @Test
  void bomPinsWhatTheBuildUses() throws Exception {
    Path root = PropertiesTableTest.readme().getParent();
    String parent = Files.readString(root.resolve("pom.xml"));
    String bom = Files.readString(root.resolve("broker-client-bom/pom.xml"));
    for (String property : List.of("okhttp.version", "kotlin.version", "jackson.version", "slf4j.version")) {
      assertThat(property(bom, property)).as(property).isEqualTo(property(parent, property)).isNotEmpty();
    }
    assertThat(property(bom, "project.version")).isEmpty(); // the BOM's own version is its <version>:
    assertThat(version(bom)).isEqualTo(version(parent));
  }

  static String property(String pom, String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</").matcher(pom);
    return m.find() ? m.group(1).strip() : "";
  }

  static String version(String pom) {
    Matcher m = Pattern.compile("<artifactId>broker-client-(?:bom|parent)</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(pom);
    return m.find() ? m.group(1) : "";
  }
}
