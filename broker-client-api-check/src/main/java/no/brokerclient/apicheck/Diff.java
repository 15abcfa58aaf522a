package no.brokerclient.apicheck;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The lines only one side has, as {@code -} (in the dump, gone from the API) and {@code +} (new); a member line is
 * shown with the type it belongs to.
 */
final class Diff {
  private static final int MAX_LINES = 60;

  private Diff() {}

  static String lines(String expected, String actual) {
    Set<String> before = entries(expected);
    Set<String> after = entries(actual);
    StringBuilder b = new StringBuilder();
    int shown = 0;
    for (String l : before) {
      if (!after.contains(l) && shown++ < MAX_LINES) {
        b.append("- ").append(l).append('\n');
      }
    }
    for (String l : after) {
      if (!before.contains(l) && shown++ < MAX_LINES) {
        b.append("+ ").append(l).append('\n');
      }
    }
    if (shown > MAX_LINES) {
      b.append("… and ").append(shown - MAX_LINES).append(" more\n");
    }
    if (shown == 0) {
      b.append("(the same lines in another order)\n");
    }
    return b.toString();
  }

  /** Type headers as they are, members as {@code <type>: <member>}; no blank or closing lines. */
  private static Set<String> entries(String dump) {
    Set<String> out = new LinkedHashSet<>();
    String type = "";
    for (String line : dump.split("\n")) {
      if (line.isBlank() || line.equals("}")) {
        continue;
      }
      if (line.startsWith("  ")) {
        out.add(type + ": " + line.strip());
      } else {
        type = typeName(line);
        out.add(line);
      }
    }
    return out;
  }

  /** The name in a type header: the word after {@code class}, {@code interface}, {@code enum} or {@code record}. */
  private static String typeName(String header) {
    String[] words = header.split(" ");
    for (int i = 0; i < words.length - 1; i++) {
      if (Set.of("class", "interface", "enum", "record", "@interface").contains(words[i])) {
        String name = words[i + 1];
        int generic = name.indexOf('<');
        return generic < 0 ? name : name.substring(0, generic);
      }
    }
    return header;
  }
}
