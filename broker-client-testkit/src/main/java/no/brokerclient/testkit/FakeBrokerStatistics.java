package no.brokerclient.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.brokerclient.testkit.FakeBrokerStore.RecipientEntry;
import no.brokerclient.testkit.FakeBrokerStore.Resource;
import no.brokerclient.testkit.FakeBrokerStore.Transfer;
import no.brokerclient.testkit.Http.Caller;
import no.brokerclient.testkit.Http.Reject;

/**
 * Broker's monthly statistics (§3.12 of {@code altinn-broker-api.md}): the CSV per resource, sender and recipient,
 * for the service owner's own resources.
 */
final class FakeBrokerStatistics {
  private final FakeBrokerStore store;

  FakeBrokerStatistics(FakeBrokerStore store) {
    this.store = store;
  }

  /** Registers {@code GET /statistics/monthly}. */
  void routes(Routes r) {
    r.on("GET", "statistics/monthly", (ex, p) -> statistics(ex));
  }

  private void statistics(HttpExchange ex) throws Reject, IOException {
    Http.requireAccept(ex, "text/csv");
    Caller c = store.caller(ex, Set.of(FakeBroker.SERVICE_OWNER));
    Map<String, List<String>> q = Http.query(ex);
    int year;
    int month;
    try {
      year = Integer.parseInt(Http.first(q, "year"));
      month = Integer.parseInt(Http.first(q, "month"));
    } catch (NumberFormatException | NullPointerException e) {
      throw Http.problem(400, 6003, "Invalid year or month. Provide a valid year and a month between 1 and 12.");
    }
    if (year < 1 || year > 9999 || month < 1 || month > 12) {
      throw Http.problem(400, 6003, "Invalid year or month. Provide a valid year and a month between 1 and 12.");
    }
    boolean endUser = !"false".equalsIgnoreCase(Http.first(q, "includeEndUser"));
    boolean vendor = "true".equalsIgnoreCase(Http.first(q, "includeVendor"));
    if (!endUser && !vendor) {
      throw Http.problem(400, 6005, "At least one of includeEndUser or includeVendor must be true.");
    }
    String only = Http.first(q, "resourceId");
    YearMonth ym = YearMonth.of(year, month);
    Map<String, int[]> rows = new LinkedHashMap<>();
    for (Transfer t : store.transfers()) {
      Resource r = store.resource(t.resourceId);
      if (!r.owner.equals(c.org()) || (only != null && !only.equals(t.resourceId))
          || !YearMonth.from(t.created.atOffset(ZoneOffset.UTC)).equals(ym)) {
        continue;
      }
      for (RecipientEntry e : t.recipientState.values()) {
        String key = t.resourceId + "," + (vendor ? t.senderOrg() : "") + ","
            + (vendor ? Http.digits(e.recipient()) : "") + "," + (endUser ? t.senderOrg() : "") + ","
            + (endUser ? Http.digits(e.recipient()) : "");
        int[] v = rows.computeIfAbsent(key, k -> new int[4]);
        v[0]++;
        v[1] += t.blob != null || t.size > 0 ? 1 : 0;
        v[2] += e.status().equals("Initialized") ? 0 : 1;
        v[3] += e.status().equals("DownloadConfirmed") ? 1 : 0;
      }
    }
    StringBuilder csv = new StringBuilder("year,month,resourceId,senderVendor,recipientVendor,sender,recipient,"
        + "totalFileTransfers,uploadCount,totalTransferDownloadAttempts,transfersWithDownloadConfirmed\n");
    rows.forEach((k, v) -> csv.append(year).append(',').append(month).append(',').append(k).append(',').append(v[0])
        .append(',').append(v[1]).append(',').append(v[2]).append(',').append(v[3]).append('\n'));
    ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=monthly_statistics_"
        + (only != null ? only : "all-resources") + "_" + ym + ".csv");
    Http.sendText(ex, 200, "text/csv; charset=utf-8", csv.toString());
  }
}
