package no.brokerclient.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.brokerclient.testkit.FakeBrokerStore.RecipientEntry;
import no.brokerclient.testkit.FakeBrokerStore.Resource;
import no.brokerclient.testkit.FakeBrokerStore.StatusEntry;
import no.brokerclient.testkit.FakeBrokerStore.Transfer;
import no.brokerclient.testkit.Http.Caller;
import no.brokerclient.testkit.Http.Reject;

/**
 * Broker's reading and receiving endpoints (§3.5–3.9 of {@code altinn-broker-api.md}): overview and details, search
 * with every filter and the 100 cap, Range downloads (recipient status {@code DownloadStarted}, debounced for ranged
 * requests) and the confirm rules, with the purge after all recipients confirmed.
 */
final class FakeBrokerReceive {
  private static final List<String> STATUSES = List.of("Initialized", "UploadStarted", "UploadProcessing", "Published",
      "Cancelled", "AllConfirmedDownloaded", "Purged", "Failed");
  private static final List<String> RECIPIENT_STATUSES = List.of("Initialized", "DownloadStarted", "DownloadConfirmed");

  private final FakeBrokerStore store;

  FakeBrokerReceive(FakeBrokerStore store) {
    this.store = store;
  }

  /** Registers search, overview, details, download and confirm. */
  void routes(Routes r) {
    r.on("GET", "filetransfer", (ex, p) -> search(ex));
    r.on("GET", "filetransfer/{}", (ex, p) -> overview(ex, Http.uuid(p[5], "fileTransferId"), false));
    r.on("GET", "filetransfer/{}/details", (ex, p) -> overview(ex, Http.uuid(p[5], "fileTransferId"), true));
    r.on("GET", "filetransfer/{}/download", (ex, p) -> download(ex, Http.uuid(p[5], "fileTransferId")));
    r.on("POST", "filetransfer/{}/confirmdownload", (ex, p) -> confirm(ex, Http.uuid(p[5], "fileTransferId")));
  }

