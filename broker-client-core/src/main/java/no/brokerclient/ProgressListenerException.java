package no.brokerclient;

/**
 * A {@link ProgressListener} threw, and the SDK aborted the transfer it was reporting on. {@link #getCause()} is
 * the listener's exception, unchanged.
 *
 * <p>When this is thrown the transfer has stopped: an upload's connection is closed (the server sees an
 * aborted body and marks the transfer {@code Failed}; initialize a new one), a download's
 * connection is released and a download to a file leaves the target untouched.
 */
public final class ProgressListenerException extends BrokerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param cause what the listener threw
   */
  public ProgressListenerException(RuntimeException cause) {
    super("the progress listener threw " + cause.getClass().getName() + "; the transfer was aborted", cause);
  }
}
