package no.brokerclient.internal;

import no.brokerclient.ProgressListener;

/**
 * Progress of one file sent as one or more TUS uploads: each upload reports its own position, the listener hears
 * their sum, never going backwards (a chunk resent after a break is not counted twice) and never beyond the file's
 * length. Thread-safe: parts report from their own threads, the listener is called under this object's lock, so
 * calls never overlap. Internal.
 */
public final class TusProgress {
  private final ProgressListener listener;
  private final long total;
  private final long[] positions;
  private long reported = -1;

  /**
   * @param listener the user's listener
   * @param total the file's length
   * @param parts how many uploads report
   */
  public TusProgress(ProgressListener listener, long total, int parts) {
    this.listener = listener;
    this.total = total;
    this.positions = new long[parts];
  }

  /**
   * @param part the upload's index
   * @param position bytes of that upload the server has or is receiving
   * @throws no.brokerclient.ProgressListenerException when the listener threw
   */
  public synchronized void at(int part, long position) {
    positions[part] = Math.max(positions[part], position);
    long sum = 0;
    for (long p : positions) {
      sum += p;
    }
    sum = Math.min(sum, total);
    if (sum > reported) {
      reported = sum;
      Progress.report(listener, sum, total);
    }
  }
}
