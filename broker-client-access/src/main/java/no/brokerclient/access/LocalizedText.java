package no.brokerclient.access;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A text in the three languages the Resource Registry and the system register require: Bokmål, Nynorsk, English.
 *
 * @param nb Norwegian Bokmål
 * @param nn Norwegian Nynorsk
 * @param en English
 */
public record LocalizedText(String nb, String nn, String en) {
  /** Rejects blank values: the servers require all three. */
  public LocalizedText {
    require("nb", nb);
    require("nn", nn);
    require("en", en);
    nb = nb.strip();
    nn = nn.strip();
    en = en.strip();
  }

  /**
   * @param nb Bokmål
   * @param nn Nynorsk
   * @param en English
   * @return the text
   */
  public static LocalizedText of(String nb, String nn, String en) {
    return new LocalizedText(nb, nn, en);
  }

  Map<String, String> toWire() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("nb", nb);
    m.put("nn", nn);
    m.put("en", en);
    return m;
  }

  static LocalizedText fromWire(com.fasterxml.jackson.databind.JsonNode n) {
    String nb = Rest.text(n, "nb");
    String nn = Rest.text(n, "nn");
    String en = Rest.text(n, "en");
    if (nb == null || nn == null || en == null || nb.isBlank() || nn.isBlank() || en.isBlank()) {
      return null;
    }
    return new LocalizedText(nb, nn, en);
  }

  private static void require(String lang, String v) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("the " + lang + " text is blank; Altinn requires nb, nn and en");
    }
  }
}
