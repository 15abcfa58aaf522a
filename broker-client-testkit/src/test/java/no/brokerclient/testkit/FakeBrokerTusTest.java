package no.brokerclient.testkit;

import static no.brokerclient.testkit.FakeAltinnTest.HTTP;
import static no.brokerclient.testkit.FakeAltinnTest.initialize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Broker's TUS quirks in FakeAltinn, over raw HTTP (no SDK). */
@ExtendWith(FakeAltinnExtension.class)
class FakeBrokerTusTest {
  private static final byte[] DATA = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
  private static FakeAltinn altinn;
  private static String token;

  @BeforeAll
  static void setUp(FakeAltinn a) throws Exception {
    altinn = a;
    FakeAltinnTest.setUp(a);
    token = FakeAltinnTest.senderToken;
  }

  @AfterEach
  void reset() {
    altinn.tus().storeDelay(Duration.ZERO);
    altinn.tus().expiry(Duration.ofHours(24));
    altinn.tus().enabled(true);
    altinn.tus().finalizeDelay(Duration.ofMillis(50));
  }

  private static HttpResponse<String> tus(String method, String path, byte[] body, Map<String, String> headers)
      throws Exception {
    return tus(token, method, path, body, headers);
  }

  private static HttpResponse<String> tus(String bearer, String method, String path, byte[] body,
      Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(altinn.platformUrl() + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Authorization", "Bearer " + bearer);
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> create(String id, long length) throws Exception {
    return tus("POST", FakeBrokerTus.PATH + id, null, Map.of("Tus-Resumable", "1.0.0", "Upload-Length",
        Long.toString(length)));
  }

  private static HttpResponse<String> patch(String path, long offset, byte[] chunk) throws Exception {
    return tus("PATCH", path, chunk, Map.of("Tus-Resumable", "1.0.0", "Upload-Offset", Long.toString(offset),
        "Content-Type", "application/offset+octet-stream"));
  }

  private static long head(String path) throws Exception {
    HttpResponse<String> r = tus("HEAD", path, null, Map.of("Tus-Resumable", "1.0.0"));
    assertEquals(200, r.statusCode());
    return Long.parseLong(r.headers().firstValue("Upload-Offset").orElseThrow());
  }

  private static String md5(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
  }

  private static String awaitEnd(String id) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(deadline)) {
      String s = altinn.status(UUID.fromString(id));
      if (s.equals("Published") || s.equals("Failed")) {
        return s;
      }
      Thread.sleep(20);
    }
    return altinn.status(UUID.fromString(id));
  }

  private static byte[] download(String id) throws Exception {
    String recipient = FakeAltinnTest.recipientToken;
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(altinn.platformUrl()
        + "/broker/api/v1/filetransfer/" + id + "/download")).header("Authorization", "Bearer " + recipient).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  @Test
  void singleUploadWithEveryPatchRule() throws Exception {
    altinn.tus().finalizeDelay(Duration.ofSeconds(2)); // the repeated last PATCH must come before Published
    String id = initialize(altinn, md5(DATA));
    String path = FakeBrokerTus.PATH + id;
    HttpResponse<String> options = tus("OPTIONS", path, null, Map.of());
    assertEquals(204, options.statusCode());
    assertTrue(options.headers().firstValue("Tus-Extension").orElse("").contains("concatenation"));

    HttpResponse<String> bare = tus("POST", path, null, Map.of("Upload-Length", "36"));
    assertEquals(404, bare.statusCode(), "no Tus-Resumable: not TUS to tusdotnet");
    assertEquals("", bare.body());
    assertFalse(bare.headers().firstValue("Tus-Resumable").isPresent());
    assertEquals(400, tus("POST", path, null, Map.of("Tus-Resumable", "1.0.0", "Upload-Defer-Length", "1"))
        .statusCode());

    HttpResponse<String> created = create(id, DATA.length);
    assertEquals(201, created.statusCode());
    assertEquals(path, created.headers().firstValue("Location").orElseThrow(), "relative, the id is the TUS id");
    assertEquals("UploadStarted", altinn.status(UUID.fromString(id)));
    assertEquals(0, head(path));

    assertEquals(415, tus("PATCH", path, new byte[] {1}, Map.of("Tus-Resumable", "1.0.0", "Upload-Offset", "0",
        "Content-Type", "application/octet-stream")).statusCode());
    assertEquals(409, patch(path, 5, Arrays.copyOfRange(DATA, 5, 10)).statusCode());
    HttpResponse<String> checksummed = tus("PATCH", path, Arrays.copyOfRange(DATA, 0, 10), Map.of("Tus-Resumable",
        "1.0.0", "Upload-Offset", "0", "Content-Type", "application/offset+octet-stream", "Upload-Checksum",
        "md5 AAAAAAAAAAAAAAAAAAAAAA=="));
    assertEquals(460, checksummed.statusCode());
    assertEquals(10, head(path), "stored before the 460");
    assertEquals(409, patch(path, 0, Arrays.copyOfRange(DATA, 0, 10)).statusCode(), "a blind resend");
    assertEquals(413, patch(path, 10, Arrays.copyOfRange(DATA, 0, 30)).statusCode());

    HttpResponse<String> last = patch(path, 10, Arrays.copyOfRange(DATA, 10, DATA.length));
    assertEquals(204, last.statusCode());
    assertEquals(Long.toString(DATA.length), last.headers().firstValue("Upload-Offset").orElseThrow());
    HttpResponse<String> again = patch(path, DATA.length, new byte[0]);
    assertEquals(204, again.statusCode(), "PATCH at the end is Broker's idempotent completion");
    assertEquals("Published", awaitEnd(id));
    assertArrayEquals(DATA, download(id));
    assertEquals(10 + 26L, altinn.tus().bytesReceived(UUID.fromString(id)));
    assertEquals(409, patch(path, DATA.length, new byte[0]).statusCode(), "after Published");
  }

