package no.brokerclient;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import no.brokerclient.internal.Durations;
import no.brokerclient.internal.Json;
import no.brokerclient.internal.Text;
import no.brokerclient.internal.Transport;
import no.brokerclient.internal.Transport.Call;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.MonthlyStatisticsRequest;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.ResourceSettingsUpdate;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Broker v1's wire format in one place: its URLs and query strings, the JSON and multipart request bodies, and
 * reading file transfer ids from answers. Answers with a shape of their own ({@code FileTransferOverview}, {@code
 * ResourceSettings}, {@code ServiceOwner}…) are read by Jackson ({@link Json#MAPPER}, which also reads Broker's .NET
 * {@code TimeSpan} durations). Immutable.
 */
final class BrokerCodec {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final HttpUrl baseUrl;

  BrokerCodec(HttpUrl baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** @return the platform base URL without a trailing slash */
  String baseUrl() {
    String s = baseUrl.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** @return {@code {base}/broker/api/v1/{segments…}}, each segment encoded */
  HttpUrl url(String... segments) {
    HttpUrl.Builder b = baseUrl.newBuilder().addPathSegments("broker/api/v1");
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b.build();
  }

  /** @return a repeatable JSON body of {@code value}, serialised once */
  static Supplier<RequestBody> json(Object value) {
    String body = Json.write(value);
    return () -> RequestBody.create(body, JSON);
  }

  /** @return the {@code FileTransferInitalizeExt} JSON of an initialize */
  static Map<String, Object> initialize(FileTransferInitialize r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fileName", r.fileName());
    m.put("resourceId", r.resourceId().id());
    m.put("sendersFileTransferReference", r.sendersFileTransferReference());
    m.put("sender", r.sender().iso6523());
    m.put("recipients", r.recipients().stream().map(OrganizationNumber::iso6523).toList());
    m.put("propertyList", r.propertyList());
    putIfSet(m, "checksum", r.checksum());
    putIfSet(m, "disableVirusScan", r.disableVirusScan());
    return m;
  }

  /** @return the multipart form of {@code POST /filetransfer/upload}: the metadata fields, then the file */
  static RequestBody multipart(FileTransferInitialize m, RequestBody file) {
    MultipartBody.Builder b = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("Metadata.FileName", m.fileName())
        .addFormDataPart("Metadata.ResourceId", m.resourceId().id())
        .addFormDataPart("Metadata.SendersFileTransferReference", m.sendersFileTransferReference())
        .addFormDataPart("Metadata.Sender", m.sender().iso6523());
    m.recipients().forEach(r -> b.addFormDataPart("Metadata.Recipients", r.iso6523()));
    m.propertyList().forEach((k, v) -> b.addFormDataPart("Metadata.PropertyList[" + k + "]", v));
    if (m.checksum() != null) {
      b.addFormDataPart("Metadata.Checksum", m.checksum());
    }
    if (m.disableVirusScan() != null) {
      b.addFormDataPart("Metadata.DisableVirusScan", m.disableVirusScan().toString());
    }
    b.addFormDataPart("FileTransfer", m.fileName(), file);
    return b.build();
  }

  /** @return the search URL with the search's filters as query parameters */
  HttpUrl search(FileTransferSearch search) {
    HttpUrl.Builder u = url("filetransfer").newBuilder().addQueryParameter("resourceId", search.resourceId().id());
    addIfSet(u, "status", search.status() == null ? null : search.status().value());
    addIfSet(u, "recipientStatus", search.recipientStatus() == null ? null : search.recipientStatus().value());
    addIfSet(u, "from", search.from());
    addIfSet(u, "to", search.to());
    addIfSet(u, "orderAscending", search.orderAscending());
    addIfSet(u, "role", search.role() == null ? null : search.role().wireValue());
    return u.build();
  }

  /** @return the statistics URL with the month and filters */
  HttpUrl monthlyStatistics(MonthlyStatisticsRequest request) {
    HttpUrl.Builder u = url("statistics", "monthly").newBuilder()
        .addQueryParameter("year", Integer.toString(request.month().getYear()))
        .addQueryParameter("month", Integer.toString(request.month().getMonthValue()));
    addIfSet(u, "resourceId", request.resourceId() == null ? null : request.resourceId().id());
    u.addQueryParameter("includeEndUser", Boolean.toString(request.includeEndUser()));
    u.addQueryParameter("includeVendor", Boolean.toString(request.includeVendor()));
    return u.build();
  }

  /** @return the {@code ResourceExt} JSON of an update: only the fields that are set, durations as ISO-8601 */
  static Map<String, Object> resourceUpdate(ResourceSettingsUpdate update) {
    Map<String, Object> body = new LinkedHashMap<>();
    putIfSet(body, "maxFileTransferSize", update.maxFileTransferSize());
    putIfSet(body, "fileTransferTimeToLive",
        update.fileTransferTimeToLive() == null ? null : Durations.toIso(update.fileTransferTimeToLive()));
    putIfSet(body, "purgeFileTransferAfterAllRecipientsConfirmed",
        update.purgeFileTransferAfterAllRecipientsConfirmed());
    putIfSet(body, "purgeFileTransferGracePeriod",
        update.purgeFileTransferGracePeriod() == null ? null : Durations.toIso(update.purgeFileTransferGracePeriod()));
    putIfSet(body, "useManifestFileShim", update.useManifestFileShim());
    putIfSet(body, "externalServiceCodeLegacy", update.externalServiceCodeLegacy());
    putIfSet(body, "externalServiceEditionCodeLegacy", update.externalServiceEditionCodeLegacy());
    putIfSet(body, "requiredParty", update.requiredParty() == null ? null : update.requiredParty().digits());
    return body;
  }

  /** @return the ids of a search answer, which must be an array of UUID strings */
  static List<UUID> ids(Call call, JsonNode node) {
    if (!node.isArray()) {
      throw Transport.invalid(call, "is " + node.getNodeType() + " instead of an array of file transfer ids", null);
    }
    List<UUID> ids = new ArrayList<>(node.size());
    node.forEach(n -> ids.add(uuid(call, n, "an item")));
    return ids;
  }

  /** @return the id of an initialize or upload answer: a UUID string, or an object with {@code fileTransferId} */
  static UUID fileTransferId(Transport transport, Response r, Call call) {
    JsonNode n = transport.readJson(r, call, JsonNode.class);
    if (n.isTextual()) {
      return uuid(call, n, "the file transfer id");
    }
    if (!n.hasNonNull("fileTransferId")) {
      throw Transport.invalid(call, "has no fileTransferId", null);
    }
    return uuid(call, n.get("fileTransferId"), "fileTransferId");
  }

  /** A file transfer id from an answer: a JSON string holding a UUID, else a typed error. */
  private static UUID uuid(Call call, JsonNode n, String what) {
    if (n.isTextual()) {
      try {
        return UUID.fromString(n.asText());
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw Transport.invalid(call, "has " + what + " that is not a UUID: " + Text.clean(n.toString(), 60), null);
  }

  private static void putIfSet(Map<String, Object> body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }

  private static void addIfSet(HttpUrl.Builder u, String name, Object value) {
    if (value != null) {
      u.addQueryParameter(name, value.toString());
    }
  }
}
