package no.brokerclient.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import no.brokerclient.testkit.FakeBrokerStore.Resource;
import no.brokerclient.testkit.Http.Caller;
import no.brokerclient.testkit.Http.Reject;

/**
 * Broker's resource configuration (§3.10 of {@code altinn-broker-api.md}): {@code PUT} with the server's limits
 * (BRO-00011…00023), importing the resource from the Resource Registry on first use, and {@code GET} with durations
 * as .NET {@code TimeSpan} strings.
 */
final class FakeBrokerResources {
  private final FakeBrokerStore store;

  FakeBrokerResources(FakeBrokerStore store) {
    this.store = store;
  }

  /** Registers {@code PUT} and {@code GET /resource/{id}}. */
  void routes(Routes r) {
    r.on("PUT", "resource/{}", (ex, p) -> putResource(ex, p[5]));
    r.on("GET", "resource/{}", (ex, p) -> getResource(ex, p[5]));
  }

  private void putResource(HttpExchange ex, String id) throws Reject, IOException {
    Caller c = store.caller(ex, Set.of(FakeBroker.SERVICE_OWNER));
    Resource r = store.resource(id);
    FakeResourceRegistry.Resource registered = store.altinn().resourceRegistry().resource(id);
    if (r == null && registered != null) {
      r = store.registerResource(id, registered.ownerOrg(), List.of()); // Broker imports it from the Resource Registry
    }
    if (r == null) {
      throw FakeBrokerStore.unknownResource();
    }
    if (!r.owner.equals(c.org())) {
      throw FakeBrokerStore.denied();
    }
    JsonNode b = Http.readJson(ex, 1 << 16);
    Long max = b.hasNonNull("maxFileTransferSize") ? b.get("maxFileTransferSize").asLong() : null;
    if (max != null && max < 0) {
      throw Http.problem(400, 11, "Max file transfer size cannot be negative");
    }
    if (max != null && max == 0) {
      throw Http.problem(400, 12, "Max file transfer size cannot be zero");
    }
    if (max != null && max > 1_677_721_600_000L) {
      throw Http.problem(400, 22, "Max file transfer size cannot be set higher than 100GB in production because it has"
          + " not yet been tested for it. Contact us @ Slack if you need it.");
    }
    Duration ttl = duration(Http.memberText(b, "fileTransferTimeToLive"), 14, "Invalid file transfer time to live"
        + " format. Should follow ISO8601 standard for duration. Example: 'P30D' for 30 days.");
    if (ttl != null && ttl.compareTo(Duration.ofDays(365)) > 0) {
      throw Http.problem(400, 15, "Time to live cannot exceed 365 days");
    }
    Duration grace = duration(Http.memberText(b, "purgeFileTransferGracePeriod"), 17, "Invalid grace period format."
        + " Should follow ISO8601 standard for duration. Example: 'PT2H' for 2 hours.");
    if (grace != null && grace.compareTo(Duration.ofHours(24)) > 0) {
      throw Http.problem(400, 18, "Grace period cannot exceed 24 hours");
    }
    if (b.path("useManifestFileShim").asBoolean(false) && (Http.memberText(b, "externalServiceCodeLegacy") == null
        || b.path("externalServiceEditionCodeLegacy").asInt(0) == 0)) {
      throw Http.problem(400, 23, "In order to use manifest file shim you need to provide external service code and"
          + " edition code");
    }
    if (max != null) {
      r.maxFileTransferSize = max;
    }
    if (ttl != null) {
      r.ttl = ttl;
    }
    if (grace != null) {
      r.grace = grace;
    }
    if (b.hasNonNull("purgeFileTransferAfterAllRecipientsConfirmed")) {
      r.purgeAfterAllConfirmed = b.get("purgeFileTransferAfterAllRecipientsConfirmed").asBoolean();
    }
    if (b.hasNonNull("useManifestFileShim")) {
      r.useManifestFileShim = b.get("useManifestFileShim").asBoolean();
    }
    if (b.hasNonNull("externalServiceCodeLegacy")) {
      r.externalServiceCodeLegacy = b.get("externalServiceCodeLegacy").asText();
    }
    if (b.hasNonNull("externalServiceEditionCodeLegacy")) {
      r.externalServiceEditionCodeLegacy = b.get("externalServiceEditionCodeLegacy").asInt();
    }
    if (b.hasNonNull("requiredParty")) {
      r.requiredParty = b.get("requiredParty").asText();
    }
    r.configured = true;
    Http.sendText(ex, 204, null, null);
  }

  private static Duration duration(String s, int code, String message) throws Reject {
    if (s == null) {
      return null;
    }
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw Http.problem(400, code, message);
    }
  }

  private void getResource(HttpExchange ex, String id) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = store.caller(ex, Set.of(FakeBroker.SERVICE_OWNER));
    Resource r = store.resource(id);
    if (r == null || !r.configured) {
      throw Http.problem(400, 25, "The resource has not been configured.");
    }
    if (!r.owner.equals(c.org())) {
      throw FakeBrokerStore.denied();
    }
    ObjectNode n = Http.JSON.createObjectNode();
    n.put("maxFileTransferSize", r.maxFileTransferSize);
    n.put("fileTransferTimeToLive", timeSpan(r.ttl != null ? r.ttl : Duration.ofDays(30)));
    n.put("purgeFileTransferAfterAllRecipientsConfirmed", !Boolean.FALSE.equals(r.purgeAfterAllConfirmed));
    n.put("purgeFileTransferGracePeriod", timeSpan(r.grace != null ? r.grace : Duration.ofHours(2)));
    n.put("useManifestFileShim", Boolean.TRUE.equals(r.useManifestFileShim));
    n.put("externalServiceCodeLegacy", r.externalServiceCodeLegacy);
    n.put("externalServiceEditionCodeLegacy", r.externalServiceEditionCodeLegacy);
    n.put("requiredParty", r.requiredParty);
    Http.sendJson(ex, 200, n);
  }

  /** .NET {@code TimeSpan.ToString()}: {@code [d.]hh:mm:ss}. */
  static String timeSpan(Duration d) {
    long days = d.toDays();
    String hms = String.format("%02d:%02d:%02d", d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart());
    return days > 0 ? days + "." + hms : hms;
  }
}