  @Test
  void createChecksTheWriteScopeAndTheSendersAccessAsBrokerDoes() throws Exception {
    String id = initialize(altinn, null);
    String path = FakeBrokerTus.PATH + id;
    Map<String, String> create = Map.of("Tus-Resumable", "1.0.0", "Upload-Length", Integer.toString(DATA.length));
    String readOnly = FakeAltinnTest.token(altinn, "raw-sender-read-only", "991825827",
        "altinn:authorization:pdp altinn:broker.read");
    HttpResponse<String> noScope = tus(readOnly, "POST", path, null, create);
    assertEquals(403, noScope.statusCode(), "the Sender policy's scope check: empty 403");
    assertEquals("", noScope.body());
    assertFalse(noScope.headers().firstValue("Tus-Resumable").isPresent());

    altinn.revokeAccess("raw-resource", "991825827");
    try {
      for (Map<String, String> headers : java.util.List.of(create, Map.of("Tus-Resumable", "1.0.0", "Upload-Concat",
          "partial", "Upload-Length", "20"))) {
        HttpResponse<String> denied = tus("POST", path, null, headers);
        assertEquals(401, denied.statusCode(), "the PDP denies write: tusdotnet's FailRequest in OnAuthorize");
        assertEquals("You must use a bearer token that represents a system user with access to the resource in the"
            + " Resource Rights Registry", denied.body());
        assertTrue(denied.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertFalse(denied.headers().firstValue("Tus-Resumable").isPresent(), "authorization failures hide TUS");
      }
      assertEquals("Initialized", altinn.status(UUID.fromString(id)), "nothing was created");
      assertEquals(0, altinn.tus().partCount(UUID.fromString(id)));
    } finally {
      altinn.grantAccess("raw-resource", "991825827");
    }
    assertEquals(201, tus("POST", path, null, create).statusCode(), "access granted again");
  }

  @Test
  void checksumIsCheckedAsynchronouslyAfterTheLastByte() throws Exception {
    String id = initialize(altinn, md5("something else".getBytes(StandardCharsets.US_ASCII)));
    String path = FakeBrokerTus.PATH + id;
    assertEquals(201, create(id, DATA.length).statusCode());
    assertEquals(204, patch(path, 0, DATA).statusCode(), "no HTTP error");
    assertEquals("Failed", awaitEnd(id));
  }

  @Test
  void aSecondCreateResetsTheAcceptedOffsetWhileHeadKeepsTheStoredOne() throws Exception {
    String id = initialize(altinn, null);
    String path = FakeBrokerTus.PATH + id;
    assertEquals(201, create(id, DATA.length).statusCode());
    assertEquals(204, patch(path, 0, Arrays.copyOfRange(DATA, 0, 10)).statusCode());
    assertEquals(201, create(id, DATA.length).statusCode());
    assertEquals(10, head(path));
    assertEquals(409, patch(path, 10, Arrays.copyOfRange(DATA, 10, 20)).statusCode(), "HEAD and PATCH disagree");
  }

  @Test
  void headLagsPatchAndTheCompletingPatchHoldsTheLock() throws Exception {
    altinn.tus().storeDelay(Duration.ofSeconds(2));
    // The last HEAD must come before the asynchronous finalize: once Published, Broker answers HEAD with 409.
    altinn.tus().finalizeDelay(Duration.ofSeconds(30));
    String id = initialize(altinn, null);
    String path = FakeBrokerTus.PATH + id;
    assertEquals(201, create(id, DATA.length).statusCode());
    assertEquals(204, patch(path, 0, Arrays.copyOfRange(DATA, 0, 10)).statusCode());
    assertEquals(0, head(path), "stored later than accepted");
    CompletableFuture<HttpResponse<String>> last = CompletableFuture.supplyAsync(() -> {
      try {
        return patch(path, 10, Arrays.copyOfRange(DATA, 10, DATA.length));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    boolean saw423 = false;
    while (!last.isDone() && !saw423) {
      saw423 = tus("HEAD", path, null, Map.of("Tus-Resumable", "1.0.0")).statusCode() == 423;
    }
    assertTrue(saw423, "HEAD while the last PATCH waits for its blocks; PATCH: " + last.get().statusCode() + " "
        + last.get().body());
    assertEquals(204, last.get().statusCode());
    assertEquals(DATA.length, head(path));
  }

  @Test
  void partsAreAssembledInCreationOrderAndTheFinalIsNotIdempotent() throws Exception {
    byte[] first = Arrays.copyOfRange(DATA, 0, 20);
    byte[] second = Arrays.copyOfRange(DATA, 20, DATA.length);
    String id = initialize(altinn, md5(DATA));
    String base = FakeBrokerTus.PATH + id;
    HttpResponse<String> p1 = tus("POST", base, null, Map.of("Tus-Resumable", "1.0.0", "Upload-Concat", "partial",
        "Upload-Length", "20"));
    HttpResponse<String> p2 = tus("POST", base, null, Map.of("Tus-Resumable", "1.0.0", "Upload-Concat", "partial",
        "Upload-Length", Integer.toString(second.length)));
    assertEquals(201, p1.statusCode());
    String l1 = p1.headers().firstValue("Location").orElseThrow();
    String l2 = p2.headers().firstValue("Location").orElseThrow();
    assertTrue(l1.matches(base.replace("/", "\\/") + "/partial/[0-9a-f]{32}"), l1);
    assertEquals(204, patch(l2, 0, second).statusCode());
    assertEquals(204, patch(l1, 0, first).statusCode());

    String relative = "final;partial/" + l1.substring(l1.lastIndexOf('/') + 1);
    assertEquals(400, tus("POST", base, null, Map.of("Tus-Resumable", "1.0.0", "Upload-Concat", relative))
        .statusCode(), "relative references");
    String reversed = "final;" + altinn.platformUrl() + l2 + " " + l1;
    assertEquals(201, tus("POST", base, null, Map.of("Tus-Resumable", "1.0.0", "Upload-Concat", reversed))
        .statusCode());
    assertEquals(409, tus("POST", base, null, Map.of("Tus-Resumable", "1.0.0", "Upload-Concat", reversed))
        .statusCode(), "a repeated final");
    assertEquals("Published", awaitEnd(id), "creation order, whatever final; lists: the checksum matches");
    assertArrayEquals(DATA, download(id));
    assertEquals(2, altinn.tus().partCount(UUID.fromString(id)));
  }

  @Test
  void expiryAndDisabledDeploymentsAnswerBare404() throws Exception {
    String id = initialize(altinn, null);
    String path = FakeBrokerTus.PATH + id;
    assertEquals(201, create(id, DATA.length).statusCode());
    altinn.tus().expiry(Duration.ofSeconds(-1));
    assertEquals(404, tus("HEAD", path, null, Map.of("Tus-Resumable", "1.0.0")).statusCode());
    altinn.tus().expiry(Duration.ofHours(24));
    altinn.tus().enabled(false);
    assertEquals(404, tus("OPTIONS", path, null, Map.of("Tus-Resumable", "1.0.0")).statusCode());
  }
}