  private void overview(HttpExchange ex, UUID id, boolean details) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = store.caller(ex, Set.of(FakeBroker.READ, FakeBroker.WRITE));
    Transfer t = store.visible(c, id);
    synchronized (t) {
      Http.sendJson(ex, 200, json(t, details));
    }
  }

  ObjectNode json(Transfer t, boolean details) {
    ObjectNode n = Http.JSON.createObjectNode();
    n.put("fileTransferId", t.id.toString());
    n.put("resourceId", t.resourceId);
    n.put("fileName", t.fileName);
    n.put("sendersFileTransferReference", t.reference);
    n.put("checksum", t.checksum);
    n.put("useVirusScan", t.useVirusScan);
    n.put("fileTransferSize", t.size);
    n.put("fileTransferStatus", t.status);
    n.put("fileTransferStatusText", t.statusText);
    n.put("fileTransferStatusChanged", ts(t.statusChanged));
    n.put("created", ts(t.created));
    n.put("expirationTime", ts(t.expiration));
    n.put("sender", t.sender);
    ArrayNode recipients = n.putArray("recipients");
    for (RecipientEntry e : t.recipientState.values()) {
      ObjectNode r = recipients.addObject();
      r.put("recipient", e.recipient());
      r.put("currentRecipientFileTransferStatusCode", e.status());
      r.put("currentRecipientFileTransferStatusText", e.text());
      r.put("currentRecipientFileTransferStatusChanged", ts(e.at()));
    }
    ObjectNode props = n.putObject("propertyList");
    t.properties.forEach(props::put);
    if (!details) {
      n.put("published", t.published == null ? null : ts(t.published));
    } else {
      ArrayNode h = n.putArray("fileTransferStatusHistory");
      for (StatusEntry e : t.history) {
        h.addObject().put("fileTransferStatus", e.status()).put("fileTransferStatusText", e.text())
            .put("fileTransferStatusChanged", ts(e.at()));
      }
      ArrayNode rh = n.putArray("recipientFileTransferStatusHistory");
      for (RecipientEntry e : t.recipientHistory) {
        rh.addObject().put("recipient", e.recipient()).put("recipientFileTransferStatusCode", e.status())
            .put("recipientFileTransferStatusText", e.text()).put("recipientFileTransferStatusChanged", ts(e.at()));
      }
    }
    return n;
  }

  static String ts(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC).toString().replace("Z", "+00:00");
  }

  private void search(HttpExchange ex) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = store.caller(ex, Set.of(FakeBroker.READ, FakeBroker.WRITE));
    Map<String, List<String>> q = Http.query(ex);
    String resourceId = Http.first(q, "resourceId");
    if (resourceId == null || resourceId.isEmpty()) {
      throw Http.validation("resourceId", "The resourceId field is required.");
    }
    String status = enumValue(Http.first(q, "status"), STATUSES, "status");
    String recipientStatus = enumValue(Http.first(q, "recipientStatus"), RECIPIENT_STATUSES, "recipientStatus");
    String role = enumValue(Http.first(q, "role"), List.of("Recipient", "Sender"), "role");
    Instant from = time(Http.first(q, "from"), "from");
    Instant to = time(Http.first(q, "to"), "to");
    boolean ascending = "true".equalsIgnoreCase(Http.first(q, "orderAscending"));
    Resource searched = store.resource(resourceId);
    if (searched == null) {
      throw FakeBrokerStore.unknownResource();
    }
    // Broker asks the PDP for the caller's own org on the resource (any action).
    store.requireAccess(searched, c.org(), null);
    String me = "0192:" + c.org();
    List<Map.Entry<Instant, UUID>> hits = new ArrayList<>();
    for (Transfer t : store.transfers()) {
      synchronized (t) {
        if (!t.resourceId.equals(resourceId)) {
          continue;
        }
        boolean asSender = t.sender.equals(me); // stored as sent: URN-form senders are not found (as in Broker)
        boolean asRecipient = t.recipientState.containsKey(me);
        if (recipientStatus != null) {
          RecipientEntry e = t.recipientState.get(me);
          if (e == null || !e.status().equals(recipientStatus)) {
            continue;
          }
        } else if ("Sender".equals(role) ? !asSender
            : "Recipient".equals(role) ? !asRecipient : !(asSender || asRecipient)) {
          continue;
        }
        if (status != null && !t.status.equals(status)) {
          continue;
        }
        Instant key = status != null ? t.enteredStatus(status) : t.created;
        if (from != null && to != null) {
          if (key.isBefore(from) || key.isAfter(to)) {
            continue;
          }
        } else if ((from != null && !key.isAfter(from)) || (to != null && !key.isBefore(to))) {
          continue;
        }
        hits.add(Map.entry(key, t.id));
      }
    }
    Comparator<Map.Entry<Instant, UUID>> order = Map.Entry.comparingByKey();
    hits.sort(ascending ? order : order.reversed());
    ArrayNode out = Http.JSON.createArrayNode();
    hits.stream().limit(100).forEach(h -> out.add(h.getValue().toString()));
    Http.sendJson(ex, 200, out.toString());
  }

  private static String enumValue(String v, List<String> values, String field) throws Reject {
    if (v == null || v.isEmpty()) {
      return null;
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).equalsIgnoreCase(v) || Integer.toString(i).equals(v)) {
        return values.get(i);
      }
    }
    throw Http.validation(field, "The value '" + v + "' is not valid.");
  }

  private static Instant time(String v, String field) throws Reject {
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw Http.validation(field, "The value '" + v + "' is not valid.");
    }
  }

  private void download(HttpExchange ex, UUID id) throws Reject, IOException {
    Caller c = store.caller(ex, Set.of(FakeBroker.READ));
    Transfer t = store.transfer(id);
    if (t == null) {
      throw FakeBrokerStore.notFound();
    }
    String me = "0192:" + c.org();
    long size;
    Path blob;
    long start = 0;
    long end;
    boolean ranged = false;
    synchronized (t) {
      if (!t.isRecipient(c.org())) {
        throw FakeBrokerStore.denied();
      }
      store.requireAccess(store.resource(t.resourceId), c.org(), "read");
      if (!t.status.equals("Published") && !t.status.equals("AllConfirmedDownloaded")) {
        throw Http.problem(403, 7, "The requested file transfer's file is not ready for download. See file transfer"
            + " status.");
      }
      if (t.blob == null) {
        throw Http.problem(400, 3, "No file uploaded yet");
      }
      size = t.size;
      blob = t.blob;
      end = size - 1;
      String range = ex.getRequestHeaders().getFirst("Range");
      Matcher rm = range == null ? null : Pattern.compile("^bytes=(\\d*)-(\\d*)$").matcher(range.strip());
      if (rm != null && rm.matches() && !(rm.group(1).isEmpty() && rm.group(2).isEmpty())) {
        if (rm.group(1).isEmpty()) {
          long suffix = Long.parseLong(rm.group(2));
          start = Math.max(0, size - suffix);
        } else {
          start = Long.parseLong(rm.group(1));
          end = rm.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(rm.group(2)), size - 1);
        }
        if (start >= size || start > end) {
          ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
          throw Http.problem(416, 29, "The requested byte range is not satisfiable.");
        }
        ranged = true;
      }
      RecipientEntry current = t.recipientState.get(me);
      Instant now = store.clock().instant();
      boolean debounce = ranged && t.lastRangedDownload != null
          && Duration.between(t.lastRangedDownload, now).compareTo(Duration.ofMinutes(5)) < 0;
      if (!debounce && current != null && !current.status().equals("DownloadConfirmed")) {
        store.recipientStatus(t, me, "DownloadStarted", "Recipient has attempted to download fileTransfer");
      }
      if (ranged) {
        t.lastRangedDownload = now;
      }
    }
    long length = end - start + 1;
    ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
    ex.getResponseHeaders().set("Accept-Ranges", "bytes");
    ex.getResponseHeaders().set("Content-Disposition", contentDisposition(t.fileName));
    if (ranged) {
      ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
    }
    ex.sendResponseHeaders(ranged ? 206 : 200, length == 0 ? -1 : length);
    if (length == 0) {
      return;
    }
    store.altinn().streamBody(ex, blob, start, length);
  }

  private void confirm(HttpExchange ex, UUID id) throws Reject, IOException {
    Http.requireAccept(ex, "application/json");
    Caller c = store.caller(ex, Set.of(FakeBroker.READ));
    Transfer t = store.transfer(id);
    if (t == null) {
      throw FakeBrokerStore.notFound();
    }
    String me = "0192:" + c.org();
    boolean allConfirmed = false;
    synchronized (t) {
      if (!t.isRecipient(c.org())) {
        throw FakeBrokerStore.denied();
      }
      if (t.blob == null && !t.status.equals("Purged")) {
        throw Http.problem(400, 3, "No file uploaded yet");
      }
      if (!t.status.equals("Published")) {
        throw Http.problem(400, 10, "A file transfer can only be confirmed to be downloaded when it is published. See"
            + " file transfer status.");
      }
      String mine = t.recipientState.get(me).status();
      if (mine.equals("DownloadConfirmed")) {
        Http.sendText(ex, 204, null, null);
        return;
      }
      if (!mine.equals("DownloadStarted")) {
        throw Http.problem(400, 19, "Cannot confirm before the files have been downloaded");
      }
      store.recipientStatus(t, me, "DownloadConfirmed", "Recipient has downloaded fileTransfer");
      if (t.recipientState.values().stream().allMatch(e -> e.status().equals("DownloadConfirmed"))) {
        store.status(t, "AllConfirmedDownloaded", "All downloaded");
        allConfirmed = true;
      }
    }
    store.events().raise("downloadconfirmed", t, c.org(), "Recipient");
    store.events().raise("downloadconfirmed", t, t.senderOrg(), "Sender");
    if (allConfirmed) {
      store.events().raise("allconfirmeddownloaded", t, t.senderOrg(), "Sender");
      Resource r = store.resource(t.resourceId);
      if (!Boolean.FALSE.equals(r.purgeAfterAllConfirmed)) {
        Duration grace = r.grace != null ? r.grace : Duration.ofHours(2);
        store.scheduler().schedule(() -> store.purge(t.id), grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    Http.sendText(ex, 204, null, null);
  }

  /**
   * The download's {@code Content-Disposition}, safe for any name initialize accepted (Broker checks only the
   * length, so CR/LF are legal): a plain {@code filename} with anything that is not printable ASCII (control
   * characters, quotes, backslashes, non-ASCII) replaced by {@code _}, and the exact name percent-encoded in
   * {@code filename*}.
   */
  static String contentDisposition(String fileName) {
    StringBuilder plain = new StringBuilder(fileName.length());
    for (int i = 0; i < fileName.length(); i++) {
      char ch = fileName.charAt(i);
      plain.append(ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' ? '_' : ch);
    }
    return "attachment; filename=\"" + plain + "\"; filename*=UTF-8''"
        + java.net.URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
