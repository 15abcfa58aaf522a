package no.brokerclient.examples;

import java.io.PrintStream;
import no.brokerclient.ProgressListener;

/** A one-line console progress bar for uploads and downloads. */
final class ConsoleProgress implements ProgressListener {
  private final PrintStream out;
  private final String label;
  private int lastPercent = -1;

  ConsoleProgress(PrintStream out, String label) {
    this.out = out;
    this.label = label;
  }

  @Override
  public void onProgress(long done, long total) {
    int percent = total > 0 ? (int) (done * 10 / total) * 10 : -1;
    if (percent == lastPercent || (percent < 0 && done % (1 << 20) != 0)) {
      return;
    }
    lastPercent = percent;
    int filled = percent < 0 ? 0 : percent / 5;
    out.printf("\r  %s [%s%s] %3d%%  %,.1f of %,.1f MB", label, "#".repeat(filled), ".".repeat(20 - filled),
        Math.max(percent, 0), done / 1e6, total / 1e6);
    if (percent == 100) {
      out.println();
    }
    out.flush();
  }
}
