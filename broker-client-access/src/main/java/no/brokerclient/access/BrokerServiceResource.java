package no.brokerclient.access;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.model.OrganizationNumber;

/**
 * A Broker service resource in Altinn's Resource Registry ({@code resourceType: BrokerService}). Immutable; build
 * it with {@link #builder}. Validated as the server validates it ({@code ServiceResourceHelper.ValidateResource} and
 * the PUT's required fields) when built, so a bad resource fails before any network call.
 */
public final class BrokerServiceResource {
  private static final Pattern ID = Pattern.compile("^[a-z0-9_-]{4,}$");

  private final String identifier;
  private final LocalizedText title;
  private final LocalizedText description;
  private final LocalizedText rightDescription;
  private final OrganizationNumber owner;
  private final String ownerCode;
  private final AccessListMode accessListMode;
  private final boolean delegable;
  private final boolean visible;
  private final List<String> contactEmails;

  private BrokerServiceResource(Builder b) {
    this.identifier = b.identifier;
    this.title = b.title;
    this.description = b.description;
    this.rightDescription = b.rightDescription;
    this.owner = b.owner;
    this.ownerCode = b.ownerCode;
    this.accessListMode = b.accessListMode;
    this.delegable = b.delegable;
    this.visible = b.visible;
    this.contactEmails = List.copyOf(b.contactEmails);
  }

  /**
   * @param identifier the resource id: {@code ^[a-z0-9_-]{4,}$}, not starting with {@code app_}
   * @param owner the service owner's organisation number ({@code hasCompetentAuthority.organization}; must be the
   *     organisation of the token)
   * @param ownerCode the service owner's Altinn org code ({@code hasCompetentAuthority.orgcode}, e.g. {@code ttd})
   * @return a builder
   */
  public static Builder builder(String identifier, OrganizationNumber owner, String ownerCode) {
    return new Builder(identifier, owner, ownerCode);
  }

  /** @return the resource id */
  public String identifier() {
    return identifier;
  }

  /** @return the service owner's organisation number */
  public OrganizationNumber owner() {
    return owner;
  }

  /** @return the service owner's org code */
  public String ownerCode() {
    return ownerCode;
  }

  /** @return the access-list mode */
  public AccessListMode accessListMode() {
    return accessListMode;
  }

  /** @return the JSON the Resource Registry reads (field names from its {@code ServiceResource}) */
  Map<String, Object> toWire() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("identifier", identifier);
    m.put("title", title.toWire());
    m.put("description", description.toWire());
    if (rightDescription != null) {
      m.put("rightDescription", rightDescription.toWire());
    }
    m.put("status", "Active");
    List<Map<String, String>> contacts = new ArrayList<>();
    for (String e : contactEmails) {
      contacts.add(Map.of("category", "Support", "email", e));
    }
    m.put("contactPoints", contacts);
    m.put("delegable", delegable);
    m.put("visible", visible);
    Map<String, String> authority = new LinkedHashMap<>();
    authority.put("organization", owner.digits());
    authority.put("orgcode", ownerCode);
    m.put("hasCompetentAuthority", authority);
    m.put("accessListMode", accessListMode.wire());
    m.put("resourceType", "BrokerService");
    return m;
  }

  @Override
  public String toString() {
    return "BrokerServiceResource{" + identifier + ", owner " + ownerCode + "/" + owner.digits() + ", accessListMode "
        + accessListMode.wire() + "}";
  }

  /** Builds a {@link BrokerServiceResource}. Required: title and description; rightDescription when delegable. */
  public static final class Builder {
    private final String identifier;
    private final OrganizationNumber owner;
    private final String ownerCode;
    private LocalizedText title;
    private LocalizedText description;
    private LocalizedText rightDescription;
    private AccessListMode accessListMode = AccessListMode.ENABLED;
    private boolean delegable = true;
    private boolean visible = true;
    private final List<String> contactEmails = new ArrayList<>();

    private Builder(String identifier, OrganizationNumber owner, String ownerCode) {
      if (identifier == null || !ID.matcher(identifier).matches()) {
        throw new BrokerValidationException("identifier", "must match ^[a-z0-9_-]{4,}$, got '" + identifier + "'");
      }
      if (identifier.startsWith("app_")) {
        throw new BrokerValidationException("identifier", "ids starting with app_ are reserved for Altinn apps");
      }
      if (ownerCode == null || !ownerCode.matches("[a-z0-9]{2,20}")) {
        throw new BrokerValidationException("ownerCode", "must be the Altinn org code such as ttd, got '"
            + ownerCode + "'");
      }
      this.identifier = identifier;
      this.owner = Objects.requireNonNull(owner, "owner");
      this.ownerCode = ownerCode;
    }

    /**
     * @param t the title in nb, nn and en. Required.
     * @return this builder
     */
    public Builder title(LocalizedText t) {
      this.title = Objects.requireNonNull(t, "title");
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
     * @param d what a delegated right grants, in nb, nn and en. Required while {@link #delegable} (a system user
     *     can only be given delegable resources).
     * @return this builder
     */
    public Builder rightDescription(LocalizedText d) {
      this.rightDescription = Objects.requireNonNull(d, "rightDescription");
      return this;
    }

    /**
     * @param mode default {@link AccessListMode#ENABLED}: only members of a connected access list may send or
     *     receive. Enabling it before the lists exist locks everyone out.
     * @return this builder
     */
    public Builder accessListMode(AccessListMode mode) {
      this.accessListMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * @param d default true; system users need a delegable resource (else AUTH-00070 when the customer approves)
     * @return this builder
     */
    public Builder delegable(boolean d) {
      this.delegable = d;
      return this;
    }

    /**
     * @param v whether the resource is listed in Altinn's portal; default true
     * @return this builder
     */
    public Builder visible(boolean v) {
      this.visible = v;
      return this;
    }

    /**
     * @param email a support e-mail address shown as a contact point; default none
     * @return this builder
     */
    public Builder contactEmail(String email) {
      if (email == null || !email.matches("[^@\\s]+@[^@\\s]+")) {
        throw new BrokerValidationException("contactEmail", "not an e-mail address");
      }
      contactEmails.add(email);
      return this;
    }

    /** @return the resource */
    public BrokerServiceResource build() {
      if (title == null) {
        throw new BrokerValidationException("title", "is required (nb, nn and en)");
      }
      if (description == null) {
        throw new BrokerValidationException("description", "is required (nb, nn and en)");
      }
      if (delegable && rightDescription == null) {
        throw new BrokerValidationException("rightDescription", "is required (nb, nn and en) while the resource is"
            + " delegable");
      }
      return new BrokerServiceResource(this);
    }
  }
}
