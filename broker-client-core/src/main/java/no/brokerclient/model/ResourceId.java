package no.brokerclient.model;

import java.util.Objects;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.internal.SharedSecrets;

/**
 * The id of an Altinn resource registered for Broker, e.g. {@code my-broker-resource}. Accepts the bare id or
 * {@code urn:altinn:resource:<id>}; Broker's rule is {@code ^(?:urn:altinn:resource:)?[^:]{1,255}$}. The SDK also
 * rejects white space and control characters, which no registered resource id contains. Immutable.
 */
public final class ResourceId {
  /** The URN prefix Altinn uses for resources. */
  public static final String URN_PREFIX = "urn:altinn:resource:";

  static {
    SharedSecrets.setModelAccess(new ModelAccessImpl());
  }

  private final String id;

  private ResourceId(String id) {
    this.id = id;
  }

  /**
   * @param value bare id or {@code urn:altinn:resource:<id>}
   * @return the validated id
   * @throws BrokerValidationException if invalid
   */
  public static ResourceId of(String value) {
    return parse("resourceId", value);
  }

  /**
   * Like {@link #of(String)}, naming {@code field} in the error. Not public API: the SDK's other packages reach it
   * through {@link SharedSecrets#models()}.
   *
   * @param field the wire name to report
   * @param value the value
   * @return the validated id
   * @throws BrokerValidationException if invalid
   */
  static ResourceId parse(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new BrokerValidationException(field, "resource id is required");
    }
    String v = value.startsWith(URN_PREFIX) ? value.substring(URN_PREFIX.length()) : value;
    if (v.isEmpty() || v.length() > 255) {
      throw new BrokerValidationException(field, "resource id must be 1-255 characters, got " + v.length());
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new BrokerValidationException(field, "resource id must not contain ':', white space or control"
            + " characters, got '" + value + "'");
      }
    }
    return new ResourceId(v);
  }

  /** @return the bare id, as Broker's file-transfer and resource endpoints expect it */
  public String id() {
    return id;
  }

  /** @return {@code urn:altinn:resource:<id>}, as Events resource filters expect it */
  public String urn() {
    return URN_PREFIX + id;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceId other && other.id.equals(id);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id);
  }

  /** @return the bare id */
  @Override
  public String toString() {
    return id;
  }
}
