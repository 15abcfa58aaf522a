package no.brokerclient.internal;

/** Makes text from a remote peer safe to put in an exception message or a log line. Internal. */
public final class Text {
  private Text() {}

  /**
   * Replaces control characters (line breaks included, so a body cannot forge log lines) with spaces and cuts the
   * text to {@code max} characters, marking the cut with an ellipsis.
   *
   * @param s the text, possibly {@code null}
   * @param max the longest result, ellipsis included
   * @return the cleaned text, or {@code null} for {@code null}
   */
  public static String clean(String s, int max) {
    if (s == null) {
      return null;
    }
    int end = Math.min(s.length(), max);
    boolean cut = end < s.length();
    if (cut) {
      end = Math.max(0, max - 1);
      if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
        end--; // do not split a surrogate pair
      }
    }
    StringBuilder b = null;
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (b == null) {
          b = new StringBuilder(end + 1).append(s, 0, i);
        }
        b.append(' ');
      } else if (b != null) {
        b.append(c);
      }
    }
    String out = b != null ? b.toString() : s.substring(0, end);
    return cut ? out + "…" : out;
  }
}
