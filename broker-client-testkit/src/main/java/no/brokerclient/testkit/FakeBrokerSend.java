package no.brokerclient.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import no.brokerclient.testkit.FakeBrokerStore.Resource;
import no.brokerclient.testkit.FakeBrokerStore.Transfer;
import no.brokerclient.testkit.Http.Caller;
import no.brokerclient.testkit.Http.Reject;

/**
 * Broker's sending endpoints (§3.1–3.3 of {@code altinn-broker-api.md}): initialize with the server's validation
 * order, the streamed upload, and initialize-and-upload as {@code multipart/form-data} parsed as a stream. The
 * bytes go to {@link FakeBrokerStore#receive}.
 */
final class FakeBrokerSend {
  private static final Pattern ACTOR =
      Pattern.compile("^(?:\\d{4}:\\d{9}|urn:altinn:organization:identifier-no:\\d{9})$");
  private static final Pattern RESOURCE = Pattern.compile("^(?:urn:altinn:resource:)?[^:]{1,255}$");
  private static final Pattern MD5 = Pattern.compile("^[0-9a-f]{32}$");

  private final FakeBrokerStore store;

  FakeBrokerSend(FakeBrokerStore store) {
    this.store = store;
  }

  /** Registers initialize, upload and initialize-and-upload. */
  void routes(Routes r) {
    r.on("POST", "filetransfer", (ex, p) -> initialize(ex));
    r.on("POST", "filetransfer/upload", (ex, p) -> multipart(ex));
    r.on("POST", "filetransfer/{}/upload", (ex, p) -> upload(ex, Http.uuid(p[5], "fileTransferId")));
  }

