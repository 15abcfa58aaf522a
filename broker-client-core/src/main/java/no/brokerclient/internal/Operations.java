package no.brokerclient.internal;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import no.brokerclient.TelemetryListener.Operation;
import okhttp3.HttpUrl;

/**
 * Names the SDK operation behind a request and its path template, from the method and the URL: the part of the
 * path from {@code /broker/api/v1} or {@code /events/api/v1} on (a prefix of the base URL is dropped), ids replaced
 * by placeholders, no query. Paths the SDK does not call become {@code other}, so metric tags stay bounded. The
 * one place that decides these names. Internal.
 */
public final class Operations {
  /** The operation and template of anything unknown. */
  public static final String OTHER = "other";

  private static final Pattern UUID_SEGMENT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern NUMBER = Pattern.compile("\\d{1,18}");

  private static final List<Operation> KNOWN = List.of(
      new Operation("initialize", "POST", "/broker/api/v1/filetransfer"),
      new Operation("search", "GET", "/broker/api/v1/filetransfer"),
      new Operation("initializeAndUpload", "POST", "/broker/api/v1/filetransfer/upload"),
      new Operation("upload", "POST", "/broker/api/v1/filetransfer/{fileTransferId}/upload"),
      new Operation("getOverview", "GET", "/broker/api/v1/filetransfer/{fileTransferId}"),
      new Operation("getDetails", "GET", "/broker/api/v1/filetransfer/{fileTransferId}/details"),
      new Operation("download", "GET", "/broker/api/v1/filetransfer/{fileTransferId}/download"),
      new Operation("confirmDownload", "POST", "/broker/api/v1/filetransfer/{fileTransferId}/confirmdownload"),
      new Operation("getResource", "GET", "/broker/api/v1/resource/{resourceId}"),
      new Operation("updateResource", "PUT", "/broker/api/v1/resource/{resourceId}"),
      new Operation("registerServiceOwner", "POST", "/broker/api/v1/serviceowner"),
      new Operation("getServiceOwner", "GET", "/broker/api/v1/serviceowner"),
      new Operation("monthlyStatistics", "GET", "/broker/api/v1/statistics/monthly"),
      new Operation("createSubscription", "POST", "/events/api/v1/subscriptions"),
      new Operation("listSubscriptions", "GET", "/events/api/v1/subscriptions"),
      new Operation("getSubscription", "GET", "/events/api/v1/subscriptions/{subscriptionId}"),
      new Operation("deleteSubscription", "DELETE", "/events/api/v1/subscriptions/{subscriptionId}"));

  private static final Operation UNKNOWN = new Operation(OTHER, OTHER, OTHER);

  private Operations() {}

  /**
   * @param method the HTTP method
   * @param url the URL
   * @return the operation, or one named {@link #OTHER} with template {@code other}
   */
  public static Operation of(String method, HttpUrl url) {
    String template = template(url.pathSegments());
    if (template != null) {
      String m = method.toUpperCase(Locale.ROOT);
      for (Operation op : KNOWN) {
        if (op.method().equals(m) && op.pathTemplate().equals(template)) {
          return op;
        }
      }
    }
    return UNKNOWN;
  }

  /**
   * @param url a Broker URL
   * @return the file transfer id in its path (the segment after {@code filetransfer}), or {@code null}
   */
  public static UUID fileTransferId(HttpUrl url) {
    List<String> s = url.pathSegments();
    for (int i = 0; i + 1 < s.size(); i++) {
      if ("filetransfer".equals(s.get(i)) && UUID_SEGMENT.matcher(s.get(i + 1)).matches()) {
        return UUID.fromString(s.get(i + 1));
      }
    }
    return null;
  }

  private static String template(List<String> segments) {
    int start = -1;
    for (int i = 0; i + 2 < segments.size(); i++) {
      String api = segments.get(i);
      if (("broker".equals(api) || "events".equals(api)) && "api".equals(segments.get(i + 1))
          && "v1".equals(segments.get(i + 2))) {
        start = i;
        break;
      }
    }
    if (start < 0) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    String previous = null;
    for (String seg : segments.subList(start, segments.size())) {
      String t = seg;
      if ("filetransfer".equals(previous) && UUID_SEGMENT.matcher(seg).matches()) {
        t = "{fileTransferId}";
      } else if ("resource".equals(previous)) {
        t = "{resourceId}";
      } else if ("subscriptions".equals(previous) && NUMBER.matcher(seg).matches()) {
        t = "{subscriptionId}";
      }
      b.append('/').append(t);
      previous = seg;
    }
    return b.toString();
  }
}
