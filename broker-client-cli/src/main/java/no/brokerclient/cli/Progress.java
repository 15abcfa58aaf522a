package no.brokerclient.cli;

import java.io.PrintWriter;
import no.brokerclient.ProgressListener;

/** Upload/download progress: a redrawn bar on a terminal, a plain line per 10 % otherwise (logs, CI). */
final class Progress implements ProgressListener {
  private final PrintWriter out;
  private final boolean tty;
  private final String verb;
  private int lastShown = -1;

  Progress(PrintWriter out, boolean tty, String verb) {
    this.out = out;
    this.tty = tty;
    this.verb = verb;
  }

  @Override
  public synchronized void onProgress(long done, long total) {
    int pct = total > 0 ? (int) Math.min(100, done * 100 / total) : 0;
    if (tty) {
      if (pct == lastShown) {
        return;
      }
      int filled = pct / 4;
      out.print("\r" + verb + " [" + "#".repeat(filled) + " ".repeat(25 - filled) + "] " + pct + "% "
          + size(done) + " / " + size(total));
      if (done >= total) {
        out.println();
      }
      out.flush();
    } else {
      int step = pct / 10 * 10;
      if (step == lastShown / 10 * 10 && lastShown >= 0) {
        return;
      }
      out.println(verb + " " + step + "% (" + done + " of " + total + " bytes)");
      out.flush();
    }
    lastShown = pct;
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
    return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / 1073741824.0);
  }
}
