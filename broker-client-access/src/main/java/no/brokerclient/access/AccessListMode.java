package no.brokerclient.access;

/** Whether a resource's access lists restrict who may use it ({@code accessListMode}). */
public enum AccessListMode {
  /** Access lists are ignored (the server's default). */
  DISABLED("Disabled"),
  /** Only members of a connected access list get access: Broker checks every recipient (BRO-00028). */
  ENABLED("Enabled");

  private final String wire;

  AccessListMode(String wire) {
    this.wire = wire;
  }

  /** @return the value on the wire */
  public String wire() {
    return wire;
  }

  static AccessListMode fromWire(String s) {
    return "Enabled".equalsIgnoreCase(s) ? ENABLED : DISABLED;
  }
}
