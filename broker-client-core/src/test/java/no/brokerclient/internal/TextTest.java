package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void nullStaysNull() {
    assertNull(Text.clean(null, 10));
  }

  @Test
  void cleanShortTextIsReturnedAsIs() {
    String s = "Bad Request";
    assertSame(s, Text.clean(s, 100));
  }

  @Test
  void controlCharactersAndLineSeparatorsBecomeSpaces() {
    assertEquals("a b c d e f", Text.clean("a\nb\rc\u0000d\u2028e\u001bf", 100));
  }

  @Test
  void longTextIsCutWithAnEllipsisWithinTheLimit() {
    String out = Text.clean("x".repeat(50), 10);
    assertEquals("x".repeat(9) + "…", out);
    assertEquals(10, out.length());
  }

  @Test
  void aSurrogatePairIsNeverSplit() {
    String s = "abcdefgh\uD83D\uDE00tail"; // emoji at index 8-9
    String out = Text.clean(s, 10); // keeps 9 chars before the ellipsis: would end on the high surrogate
    assertEquals("abcdefgh…", out);
  }

  @Test
  void exactlyAtTheLimitIsNotCut() {
    assertEquals("0123456789", Text.clean("0123456789", 10));
  }
}
