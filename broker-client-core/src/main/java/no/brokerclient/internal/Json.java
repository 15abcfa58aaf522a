package no.brokerclient.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.RecipientFileTransferStatus;

/**
 * The one configured Jackson mapper: lenient about unknown fields and unknown enum values, strict about anything
 * after the value (a second value or trailing garbage fails). Reads {@code Instant}s with or without offset and
 * {@code Duration}s as ISO-8601 or .NET {@code TimeSpan} ({@link Durations#parse}). Internal.
 */
public final class Json {
  /** Shared, thread-safe mapper. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // a size of 12.5 bytes is an error, not 12
      .addModule(new SimpleModule("broker-client")
          .addDeserializer(Instant.class, stringDeserializer(Json::parseInstant))
          .addDeserializer(Duration.class, stringDeserializer(Durations::parse)) // ISO-8601 or .NET TimeSpan
          .addDeserializer(FileTransferStatus.class, stringDeserializer(FileTransferStatus::valueOf))
          .addDeserializer(RecipientFileTransferStatus.class, stringDeserializer(RecipientFileTransferStatus::valueOf)))
      .build();

  private Json() {}

  /**
   * Parses an ISO-8601 timestamp with or without offset (without offset means UTC).
   *
   * @param s the text
   * @return the instant
   */
  public static Instant parseInstant(String s) {
    Instant fast = fastInstant(s);
    if (fast != null) {
      return fast;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
    }
  }

  /**
   * Parses {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±hh:mm)} without DateTimeFormatter (Broker writes six of these
   * per overview); returns {@code null} for anything else, which then takes the general path.
   */
  static Instant fastInstant(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (i < n && s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && i - start < 9 && Character.isDigit(s.charAt(i))) {
        nanos = nanos * 10 + (s.charAt(i) - '0');
        i++;
      }
      if (i == start) {
        return null;
      }
      for (int k = i - start; k < 9; k++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (i == n - 1 && s.charAt(i) == 'Z') {
      offsetSeconds = 0;
    } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if (oh < 0 || oh > 18 || om < 0 || om > 59) {
        return null;
      }
      offsetSeconds = (s.charAt(i) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      return null;
    }
    try {
      long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
      long epochSecond = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
      return Instant.ofEpochSecond(epochSecond, nanos);
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * @param in the JSON
   * @param type the type
   * @param <T> the type
   * @return the value
   * @throws IOException on malformed JSON
   */
  public static <T> T read(InputStream in, Class<T> type) throws IOException {
    return MAPPER.readValue(in, type);
  }

  /**
   * @param in the JSON
   * @return the tree
   * @throws IOException on malformed JSON
   */
  public static JsonNode tree(InputStream in) throws IOException {
    return MAPPER.readTree(in);
  }

  /**
   * @param value any value Jackson can write
   * @return its JSON
   */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  private static <T> JsonDeserializer<T> stringDeserializer(Function<String, T> f) {
    return new JsonDeserializer<T>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        String text = p.getValueAsString();
        if (text == null || text.isEmpty()) {
          return null;
        }
        try {
          return f.apply(text);
        } catch (RuntimeException e) {
          return ctx.reportInputMismatch(this, "cannot parse '%s': %s", text, e.getMessage());
        }
      }
    };
  }
}
