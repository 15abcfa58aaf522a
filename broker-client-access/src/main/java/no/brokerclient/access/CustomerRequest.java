package no.brokerclient.access;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.model.OrganizationNumber;

/**
 * What a vendor asks a customer to approve: a system user of {@code systemId} for the customer, with rights to some
 * resources ({@code CreateRequestSystemUser}). Immutable.
 *
 * <p>{@code externalRef} is sent as {@code externalRef}, the name the server reads (Altinn's own examples send
 * {@code externalReference}, which the server silently drops). It defaults to the customer's organisation number,
 * as on the server; the token request must carry the same value, which {@link SystemUser#tokens} does.
 */
public final class CustomerRequest {
  private final String systemId;
  private final OrganizationNumber customer;
  private final String externalRef;
  private final List<String> resources;
  private final URI redirectUrl;
  private final String integrationTitle;

  private CustomerRequest(Builder b) {
    this.systemId = b.systemId;
    this.customer = b.customer;
    this.externalRef = b.externalRef != null ? b.externalRef : b.customer.digits();
    this.resources = List.copyOf(b.resources);
    this.redirectUrl = b.redirectUrl;
    this.integrationTitle = b.integrationTitle;
  }

  /**
   * @param system the registered system (its resources are the default rights, its redirect URLs are checked)
   * @param customer the customer organisation
   * @return a builder
   */
  public static Builder builder(SystemRegistration system, OrganizationNumber customer) {
    Builder b = new Builder(system.systemId(), customer);
    b.allowedRedirects = system.allowedRedirectUrls();
    b.resources.addAll(system.resources());
    b.systemDefaults = true;
    return b;
  }

  /**
   * @param systemId the system id
   * @param customer the customer organisation
   * @return a builder (add at least one {@link Builder#resource})
   */
  public static Builder builder(String systemId, OrganizationNumber customer) {
    return new Builder(systemId, customer);
  }

  /** @return the system id */
  public String systemId() {
    return systemId;
  }

  /** @return the customer */
  public OrganizationNumber customer() {
    return customer;
  }

  /** @return the external reference (the customer's organisation number unless set) */
  public String externalRef() {
    return externalRef;
  }

  /** @return the bare resource ids asked for */
  public List<String> resources() {
    return resources;
  }

  Map<String, Object> toWire() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("systemId", systemId);
    m.put("partyOrgNo", customer.digits());
    m.put("externalRef", externalRef);
    m.put("rights", SystemRegistration.rights(resources));
    m.put("accessPackages", List.of());
    if (redirectUrl != null) {
      m.put("redirectUrl", redirectUrl.toString());
    }
    if (integrationTitle != null) {
      m.put("integrationTitle", integrationTitle);
    }
    return m;
  }

  @Override
  public String toString() {
    return "CustomerRequest{" + systemId + " for " + customer.digits() + ", externalRef " + externalRef + ", "
        + resources + "}";
  }

  /** Builds a {@link CustomerRequest}. */
  public static final class Builder {
    private final String systemId;
    private final OrganizationNumber customer;
    private String externalRef;
    private final List<String> resources = new ArrayList<>();
    private URI redirectUrl;
    private String integrationTitle;
    private List<String> allowedRedirects;
    /** Whether {@link #resources} still holds the system's list, which the first {@link #resource} replaces. */
    private boolean systemDefaults;

    private Builder(String systemId, OrganizationNumber customer) {
      if (systemId == null || !systemId.matches("\\d{9}_[A-Za-z0-9_-]+")) {
        throw new BrokerValidationException("systemId", "must be <vendor orgno>_<name>, got '" + systemId + "'");
      }
      this.systemId = systemId;
      this.customer = Objects.requireNonNull(customer, "customer");
    }

    /**
     * @param ref your reference for this customer's system user (lets one customer have several); default the
     *     customer's organisation number. At most 255 characters, no slashes or control characters.
     * @return this builder
     */
    public Builder externalRef(String ref) {
      if (ref == null || ref.isBlank() || ref.length() > 255 || ref.contains("/")
          || ref.chars().anyMatch(Character::isISOControl)) {
        throw new BrokerValidationException("externalRef", "must be 1-255 characters without '/' or control"
            + " characters");
      }
      this.externalRef = ref;
      return this;
    }

    /**
     * @param resourceId a bare resource id, registered on the system; replaces the system's default list on first use
     * @return this builder
     */
    public Builder resource(String resourceId) {
      String id = ResourceRegistry.resourceId(resourceId);
      if (systemDefaults) {
        resources.clear();
        systemDefaults = false;
      }
      if (!resources.contains(id)) {
        resources.add(id);
      }
      return this;
    }

    /**
     * @param url where the customer's browser goes after deciding; must match one of the system's allowed redirect
     *     URLs on scheme, host and path. Default none.
     * @return this builder
     */
    public Builder redirectUrl(String url) {
      URI u = SystemRegistration.httpsUrl("redirectUrl", url);
      if (allowedRedirects != null && allowedRedirects.stream().map(a -> SystemRegistration.httpsUrl("allowed", a))
          .noneMatch(a -> a.getScheme().equalsIgnoreCase(u.getScheme()) && a.getHost().equalsIgnoreCase(u.getHost())
              && Objects.equals(path(a), path(u)))) {
        throw new BrokerValidationException("redirectUrl", url + " matches none of the system's allowed redirect URLs"
            + " " + allowedRedirects + " (AUTH-00021)");
      }
      this.redirectUrl = u;
      return this;
    }

    private static String path(URI u) {
      String p = u.getPath();
      return p == null || p.isEmpty() ? "/" : p;
    }

    /**
     * @param title the name the customer sees for this integration; default the system's Bokmål name
     * @return this builder
     */
    public Builder integrationTitle(String title) {
      if (title == null || title.isBlank()) {
        throw new BrokerValidationException("integrationTitle", "is blank");
      }
      this.integrationTitle = title.strip();
      return this;
    }

    /** @return the request */
    public CustomerRequest build() {
      if (resources.isEmpty()) {
        throw new BrokerValidationException("resource", "at least one resource is required");
      }
      return new CustomerRequest(this);
    }
  }
}
