package no.brokerclient.internal;

import no.brokerclient.ProgressListener;
import no.brokerclient.ProgressListenerException;

/** The one place that calls a user's {@link ProgressListener}: a listener that throws aborts the transfer. Internal. */
public final class Progress {
  private Progress() {}

  /**
   * @param listener the user's listener
   * @param done bytes so far, never more than {@code total} when that is known
   * @param total bytes in all, or -1 when unknown
   * @throws ProgressListenerException wrapping what the listener threw
   */
  public static void report(ProgressListener listener, long done, long total) {
    try {
      listener.onProgress(done, total);
    } catch (RuntimeException e) {
      throw new ProgressListenerException(e);
    }
  }
}
