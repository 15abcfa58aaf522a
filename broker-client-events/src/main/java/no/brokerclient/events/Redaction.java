package no.brokerclient.events;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Hides query values (webhook secrets) in endpoint URLs shown in logs, messages and toString(). */
final class Redaction {
  /** A URL's or request line's query: from {@code ?} to the next whitespace. */
  private static final Pattern QUERY = Pattern.compile("\\?\\S*");

  private Redaction() {}

  /**
   * @param text free text, e.g. {@code POST /altinn/events?code=s3cret HTTP/1.1}
   * @return the text with every query value replaced, e.g. {@code POST /altinn/events?code=**** HTTP/1.1}
   */
  static String queries(String text) {
    if (text == null || text.indexOf('?') < 0) {
      return text;
    }
    Matcher m = QUERY.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(endpoint(m.group())));
    }
    return m.appendTail(b).toString();
  }

  static String endpoint(String url) {
    if (url == null) {
      return null;
    }
    int q = url.indexOf('?');
    if (q < 0) {
      return url;
    }
    StringBuilder b = new StringBuilder(url.substring(0, q + 1));
    String[] pairs = url.substring(q + 1).split("&", -1);
    for (int i = 0; i < pairs.length; i++) {
      int eq = pairs[i].indexOf('=');
      b.append(eq < 0 ? pairs[i] : pairs[i].substring(0, eq) + "=****");
      if (i < pairs.length - 1) {
        b.append('&');
      }
    }
    return b.toString();
  }
}
