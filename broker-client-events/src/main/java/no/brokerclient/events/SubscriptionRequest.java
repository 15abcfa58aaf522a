package no.brokerclient.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code POST /events/api/v1/subscriptions} body, as built by {@link EventSubscriptions}. Fields that are
 * {@code null} are omitted on the wire (Events stores an empty string as a filter that never matches).
 * {@code toString()} hides the endpoint's query values (the webhook secret).
 *
 * @param endPoint absolute https URL events are pushed to
 * @param resourceFilter {@code urn:altinn:resource:<id>}
 * @param subjectFilter {@code urn:altinn:organization:identifier-no:<orgno>}, or {@code null} (service owner)
 * @param typeFilter one event type, or {@code null} for every type
 * @param sourceFilter the Broker source, or {@code null} (today's server rejects it; opt-in only)
 * @param includeSubunits {@code true} to include sub-units of the subject, or {@code null}
 */
public record SubscriptionRequest(String endPoint, String resourceFilter, String subjectFilter, String typeFilter,
    String sourceFilter, Boolean includeSubunits) {

  /** Requires the endpoint and resource filter. */
  public SubscriptionRequest {
    Objects.requireNonNull(endPoint, "endPoint");
    Objects.requireNonNull(resourceFilter, "resourceFilter");
  }

  /** @return the JSON body, camelCase, nulls omitted */
  public Map<String, Object> toJson() {
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
  public String toString() {
    return "SubscriptionRequest{endPoint=" + Redaction.endpoint(endPoint) + ", resourceFilter=" + resourceFilter
        + ", subjectFilter=" + subjectFilter + ", typeFilter=" + typeFilter + ", sourceFilter=" + sourceFilter
        + ", includeSubunits=" + includeSubunits + "}";
  }
}
