package no.brokerclient.durable.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.OrganizationNumber;

/** A {@link FileTransferInitialize} as the JSON the outbox stores, and back. Internal. */
public final class Requests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Requests() {}

  /**
   * @param r the request
   * @return its JSON
   */
  public static String toJson(FileTransferInitialize r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("fileName", r.fileName());
    n.put("resourceId", r.resourceId().id());
    n.put("sendersFileTransferReference", r.sendersFileTransferReference());
    n.put("sender", r.sender().digits());
    var recipients = n.putArray("recipients");
    r.recipients().forEach(o -> recipients.add(o.digits()));
    ObjectNode props = n.putObject("propertyList");
    r.propertyList().forEach(props::put);
    if (r.checksum() != null) {
      n.put("checksum", r.checksum());
    }
    if (r.disableVirusScan() != null) {
      n.put("disableVirusScan", r.disableVirusScan());
    }
    return n.toString();
  }

  /**
   * @param json what {@link #toJson} wrote
   * @return the request, validated again
   */
  public static FileTransferInitialize fromJson(String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable request_json in the outbox: " + e.getOriginalMessage(), e);
    }
    FileTransferInitialize.Builder b = FileTransferInitialize.builder()
        .fileName(n.get("fileName").asText())
        .resourceId(n.get("resourceId").asText())
        .sendersFileTransferReference(n.get("sendersFileTransferReference").asText())
        .sender(OrganizationNumber.of(n.get("sender").asText()));
    n.path("recipients").forEach(o -> b.recipient(OrganizationNumber.of(o.asText())));
    Map<String, String> props = new LinkedHashMap<>();
    n.path("propertyList").properties().forEach(e -> props.put(e.getKey(), e.getValue().asText()));
    b.propertyList(props);
    if (n.hasNonNull("checksum")) {
      b.checksum(n.get("checksum").asText());
    }
    if (n.hasNonNull("disableVirusScan")) {
      b.disableVirusScan(n.get("disableVirusScan").asBoolean());
    }
    return b.build();
  }
}
