package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import mockwebserver3.MockResponse;
import no.brokerclient.model.FileTransferInitialize;
import org.junit.jupiter.api.Test;

/** The error tree: one subclass per status callers act on, headers kept (credentials never), Retry-After typed. */
class ErrorTreeTest extends MockServerTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");

  FileTransferInitialize meta() {
    return FileTransferInitialize.builder().resourceId("my-resource").fileName("a.txt").sender("991825827")
        .recipient("986252932").build();
  }

  @Test
  void badRequestIsItsOwnTypeAndKeepsBrokersCode() {
    server.enqueue(problem(400, "Bad Request", "BRO-00028", "The resource does not match the file transfer"));
    BrokerBadRequestException e = assertThrows(BrokerBadRequestException.class, () -> client.initialize(meta()));
    assertEquals(400, e.statusCode());
    assertEquals("BRO-00028", e.errorCode());
    assertTrue(e.error().hasCode("BRO-00028"));
    assertTrue(e.getMessage().contains("[BRO-00028]"), e.getMessage());
    assertEquals(1, server.getRequestCount(), "a 400 is never retried");
  }

  @Test
  void otherClientErrorsStayPlainApiExceptions() {
    server.enqueue(empty(415));
    BrokerApiException e = assertThrows(BrokerApiException.class, () -> client.getOverview(ID));
    assertEquals(BrokerApiException.class, e.getClass());
    assertEquals(415, e.statusCode());
  }

  @Test
  void responseHeadersAreKeptButNeverCredentialsOrSessionCookies() {
    server.enqueue(new MockResponse.Builder().code(404).addHeader("X-Request-Id", "req-42")
        .addHeader("Set-Cookie", "ARRAffinity=secret-session; Path=/").addHeader("Set-Cookie", "b=2")
        .addHeader("Ocp-Apim-Subscription-Key", SUBSCRIPTION_KEY).addHeader("Warning", "199 - one")
        .addHeader("Warning", "199 - two").build());
    BrokerNotFoundException e = assertThrows(BrokerNotFoundException.class, () -> client.getOverview(ID));
    Map<String, List<String>> headers = e.error().headers();
    assertEquals(List.of("req-42"), headers.get("x-request-id"));
    assertEquals(Optional.of("req-42"), e.error().header("X-REQUEST-ID"));
    assertEquals(List.of("199 - one", "199 - two"), headers.get("warning"), "values in the order received");
    assertFalse(headers.containsKey("set-cookie"), headers.toString());
    assertEquals(Optional.empty(), e.error().header("Set-Cookie"));
    assertFalse(headers.containsKey("ocp-apim-subscription-key"), headers.toString());
    assertFalse(e.error().toString().contains("secret-session"), e.error().toString());
    assertFalse(e.error().toString().contains(SUBSCRIPTION_KEY), e.error().toString());
    assertThrows(UnsupportedOperationException.class, () -> headers.put("x", List.of("y")));
    assertThrows(UnsupportedOperationException.class, () -> headers.get("warning").add("z"));
  }

  @Test
  void apiErrorCopiesHeadersDropsCredentialsAndKeepsTheOldConstructor() {
    Map<String, List<String>> given = new java.util.HashMap<>();
    given.put("Retry-After", new java.util.ArrayList<>(List.of("5")));
    given.put("Authorization", List.of("Bearer abc"));
    given.put("Location", List.of("https://elsewhere.example/x?sig=secret"));
    ApiError e = new ApiError("GET", "/p", 429, null, null, null, null, null, null, given);
    given.get("Retry-After").add("6");
    assertEquals(Map.of("retry-after", List.of("5")), e.headers());
    assertEquals(Map.of(), new ApiError("GET", "/p", 500, null, null, null, null, null, null).headers());
  }

  @Test
  void rateLimitedCarriesRetryAfterInSecondsUncappedByThePolicy() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "3600").build());
    }
    BrokerRateLimitedException e = assertThrows(BrokerRateLimitedException.class, () -> client.getOverview(ID));
    assertEquals(Optional.of(Duration.ofHours(1)), e.retryAfter(), "the server's value, not the 30 s cap");
    assertEquals(List.of(Duration.ofSeconds(30), Duration.ofSeconds(30)), sleeps, "the SDK's own waits are capped");
  }

  @Test
  void rateLimitedCarriesRetryAfterFromAnHttpDateOnTheServersClock() {
    ZonedDateTime serverNow = ZonedDateTime.now(ZoneOffset.UTC).minusHours(1);
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(429)
          .addHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow))
          .addHeader("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow.plusSeconds(90))).build());
    }
    BrokerRateLimitedException e = assertThrows(BrokerRateLimitedException.class, () -> client.getOverview(ID));
    assertEquals(Optional.of(Duration.ofSeconds(90)), e.retryAfter());
  }

  @Test
  void rateLimitedWithoutOrWithAnUnreadableRetryAfterSaysNothing() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "soon").build());
    }
    assertEquals(Optional.empty(),
        assertThrows(BrokerRateLimitedException.class, () -> client.getOverview(ID)).retryAfter());
    for (int i = 0; i < 3; i++) {
      server.enqueue(empty(429));
    }
    assertEquals(Optional.empty(),
        assertThrows(BrokerRateLimitedException.class, () -> client.getOverview(ID)).retryAfter());
  }

  @Test
  void invalidValuesInASuccessAnswerAreInvalidResponsesNotIllegalArgumentExceptions() {
    String overview = overviewJson(ID, "Published", null, 5);
    for (String bad : List.of(overview.replace(ID.toString(), "../../etc/passwd"),
        overview.replace("2026-08-01T10:00:00.000001+00:00", "yesterday"),
        overview.replace("\"fileTransferSize\":5", "\"fileTransferSize\":\"five\""),
        overview.replace("\"useVirusScan\":true", "\"useVirusScan\":\"maybe\""))) {
      server.enqueue(json(200, bad));
      BrokerInvalidResponseException e = assertThrows(BrokerInvalidResponseException.class,
          () -> client.getOverview(ID), bad);
      assertTrue(e.getMessage().startsWith("GET /broker/api/v1/filetransfer/" + ID), e.getMessage());
    }
    server.enqueue(json(200, "{\"fileTransferTimeToLive\":\"forever\"}"));
    assertThrows(BrokerInvalidResponseException.class, () -> client.serviceOwner().getResource("my-resource"));
  }

  @Test
  void everyStatusGetsTheSubclassCallersActOn() {
    Map<Integer, Class<? extends BrokerApiException>> expected = Map.of(400, BrokerBadRequestException.class,
        401, BrokerUnauthorizedException.class, 403, BrokerAccessDeniedException.class,
        404, BrokerNotFoundException.class, 409, BrokerConflictException.class,
        429, BrokerRateLimitedException.class, 500, BrokerServerException.class, 503, BrokerServerException.class,
        422, BrokerApiException.class);
    expected.forEach((status, type) -> {
      BrokerApiException e = no.brokerclient.internal.Transport.toException(
          new ApiError("GET", "/p", status, null, null, null, null, null, "body"), null);
      assertEquals(type, e.getClass(), "HTTP " + status);
    });
  }

  @Test
  void exceptionsOfErrorAnswersHaveNoPublicConstructors() {
    for (Class<?> c : List.of(BrokerApiException.class, BrokerBadRequestException.class,
        BrokerUnauthorizedException.class, BrokerAccessDeniedException.class, BrokerNotFoundException.class,
        BrokerConflictException.class, BrokerRateLimitedException.class, BrokerServerException.class,
        BrokerRedirectException.class)) {
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        assertFalse(Modifier.isPublic(k.getModifiers()), k.toString());
      }
    }
    assertInstanceOf(BrokerApiException.class, no.brokerclient.internal.Transport.toException(
        new ApiError("GET", "/p", 400, null, null, null, null, null, ""), "hint"));
  }
}
