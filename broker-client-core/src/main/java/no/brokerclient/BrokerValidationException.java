package no.brokerclient;

/**
 * A request value broke a rule that Altinn enforces (or that the SDK needs), detected before any network call.
 * {@link #field()} names the offending field as it appears on the wire, e.g. {@code recipients[1]}.
 */
public final class BrokerValidationException extends BrokerException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the wire name of the invalid field
   * @param message the rule that was broken
   */
  public BrokerValidationException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** @return the wire name of the invalid field, e.g. {@code fileName} or {@code recipients[0]} */
  public String field() {
    return field;
  }
}
