package no.brokerclient.internal;

import java.util.UUID;
import org.slf4j.MDC;

/**
 * Puts the SDK operation ({@value #OPERATION}) and, when known, the file transfer id ({@value #FILE_TRANSFER_ID})
 * in the SLF4J MDC for the duration of a call, and restores the previous values on {@link #close()}. Not
 * thread-safe: open and close it on the same thread. Internal.
 */
public final class Mdc implements AutoCloseable {
  /** The MDC key of the operation, e.g. {@code upload}. */
  public static final String OPERATION = "brokerOperation";
  /** The MDC key of the file transfer id. */
  public static final String FILE_TRANSFER_ID = "fileTransferId";

  private final String previousOperation;
  private final String previousId;
  private final boolean setId;

  private Mdc(String operation, UUID fileTransferId) {
    this.previousOperation = MDC.get(OPERATION);
    this.previousId = MDC.get(FILE_TRANSFER_ID);
    this.setId = fileTransferId != null;
    MDC.put(OPERATION, operation);
    if (setId) {
      MDC.put(FILE_TRANSFER_ID, fileTransferId.toString());
    }
  }

  /**
   * @param operation the operation
   * @param fileTransferId the transfer, or {@code null} to leave the MDC's as it is
   * @return the scope; close it
   */
  public static Mdc open(String operation, UUID fileTransferId) {
    return new Mdc(operation, fileTransferId);
  }

  @Override
  public void close() {
    restore(OPERATION, previousOperation);
    if (setId) {
      restore(FILE_TRANSFER_ID, previousId);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
