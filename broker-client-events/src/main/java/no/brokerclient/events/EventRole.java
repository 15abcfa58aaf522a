package no.brokerclient.events;

/** {@code data.Role} of a Broker event: whom the event is for. */
public enum EventRole {
  /** The event is for the transfer's sender. */
  SENDER,
  /** The event is for a recipient. */
  RECIPIENT,
  /** No or an unrecognised role. */
  UNKNOWN;

  static EventRole parse(String s) {
    if ("Sender".equalsIgnoreCase(s)) {
      return SENDER;
    }
    if ("Recipient".equalsIgnoreCase(s)) {
      return RECIPIENT;
    }
    return UNKNOWN;
  }
}
