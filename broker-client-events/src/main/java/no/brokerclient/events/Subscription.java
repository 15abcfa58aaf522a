package no.brokerclient.events;

import java.time.Instant;

/**
 * A subscription as the Events API returns it. {@code validated} turns true once the endpoint answered the
 * validation event with 2xx; only validated subscriptions receive events. {@code toString()} hides the endpoint's
 * query values.
 *
 * @param id the subscription id
 * @param endPoint the push URL, as stored (including any secret)
 * @param sourceFilter source filter, or {@code null}
 * @param resourceFilter resource filter
 * @param subjectFilter subject filter, or {@code null}
 * @param alternativeSubjectFilter alternative subject filter, or {@code null}
 * @param typeFilter type filter, or {@code null}
 * @param consumer who the subscription belongs to, e.g. {@code /organisation/991825827}
 * @param createdBy who created it
 * @param created when
 * @param validated whether the endpoint has been validated
 * @param includeSubunits whether sub-units of the subject are included
 */
public record Subscription(int id, String endPoint, String sourceFilter, String resourceFilter, String subjectFilter,
    String alternativeSubjectFilter, String typeFilter, String consumer, String createdBy, Instant created,
    boolean validated, Boolean includeSubunits) {

  @Override
  public String toString() {
    return "Subscription{id=" + id + ", endPoint=" + Redaction.endpoint(endPoint) + ", resourceFilter="
        + resourceFilter + ", subjectFilter=" + subjectFilter + ", typeFilter=" + typeFilter + ", validated="
        + validated + ", consumer=" + consumer + "}";
  }
}
