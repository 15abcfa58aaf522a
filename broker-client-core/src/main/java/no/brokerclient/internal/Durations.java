package no.brokerclient.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Duration wire formats: ISO-8601 out; ISO-8601 or .NET {@code TimeSpan} ({@code d.hh:mm:ss.fffffff}) in. Internal. */
public final class Durations {
  private static final Pattern TIMESPAN =
      Pattern.compile("(-)?(?:(\\d+)\\.)?(\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:\\.(\\d{1,7}))?");

  private Durations() {}

  /**
   * Formats as ISO-8601 with days, e.g. {@code P30D}, {@code PT2H}, {@code P1DT2H30M}, {@code PT0.5S}.
   *
   * @param d a non-negative duration
   * @return the ISO-8601 text
   */
  public static String toIso(Duration d) {
    if (d.isZero()) {
      return "PT0S";
    }
    StringBuilder b = new StringBuilder("P");
    long days = d.toDays();
    if (days > 0) {
      b.append(days).append('D');
    }
    Duration rest = d.minusDays(days);
    if (!rest.isZero()) {
      b.append('T');
      if (rest.toHoursPart() > 0) {
        b.append(rest.toHoursPart()).append('H');
      }
      if (rest.toMinutesPart() > 0) {
        b.append(rest.toMinutesPart()).append('M');
      }
      int secs = rest.toSecondsPart();
      int nanos = rest.toNanosPart();
      if (secs > 0 || nanos > 0) {
        b.append(secs);
        if (nanos > 0) {
          b.append('.').append(String.format("%09d", nanos).replaceAll("0+$", ""));
        }
        b.append('S');
      }
    }
    return b.toString();
  }

  /**
   * Parses ISO-8601 ({@code P30D}) or .NET {@code TimeSpan} ({@code 30.00:00:00}, {@code 02:00:00}).
   *
   * @param s the text, or {@code null}
   * @return the duration, or {@code null} for {@code null}/empty input
   * @throws IllegalArgumentException if neither format matches
   */
  public static Duration parse(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String v = s.strip();
    if (v.startsWith("P") || v.startsWith("-P")) {
      try {
        return Duration.parse(v);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not an ISO-8601 duration: " + s, e);
      }
    }
    Matcher m = TIMESPAN.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: " + s);
    }
    Duration d = Duration.ofDays(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
        .plusHours(Long.parseLong(m.group(3)))
        .plusMinutes(Long.parseLong(m.group(4)))
        .plusSeconds(Long.parseLong(m.group(5)));
    if (m.group(6) != null) {
      String frac = (m.group(6) + "000000000").substring(0, 9);
      d = d.plusNanos(Long.parseLong(frac));
    }
    return m.group(1) != null ? d.negated() : d;
  }
}
