package no.brokerclient.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.RecipientFileTransferStatus;

/** JSON output for {@code --json}: records and maps, times as ISO-8601 strings. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new SimpleModule("java-time-as-text")
          .addSerializer(Instant.class, ToStringSerializer.instance)
          .addSerializer(Duration.class, ToStringSerializer.instance)
          .addSerializer(FileTransferStatus.class, ToStringSerializer.instance)
          .addSerializer(RecipientFileTransferStatus.class, ToStringSerializer.instance))
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  static void print(PrintWriter out, Object value) {
    try {
      out.println(MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }
}
