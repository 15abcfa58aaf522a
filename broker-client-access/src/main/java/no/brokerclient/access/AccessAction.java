package no.brokerclient.access;

import java.util.Locale;

/** The actions of a Broker resource's policy, as access-list action filters. */
public enum AccessAction {
  /** Receive: recipients. */
  READ,
  /** Send: senders. */
  WRITE,
  /** Subscribe to the resource's events. */
  SUBSCRIBE;

  /** @return the action id on the wire: {@code read}, {@code write} or {@code subscribe} */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static AccessAction fromWire(String s) {
    for (AccessAction a : values()) {
      if (a.wire().equalsIgnoreCase(s)) {
        return a;
      }
    }
    return null;
  }
}
