package no.brokerclient.access;

import java.util.Objects;

/**
 * A system-user request's status, kept as the server wrote it (an open set: values this SDK does not know are kept).
 * The server writes {@code New}, {@code Accepted} and {@code Rejected}; {@code Denied} and {@code Timedout} come from
 * older data. A request older than 180 days is flagged {@link SystemUserRequest#timedOut()} without its status
 * changing.
 *
 * @param value the status text
 */
public record RequestStatus(String value) {
  /** Waiting for the customer. */
  public static final RequestStatus NEW = new RequestStatus("New");
  /** Approved: the system user exists. */
  public static final RequestStatus ACCEPTED = new RequestStatus("Accepted");
  /** Rejected by the customer. */
  public static final RequestStatus REJECTED = new RequestStatus("Rejected");
  /** Denied (older data). */
  public static final RequestStatus DENIED = new RequestStatus("Denied");
  /** Timed out (older data). */
  public static final RequestStatus TIMEDOUT = new RequestStatus("Timedout");

  /** Rejects null. */
  public RequestStatus {
    Objects.requireNonNull(value, "value");
  }

  /** @return whether the customer approved it */
  public boolean isAccepted() {
    return value.equalsIgnoreCase(ACCEPTED.value);
  }

  /** @return whether it can no longer be approved: rejected, denied or timed out */
  public boolean isRefused() {
    return value.equalsIgnoreCase(REJECTED.value) || value.equalsIgnoreCase(DENIED.value)
        || value.equalsIgnoreCase(TIMEDOUT.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
