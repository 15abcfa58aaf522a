package no.brokerclient.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.model.OrganizationNumber;

/**
 * A vendor's system in Altinn's system register ({@code RegisterSystemRequest}): what it may be given rights to,
 * and which Maskinporten clients may fetch system-user tokens for it. Immutable; validated like the server when
 * built.
 */
public final class SystemRegistration {
  private final String systemId;
  private final OrganizationNumber vendor;
  private final LocalizedText name;
  private final LocalizedText description;
  private final List<String> resources;
  private final List<String> clientIds;
  private final List<String> allowedRedirectUrls;
  private final boolean visible;

  private SystemRegistration(Builder b) {
    this.systemId = b.vendor.digits() + "_" + b.shortName;
    this.vendor = b.vendor;
    this.name = b.name;
    this.description = b.description;
    this.resources = List.copyOf(b.resources);
    this.clientIds = List.copyOf(b.clientIds);
    this.allowedRedirectUrls = List.copyOf(b.allowedRedirectUrls);
    this.visible = b.visible;
  }

  /**
   * @param vendor the vendor's organisation number (the token's organisation)
   * @param shortName the part of the system id after {@code <orgno>_}: letters, digits, {@code -} and {@code _}
   * @return a builder
   */
  public static Builder builder(OrganizationNumber vendor, String shortName) {
    return new Builder(vendor, shortName);
  }

  /** @return the system id, {@code <vendor orgno>_<shortName>} */
  public String systemId() {
    return systemId;
  }

  /** @return the vendor */
  public OrganizationNumber vendor() {
    return vendor;
  }

  /** @return the bare resource ids the system may be given rights to */
  public List<String> resources() {
    return resources;
  }

  /** @return the Maskinporten client ids that may fetch system-user tokens */
  public List<String> clientIds() {
    return clientIds;
  }

  /** @return the redirect URLs allowed after approval */
  public List<String> allowedRedirectUrls() {
    return allowedRedirectUrls;
  }

  Map<String, Object> toWire() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", systemId);
    m.put("vendor", Map.of("ID", "0192:" + vendor.digits()));
    m.put("name", name.toWire());
    m.put("description", description.toWire());
    m.put("rights", rights(resources));
    m.put("accessPackages", List.of());
    m.put("clientId", clientIds);
    m.put("allowedRedirectUrls", allowedRedirectUrls);
    m.put("isVisible", visible);
    return m;
  }

  static List<Map<String, Object>> rights(List<String> resources) {
    List<Map<String, Object>> rights = new ArrayList<>();
    for (String r : resources) {
      rights.add(Map.of("resource", List.of(Map.of("id", "urn:altinn:resource", "value", r))));
    }
    return rights;
  }

  /** Whether the registered system already says what this one says (order-insensitive). */
  boolean sameAs(JsonNode registered) {
    return Objects.equals(LocalizedText.fromWire(registered.path("name")), name)
        && Objects.equals(LocalizedText.fromWire(registered.path("description")), description)
        && Set.copyOf(SystemUserRequest.rightResources(registered.path("rights"))).equals(Set.copyOf(resources))
        && SystemUserRequest.packages(registered.path("accessPackages")).isEmpty()
        && texts(registered.path("clientId")).equals(Set.copyOf(clientIds))
        && texts(registered.path("allowedRedirectUrls")).equals(Set.copyOf(allowedRedirectUrls))
        && registered.path("isVisible").asBoolean(false) == visible;
  }

  private static Set<String> texts(JsonNode array) {
    Set<String> out = new LinkedHashSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Override
  public String toString() {
    return "SystemRegistration{" + systemId + ", resources " + resources + ", clients " + clientIds + "}";
  }

  /** Builds a {@link SystemRegistration}. Required: name, description, at least one resource and client id. */
  public static final class Builder {
    private final OrganizationNumber vendor;
    private final String shortName;
    private LocalizedText name;
    private LocalizedText description;
    private final List<String> resources = new ArrayList<>();
    private final List<String> clientIds = new ArrayList<>();
    private final List<String> allowedRedirectUrls = new ArrayList<>();
    private boolean visible = true;

    private Builder(OrganizationNumber vendor, String shortName) {
      this.vendor = Objects.requireNonNull(vendor, "vendor");
      if (shortName == null || !shortName.matches("[A-Za-z0-9_-]{1,100}")) {
        throw new BrokerValidationException("shortName", "letters, digits, - and _ only (no spaces); got '"
            + shortName + "'");
      }
      this.shortName = shortName;
    }

    /**
     * @param n the system's name in nb, nn and en (customers see it when approving). Required.
     * @return this builder
     */
    public Builder name(LocalizedText n) {
      this.name = Objects.requireNonNull(n, "name");
      return this;
    }

    /**
     * @param d the description in nb, nn and en. Required.
     * @return this builder
     */
    public Builder description(LocalizedText d) {
      this.description = Objects.requireNonNull(d, "description");
      return this;
    }

    /**
     * @param resourceId a bare resource id the system may get rights to (a Broker service resource)
     * @return this builder
     */
    public Builder resource(String resourceId) {
      String id = ResourceRegistry.resourceId(resourceId);
      if (resources.contains(id)) {
        throw new BrokerValidationException("resource", id + " is listed twice (AUTH.VLD-00006)");
      }
      resources.add(id);
      return this;
    }

    /**
     * @param clientId a Maskinporten client id (owned by the vendor) that will fetch system-user tokens; Maskinporten
     *     refuses clients not listed here
     * @return this builder
     */
    public Builder clientId(String clientId) {
      if (clientId == null || clientId.isBlank() || clientId.chars().anyMatch(Character::isWhitespace)) {
        throw new BrokerValidationException("clientId", "is blank or has whitespace");
      }
      if (clientIds.contains(clientId)) {
        throw new BrokerValidationException("clientId", clientId + " is listed twice (AUTH.VLD-00011)");
      }
      clientIds.add(clientId);
      return this;
    }

    /**
     * @param url an absolute https URL the customer's browser may be sent to after approving (compared on scheme,
     *     host and path)
     * @return this builder
     */
    public Builder allowedRedirectUrl(String url) {
      allowedRedirectUrls.add(httpsUrl("allowedRedirectUrl", url).toString());
      return this;
    }

    /**
     * @param v whether customers can find the system in Altinn's portal; default true
     * @return this builder
     */
    public Builder visible(boolean v) {
      this.visible = v;
      return this;
    }

    /** @return the registration */
    public SystemRegistration build() {
      if (name == null || description == null) {
        throw new BrokerValidationException(name == null ? "name" : "description", "is required (nb, nn and en)");
      }
      if (resources.isEmpty()) {
        throw new BrokerValidationException("resource", "at least one resource is required");
      }
      if (clientIds.isEmpty()) {
        throw new BrokerValidationException("clientId", "at least one Maskinporten client id is required, else no"
            + " system-user token can be fetched");
      }
      return new SystemRegistration(this);
    }
  }

  static URI httpsUrl(String field, String url) {
    URI u;
    try {
      u = new URI(Objects.requireNonNull(url, field));
    } catch (java.net.URISyntaxException e) {
      throw new BrokerValidationException(field, "is not a URL: " + e.getMessage());
    }
    if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getHost().isBlank()) {
      throw new BrokerValidationException(field, "must be an absolute https URL, got '" + url + "'");
    }
    return u;
  }
}