  private void initialize(HttpExchange ex) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = store.caller(ex, Set.of(FakeBroker.WRITE));
    JsonNode b = Http.readJson(ex, 1 << 20);
    String fileName = Http.memberText(b, "fileName");
    String resourceId = Http.memberText(b, "resourceId");
    String ref = b.has("sendersFileTransferReference") ? Http.memberText(b, "sendersFileTransferReference") : "";
    String sender = Http.memberText(b, "sender");
    if (fileName == null || fileName.isEmpty() || fileName.length() > 255) {
      throw Http.validation("FileName", "The field FileName must be a string with a minimum length of 1 and a maximum"
          + " length of 255.");
    }
    if (resourceId == null || !RESOURCE.matcher(resourceId).matches()) {
      throw Http.validation("ResourceId", "The field ResourceId is invalid.");
    }
    if (ref == null || ref.isEmpty()) {
      throw Http.validation("SendersFileTransferReference", "The SendersFileTransferReference field is required.");
    }
    if (ref.length() > 500) {
      throw Http.problem(500, 0, "value too long for type character varying(500)");
    }
    if (sender == null || !ACTOR.matcher(sender).matches()) {
      throw Http.validation("Sender", "Value needs to be parseable as organization number");
    }
    JsonNode rec = b.get("recipients");
    if (rec == null || !rec.isArray() || rec.isEmpty()) {
      throw Http.validation("Recipients", "One or more recipients are required");
    }
    List<String> recipients = new ArrayList<>();
    for (JsonNode r : rec) {
      if (!r.isTextual() || !ACTOR.matcher(r.asText()).matches()) {
        throw Http.validation("Recipients", "Each recipient needs to be parseable as organization number");
      }
      recipients.add("0192:" + Http.digits(r.asText()));
    }
    Map<String, String> props = new LinkedHashMap<>();
    JsonNode pl = b.get("propertyList");
    if (pl != null && !pl.isNull()) {
      if (!pl.isObject() || pl.size() > 10) {
        throw Http.validation("PropertyList", "PropertyList can contain at most 10 properties");
      }
      for (Map.Entry<String, JsonNode> e : pl.properties()) {
        if (e.getKey().length() > 50 || e.getValue().asText().length() > 3000) {
          throw Http.validation("PropertyList", "PropertyList Key can not exceed 50 characters, Value can not exceed"
              + " 3000 characters");
        }
        props.put(e.getKey(), e.getValue().asText());
      }
    }
    String checksum = Http.memberText(b, "checksum");
    if (checksum != null && !checksum.isEmpty() && !MD5.matcher(checksum).matches()) {
      throw Http.validation("Checksum", "The checksum, if used, must be a MD5 hash with a length of 32 characters");
    }
    boolean disableScan = b.path("disableVirusScan").asBoolean(false);
    Transfer t = create(c, resourceId, fileName, ref, sender, recipients, props,
        checksum == null || checksum.isEmpty() ? null : checksum, !disableScan);
    Http.sendJson(ex, 200, Map.of("fileTransferId", t.id.toString()));
  }

  private Transfer create(Caller c, String resourceIdRaw, String fileName, String ref, String sender,
      List<String> recipients, Map<String, String> props, String checksum, boolean scan) throws Reject {
    String resourceId = resourceIdRaw.startsWith("urn:altinn:resource:")
        ? resourceIdRaw.substring("urn:altinn:resource:".length()) : resourceIdRaw;
    Resource r = store.resource(resourceId);
    if (r == null) {
      throw FakeBrokerStore.unknownResource();
    }
    if (!Http.digits(sender).equals(c.org())) {
      throw FakeBrokerStore.denied();
    }
    store.requireAccess(r, c.org(), "write");
    for (String rec : recipients) {
      if (!store.hasAccess(r, Http.digits(rec), null)) {
        throw Http.problem(400, 28, "All recipients need to be in the access list of the resource.");
      }
    }
    Instant now = store.clock().instant();
    Transfer t = new Transfer(UUID.randomUUID(), resourceId, fileName, ref, sender, recipients, props, checksum, scan,
        now, r.ttl != null ? r.ttl : Duration.ofDays(30));
    store.add(t);
    return t;
  }

  private void upload(HttpExchange ex, UUID id) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = store.caller(ex, Set.of(FakeBroker.WRITE));
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/octet-stream")) {
      throw Http.text(415, "");
    }
    Transfer t = store.transfer(id);
    if (t == null) {
      throw FakeBrokerStore.notFound();
    }
    if (!c.org().equals(t.senderOrg())) {
      throw FakeBrokerStore.denied();
    }
    store.receive(t, ex.getRequestBody(), Http.longHeader(ex, "Content-Length"));
    Http.sendJson(ex, 200, Map.of("fileTransferId", t.id.toString()));
  }

  /** Initialize-and-upload: multipart/form-data parsed as a stream; the file part goes straight to disk. */
  private void multipart(HttpExchange ex) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = store.caller(ex, Set.of(FakeBroker.WRITE));
    MultipartReader reader = MultipartReader.open(ex);
    if (reader == null) {
      throw Http.text(415, "");
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    Map<String, String> props = new LinkedHashMap<>();
    Transfer t = null;
    MultipartReader.Part part;
    while ((part = reader.next()) != null) {
      String name = part.name();
      if ("FileTransfer".equalsIgnoreCase(name)) {
        t = create(c, one(fields, "Metadata.ResourceId"), one(fields, "Metadata.FileName"),
            one(fields, "Metadata.SendersFileTransferReference"), one(fields, "Metadata.Sender"),
            recipients(fields), props, emptyToNull(one(fields, "Metadata.Checksum")),
            !"true".equalsIgnoreCase(one(fields, "Metadata.DisableVirusScan")));
        store.receive(t, part.body(), -1);
      } else if (name.startsWith("Metadata.PropertyList[") && name.endsWith("]")) {
        props.put(name.substring("Metadata.PropertyList[".length(), name.length() - 1), part.text());
      } else {
        fields.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(part.text());
      }
    }
    if (t == null) {
      throw Http.validation("FileTransfer", "The FileTransfer field is required.");
    }
    Http.sendJson(ex, 200, Map.of("fileTransferId", t.id.toString()));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String one(Map<String, List<String>> fields, String name) throws Reject {
    List<String> v = fields.get(name.toLowerCase(Locale.ROOT));
    if (v == null || v.isEmpty()) {
      if (name.endsWith("Checksum") || name.endsWith("DisableVirusScan")) {
        return null;
      }
      throw Http.validation(name, "The " + name + " field is required.");
    }
    return v.get(0);
  }

  private static List<String> recipients(Map<String, List<String>> fields) throws Reject {
    List<String> v = fields.get("metadata.recipients");
    if (v == null || v.isEmpty()) {
      throw Http.validation("Metadata.Recipients", "One or more recipients are required");
    }
    List<String> out = new ArrayList<>();
    for (String r : v) {
      if (!ACTOR.matcher(r).matches()) {
        throw Http.validation("Metadata.Recipients", "Each recipient needs to be parseable as organization number");
      }
      out.add("0192:" + Http.digits(r));
    }
    return out;
  }
}
