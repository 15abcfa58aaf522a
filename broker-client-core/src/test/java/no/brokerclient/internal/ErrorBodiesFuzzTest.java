package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import no.brokerclient.ApiError;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerServerException;
import no.brokerclient.BrokerUnauthorizedException;

/**
 * Fuzzes the error-body parser (ProblemDetails, ValidationProblemDetails, text) and the exception built from it.
 * The normal build replays {@code ErrorBodiesFuzzTestInputs/}; {@code -Pfuzz} explores (RELIABILITY.md).
 */
class ErrorBodiesFuzzTest {
  private static final int[] STATUSES = {400, 401, 403, 404, 409, 416, 429, 500, 503};

  @FuzzTest
  void errorBody(byte[] input) {
    String body = new String(input, StandardCharsets.UTF_8);
    for (int status : STATUSES) {
      ApiError e = ErrorBodies.parse("POST", "/broker/api/v1/filetransfer", status, body);
      assertEquals(status, e.status(), "the status is never lost");
      assertEquals(body, e.rawBody(), "the raw body is kept");

      BrokerApiException ex = Transport.toException(e, null);
      assertEquals(status, ex.statusCode());
      assertEquals(status >= 500, ex instanceof BrokerServerException);
      assertEquals(status == 401, ex instanceof BrokerUnauthorizedException);
      String message = ex.getMessage();
      assertTrue(message.startsWith("POST /broker/api/v1/filetransfer failed: HTTP " + status), message);
      assertTrue(message.length() <= 5_000, "message is bounded: " + message.length());
      assertFalse(message.chars().anyMatch(Character::isISOControl), "no control characters: " + message);
      if (e.code() != null && e.code().matches("BRO-\\d{5}")) {
        assertTrue(e.hasCode(e.code()));
        assertTrue(message.contains("[" + e.code() + "]"));
      }
    }
  }
}
