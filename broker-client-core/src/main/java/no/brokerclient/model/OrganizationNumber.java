package no.brokerclient.model;

import java.util.Objects;
import no.brokerclient.BrokerValidationException;

/**
 * A Norwegian organisation number (organisasjonsnummer): nine digits whose last digit is a modulus-11 check
 * digit. Accepts the bare number, the ISO 6523 form {@code 0192:<orgno>} and the URN form
 * {@code urn:altinn:organization:identifier-no:<orgno>}; spaces inside the bare number are ignored.
 * Immutable; equal when the numbers are equal.
 */
public final class OrganizationNumber {
  private static final String ISO6523_PREFIX = "0192:";
  private static final String URN_PREFIX = "urn:altinn:organization:identifier-no:";
  private static final int[] WEIGHTS = {3, 2, 7, 6, 5, 4, 3, 2};

  private final String digits;

  private OrganizationNumber(String digits) {
    this.digits = digits;
  }

  /**
   * Parses and validates an organisation number.
   *
   * @param value {@code 991825827}, {@code 0192:991825827} or {@code urn:altinn:organization:identifier-no:991825827}
   * @return the organisation number
   * @throws BrokerValidationException if the value is not nine digits with a valid mod-11 check digit
   */
  public static OrganizationNumber of(String value) {
    return parse("organizationNumber", value);
  }

  /**
   * Like {@link #of(String)}, naming {@code field} in the error. Not public API: the SDK's other packages reach it
   * through {@code SharedSecrets.models()}.
   *
   * @param field the wire name to report, e.g. {@code sender}
   * @param value the value to parse
   * @return the organisation number
   * @throws BrokerValidationException if invalid
   */
  static OrganizationNumber parse(String field, String value) {
    if (value == null) {
      throw new BrokerValidationException(field, "organisation number is required");
    }
    String v = value.strip();
    if (v.startsWith(ISO6523_PREFIX)) {
      v = v.substring(ISO6523_PREFIX.length());
    } else if (v.regionMatches(true, 0, URN_PREFIX, 0, URN_PREFIX.length())) {
      v = v.substring(URN_PREFIX.length());
    } else if (v.matches("\\d{4}:.*")) {
      throw new BrokerValidationException(field, "only ICD 0192 (Norwegian organisation numbers) is supported, got '"
          + v.substring(0, 4) + "'");
    } else {
      v = v.replace(" ", "");
    }
    if (!v.matches("\\d{9}")) {
      throw new BrokerValidationException(field, "an organisation number has 9 digits (optionally as 0192:<orgno>"
          + " or urn:altinn:organization:identifier-no:<orgno>), got '" + value + "'");
    }
    if (!checkDigitValid(v)) {
      throw new BrokerValidationException(field, "'" + v + "' fails the modulus-11 check; it is not a valid"
          + " Norwegian organisation number");
    }
    return new OrganizationNumber(v);
  }

  /**
   * @param value any string
   * @return whether {@link #of(String)} would accept it
   */
  public static boolean isValid(String value) {
    try {
      of(value);
      return true;
    } catch (BrokerValidationException e) {
      return false;
    }
  }

  private static boolean checkDigitValid(String nine) {
    int sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += (nine.charAt(i) - '0') * WEIGHTS[i];
    }
    int check = 11 - sum % 11;
    if (check == 11) {
      check = 0;
    }
    return check != 10 && check == nine.charAt(8) - '0';
  }

  /** @return the nine digits, e.g. {@code 991825827} */
  public String digits() {
    return digits;
  }

  /** @return the ISO 6523 form Broker expects for sender and recipients: {@code 0192:991825827} */
  public String iso6523() {
    return ISO6523_PREFIX + digits;
  }

  /** @return the URN form used in event subjects: {@code urn:altinn:organization:identifier-no:991825827} */
  public String urn() {
    return URN_PREFIX + digits;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OrganizationNumber other && other.digits.equals(digits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(digits);
  }

  /** @return the nine digits */
  @Override
  public String toString() {
    return digits;
  }
}
