package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import no.brokerclient.ApiError;
import org.junit.jupiter.api.Test;

/** Altinn's problem details of the Resource Registry and Authentication ({@code AltinnValidationError}). */
class ErrorBodiesAltinnTest {
  @Test
  void validationErrorsAreKeyedByTheirCodes() {
    ApiError e = ErrorBodies.parse("POST", "/resourceregistry/api/v1/access-lists/ttd/x/members", 400,
        "{\"type\":\"https://altinn.no/problems/STD-00000\",\"title\":\"One or more validation errors occurred.\","
            + "\"status\":400,\"code\":\"STD-00000\",\"validationErrors\":[{\"code\":\"RR.VLD-00001\",\"title\":"
            + "\"Too many members\",\"paths\":[\"/data\"]},{\"title\":\"no code\"},\"junk\"]}");
    assertEquals("STD-00000", e.code());
    assertEquals(List.of("Too many members", "at [\"/data\"]"), e.validationErrors().get("RR.VLD-00001"));
    assertEquals(1, e.validationErrors().size(), "entries without a code are skipped");
  }

  @Test
  void aspNetErrorsStillParseAlongside() {
    ApiError e = ErrorBodies.parse("PUT", "/x", 400, "{\"errors\":{\"Name\":[\"required\"]},\"validationErrors\":{}}");
    assertEquals(List.of("required"), e.validationErrors().get("Name"));
    assertTrue(ErrorBodies.parse("PUT", "/x", 400, "{\"validationErrors\":null}").validationErrors().isEmpty());
  }
}
