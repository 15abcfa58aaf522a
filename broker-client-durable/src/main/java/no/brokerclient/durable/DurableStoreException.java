package no.brokerclient.durable;

import no.brokerclient.BrokerException;

/**
 * The store could not be reached or refused an operation (database down, wrong schema version, no schema). Nothing
 * was lost: the inbox and outbox retry what they were doing once the store answers again.
 */
public class DurableStoreException extends BrokerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what happened
   * @param cause the underlying failure, or {@code null}
   */
  public DurableStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
