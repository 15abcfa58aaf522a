package no.brokerclient.spring.boot;

/**
 * A {@code broker.*} property is missing or wrong; thrown at start-up, before any network call. The message names
 * the property and never contains a secret's value.
 */
public class BrokerConfigurationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** The property at fault. */
  private final String property;

  /**
   * @param property the full property name, e.g. {@code broker.maskinporten.client-id}
   * @param message what is wrong and how to fix it
   */
  public BrokerConfigurationException(String property, String message) {
    super(property + ": " + message);
    this.property = property;
  }

  /**
   * @param property the full property name
   * @param message what is wrong
   * @param cause the underlying error
   */
  public BrokerConfigurationException(String property, String message, Throwable cause) {
    super(property + ": " + message, cause);
    this.property = property;
  }

  /** @return the full name of the property at fault */
  public String property() {
    return property;
  }
}
