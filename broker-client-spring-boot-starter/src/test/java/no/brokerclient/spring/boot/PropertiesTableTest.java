package no.brokerclient.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * README's "Spring Boot" properties table is the generated configuration metadata, row for row: a property added,
 * renamed or given another default without updating the README fails here (the message holds the new table).
 */
class PropertiesTableTest {
  static final String BEGIN = "<!-- broker-properties:begin (PropertiesTableTest) -->";
  static final String END = "<!-- broker-properties:end -->";

  @Test
  void readmeTableMatchesTheMetadata() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> rows = new ArrayList<>();
    rows.add("| Property | Default | Description |");
    rows.add("|---|---|---|");
    for (JsonNode p : metadata.get("properties")) {
      JsonNode d = p.get("defaultValue");
      String def = d == null || d.isNull() ? "" : "`" + d.asText() + "`";
      rows.add("| `" + p.get("name").asText() + "` | " + def + " | " + p.path("description").asText() + " |");
    }
    String expected = String.join("\n", rows);

    String readme = Files.readString(readme());
    int from = readme.indexOf(BEGIN);
    int to = readme.indexOf(END);
    assertThat(from).as("README has the marker " + BEGIN).isNotNegative();
    String actual = readme.substring(from + BEGIN.length(), to).strip();
    assertThat(actual).as("README.md's properties table; replace it with:\n" + expected).isEqualTo(expected);
  }

  static Path readme() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("README.md")) || !Files.exists(dir.resolve("broker-client-bom"))) {
      dir = dir.getParent();
    }
    return dir.resolve("README.md");
  }
}
