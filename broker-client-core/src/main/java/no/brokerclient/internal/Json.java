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
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.RecipientFileTransferStatus;

/** The one configured Jackson mapper: lenient about unknown fields and unknown enum values. Internal. */
public final class Json {
  /** Shared, thread-safe mapper. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .addModule(new SimpleModule("broker-client")
          .addDeserializer(Instant.class, stringDeserializer(Json::parseInstant))
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
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
    }
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
