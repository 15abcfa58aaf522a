package no.brokerclient.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code POST /events/api/v1/subscriptions} body. Only {@link EventSubscriptions.Builder#build()} creates them,
 * so every request has passed its validation (https endpoint, lower-case resource URN, a subject unless service
 * owner, this environment's source). Fields that are {@code null} are omitted on the wire (Events stores an empty
 * string as a filter that never matches). {@code toString()} hides the endpoint's query values (the webhook secret).
 * Immutable; equal when all fields are equal.
 */
public final class SubscriptionRequest {
  private final String endPoint;
  private final String resourceFilter;
  private final String subjectFilter;
  private final String typeFilter;
  private final String sourceFilter;
  private final Boolean includeSubunits;

  SubscriptionRequest(String endPoint, String resourceFilter, String subjectFilter, String typeFilter,
      String sourceFilter, Boolean includeSubunits) {
    this.endPoint = Objects.requireNonNull(endPoint, "endPoint");
    this.resourceFilter = Objects.requireNonNull(resourceFilter, "resourceFilter");
    this.subjectFilter = subjectFilter;
    this.typeFilter = typeFilter;
    this.sourceFilter = sourceFilter;
    this.includeSubunits = includeSubunits;
  }

  /** @return the absolute https URL events are pushed to (with the webhook secret in its query) */
  public String endPoint() {
    return endPoint;
  }

  /** @return {@code urn:altinn:resource:<id>} */
  public String resourceFilter() {
    return resourceFilter;
  }

  /** @return {@code urn:altinn:organization:identifier-no:<orgno>}, or {@code null} (service owner) */
  public String subjectFilter() {
    return subjectFilter;
  }

  /** @return one event type, or {@code null} for every type */
  public String typeFilter() {
    return typeFilter;
  }

  /** @return the Broker source, or {@code null} (today's server rejects it; opt-in only) */
  public String sourceFilter() {
    return sourceFilter;
  }

  /** @return {@code true} to include sub-units of the subject, or {@code null} */
  public Boolean includeSubunits() {
    return includeSubunits;
  }

  /** The JSON body, camelCase, nulls omitted; {@link EventsClient#create} sends it. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("endPoint", endPoint);
    m.put("resourceFilter", resourceFilter);
    if (subjectFilter != null) {
      m.put("subjectFilter", subjectFilter);
    }
    if (typeFilter != null) {
      m.put("typeFilter", typeFilter);
    }
    if (sourceFilter != null) {
      m.put("sourceFilter", sourceFilter);
    }
    if (includeSubunits != null) {
      m.put("includeSubunits", includeSubunits);
    }
    return m;
  }

  /**
   * @param s an existing subscription
   * @return whether the Events service would treat this request as identical to it (it then returns that one)
   */
  public boolean matches(Subscription s) {
    return endPoint.equals(s.endPoint()) && resourceFilter.equals(s.resourceFilter())
        && Objects.equals(subjectFilter, s.subjectFilter()) && Objects.equals(typeFilter, s.typeFilter())
        && Objects.equals(sourceFilter, s.sourceFilter())
        && Boolean.TRUE.equals(includeSubunits) == Boolean.TRUE.equals(s.includeSubunits());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubscriptionRequest r && endPoint.equals(r.endPoint)
        && resourceFilter.equals(r.resourceFilter) && Objects.equals(subjectFilter, r.subjectFilter)
        && Objects.equals(typeFilter, r.typeFilter) && Objects.equals(sourceFilter, r.sourceFilter)
        && Objects.equals(includeSubunits, r.includeSubunits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(endPoint, resourceFilter, subjectFilter, typeFilter, sourceFilter, includeSubunits);
  }

  @Override
  public String toString() {
    return "SubscriptionRequest{endPoint=" + Redaction.endpoint(endPoint) + ", resourceFilter=" + resourceFilter
        + ", subjectFilter=" + subjectFilter + ", typeFilter=" + typeFilter + ", sourceFilter=" + sourceFilter
        + ", includeSubunits=" + includeSubunits + "}";
  }
}
