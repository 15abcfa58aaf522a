package no.brokerclient.model;

/** Restricts a search to transfers where the caller is the sender or a recipient (search parameter {@code role}). */
public enum SearchRole {
  /** Transfers the caller sent. */
  SENDER("Sender"),
  /** Transfers the caller is a recipient of. */
  RECIPIENT("Recipient");

  private final String wire;

  SearchRole(String wire) {
    this.wire = wire;
  }

  /** @return the wire value, {@code Sender} or {@code Recipient} */
  public String wireValue() {
    return wire;
  }
}
