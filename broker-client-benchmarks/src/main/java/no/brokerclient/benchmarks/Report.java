package no.brokerclient.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The results table: every figure comes from the run, none is typed in. */
final class Report {
  record Row(String figure, String ours, String peer, String ratio, String target, boolean met) {}

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  void add(String figure, String ours, String peer, String ratio, String target, boolean met) {
    rows.add(new Row(figure, ours, peer, ratio, target, met));
    System.out.printf("  %-58s ours %-16s peer/raw %-16s ratio %-8s target %-14s %s%n", figure, ours, peer, ratio,
        target, met ? "met" : "NOT MET");
  }

  void note(String n) {
    notes.add(n);
    System.out.println("  note: " + n);
  }

  boolean isEmpty() {
    return rows.isEmpty() && notes.isEmpty();
  }

  boolean allMet() {
    return rows.stream().allMatch(Row::met);
  }

  String markdown(String header) {
    StringBuilder b = new StringBuilder(header).append("\n\n");
    b.append("| figure | ours | peer/raw | ratio | target | met |\n|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append("| ").append(r.figure()).append(" | ").append(r.ours()).append(" | ").append(r.peer()).append(" | ")
          .append(r.ratio()).append(" | ").append(r.target()).append(" | ").append(r.met() ? "met" : "**not met**")
          .append(" |\n");
    }
    if (!notes.isEmpty()) {
      b.append('\n');
      notes.forEach(n -> b.append("- ").append(n).append('\n'));
    }
    return b.toString();
  }

  /**
   * Replaces the text between the markers {@code <!-- name:start -->} and {@code <!-- name:end -->} in {@code file}.
   */
  static void writeInto(Path file, String name, String table) throws IOException {
    String start = "<!-- " + name + ":start -->";
    String end = "<!-- " + name + ":end -->";
    String s = Files.readString(file);
    int a = s.indexOf(start);
    int z = s.indexOf(end);
    if (a < 0 || z < a) {
      throw new IOException(file + " has no " + start + " … " + end + " markers");
    }
    Files.writeString(file, s.substring(0, a + start.length()) + "\n" + table + s.substring(z));
  }

  static String mbs(double bytesPerSecond) {
    return String.format("%.0f MB/s", bytesPerSecond / 1e6);
  }
}
