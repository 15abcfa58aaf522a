package no.brokerclient.events;

/** Hides query values (webhook secrets) in endpoint URLs shown in logs, messages and toString(). */
final class Redaction {
  private Redaction() {}

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
