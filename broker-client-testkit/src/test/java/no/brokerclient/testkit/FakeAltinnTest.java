package no.brokerclient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** FakeAltinn over raw HTTP, with no SDK involved: any Broker client can be tested against it. */
@ExtendWith(FakeAltinnExtension.class)
class FakeAltinnTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static String senderToken;
  static String recipientToken;

  @BeforeAll
  static void setUp(FakeAltinn altinn) throws Exception {
    altinn.resource("raw-resource", "974760673", "991825827", "986252932");
    senderToken = token(altinn, "raw-sender", "991825827", "altinn:authorization:pdp altinn:broker.write");
    recipientToken = token(altinn, "raw-recipient", "986252932", "altinn:authorization:pdp altinn:broker.read");
  }

  /** A Maskinporten token the hard way: sign a grant, post it to /token. */
  static String token(FakeAltinn altinn, String clientId, String org, String scope) throws Exception {
    RSAKey key = RSAKey.parse(altinn.client(clientId, org, scope.split(" ")));
    Instant now = Instant.now();
    SignedJWT grant = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
        new JWTClaimsSet.Builder().audience(altinn.maskinportenIssuer()).issuer(clientId).claim("scope", scope)
            .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120)))
            .jwtID(UUID.randomUUID().toString()).build());
    grant.sign(new RSASSASigner(key));
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(altinn.maskinportenIssuer() + "token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + URLEncoder.encode(
            "urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8) + "&assertion=" + grant.serialize()))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("access_token").asText();
  }

  static HttpResponse<String> call(String method, String url, String token, String contentType, byte[] body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String initialize(FakeAltinn altinn, String checksum) throws Exception {
    return initialize(altinn, checksum, "raw.txt");
  }

  static String initialize(FakeAltinn altinn, String checksum, String fileName) throws Exception {
    String body = "{\"fileName\":" + JSON.writeValueAsString(fileName) + ",\"resourceId\":\"raw-resource\","
        + "\"sendersFileTransferReference\":\"r1\","
        + "\"sender\":\"0192:991825827\",\"recipients\":[\"0192:986252932\"]"
        + (checksum == null ? "" : ",\"checksum\":\"" + checksum + "\"") + ",\"disableVirusScan\":true}";
    HttpResponse<String> r = call("POST", altinn.platformUrl() + "/broker/api/v1/filetransfer", senderToken,
        "application/json", body.getBytes(StandardCharsets.UTF_8));
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("fileTransferId").asText();
  }

  @Test
  void initializeValidatesLikeAspNet(FakeAltinn altinn) throws Exception {
    HttpResponse<String> r = call("POST", altinn.platformUrl() + "/broker/api/v1/filetransfer", senderToken,
        "application/json", "{\"fileName\":\"\",\"resourceId\":\"raw-resource\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode());
    JsonNode n = JSON.readTree(r.body());
    assertEquals("One or more validation errors occurred.", n.get("title").asText());
    assertTrue(n.get("errors").has("FileName"));
  }

  @Test
  void chunkedUploadWithoutLengthThenDownload(FakeAltinn altinn) throws Exception {
    byte[] data = "hello from a raw client".getBytes(StandardCharsets.UTF_8);
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    String id = initialize(altinn, md5);
    HttpResponse<String> up = HTTP.send(HttpRequest.newBuilder(URI.create(altinn.platformUrl()
        + "/broker/api/v1/filetransfer/" + id + "/upload")).header("Authorization", "Bearer " + senderToken)
        .header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, up.statusCode(), up.body());
    assertEquals("Published", altinn.status(UUID.fromString(id)), "virus scan disabled: published at once");
    HttpResponse<String> again = call("POST", altinn.platformUrl() + "/broker/api/v1/filetransfer/" + id + "/upload",
        senderToken, "application/octet-stream", data);
    assertEquals(409, again.statusCode());
    assertEquals("BRO-00004", JSON.readTree(again.body()).get("code").asText());
    HttpResponse<InputStream> down = HTTP.send(HttpRequest.newBuilder(URI.create(altinn.platformUrl()
        + "/broker/api/v1/filetransfer/" + id + "/download")).header("Authorization", "Bearer " + recipientToken)
        .build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, down.statusCode());
    try (InputStream in = down.body()) {
      assertEquals(new String(data, StandardCharsets.UTF_8), new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertTrue(down.headers().firstValue("Content-Disposition").orElse("").contains("raw.txt"));
    HttpResponse<String> overview = call("GET", altinn.platformUrl() + "/broker/api/v1/filetransfer/" + id,
        recipientToken, null, null);
    JsonNode o = JSON.readTree(overview.body());
    assertEquals(md5, o.get("checksum").asText());
    assertEquals("DownloadStarted", o.get("recipients").get(0).get("currentRecipientFileTransferStatusCode").asText());
  }

  @Test
  void fileNameWithLineBreaksDownloadsWithASafeHeader(FakeAltinn altinn) throws Exception {
    byte[] data = "x".getBytes(StandardCharsets.UTF_8);
    String id = initialize(altinn, null, "evil\r\nSet-Cookie: a=b\"\u00e6.txt");
    assertEquals(200, call("POST", altinn.platformUrl() + "/broker/api/v1/filetransfer/" + id + "/upload",
        senderToken, "application/octet-stream", data).statusCode());
    HttpResponse<String> down = call("GET", altinn.platformUrl() + "/broker/api/v1/filetransfer/" + id + "/download",
        recipientToken, null, null);
    assertEquals(200, down.statusCode(), down.body());
    assertTrue(down.headers().firstValue("Set-Cookie").isEmpty());
    assertEquals("attachment; filename=\"evil__Set-Cookie: a=b__.txt\"; "
        + "filename*=UTF-8''evil%0D%0ASet-Cookie%3A%20a%3Db%22%C3%A6.txt",
        down.headers().firstValue("Content-Disposition").orElseThrow());
  }

  @Test
  void senderCannotDownload(FakeAltinn altinn) throws Exception {
    String id = initialize(altinn, null);
    HttpResponse<String> r = call("GET", altinn.platformUrl() + "/broker/api/v1/filetransfer/" + id + "/download",
        senderToken, null, null);
    assertEquals(403, r.statusCode(), "the sender's token has no altinn:broker.read");
  }

  @Test
  void multipartInitializeAndUpload(FakeAltinn altinn) throws Exception {
    String boundary = "b0undary-" + UUID.randomUUID();
    StringBuilder b = new StringBuilder();
    for (String[] f : new String[][] {{"Metadata.FileName", "mp.txt"}, {"Metadata.ResourceId", "raw-resource"},
        {"Metadata.SendersFileTransferReference", "ref"}, {"Metadata.Sender", "0192:991825827"},
        {"Metadata.Recipients", "0192:986252932"}, {"Metadata.PropertyList[case]", "42"},
        {"Metadata.DisableVirusScan", "true"}}) {
      b.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(f[0])
          .append("\"\r\n\r\n").append(f[1]).append("\r\n");
    }
    String content = "x".repeat(200_000) + "\r\n--not-the-boundary";
    b.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"FileTransfer\";"
        + " filename=\"mp.txt\""
        + "\r\nContent-Type: application/octet-stream\r\n\r\n").append(content).append("\r\n--").append(boundary)
        .append("--\r\n");
    HttpResponse<String> r = call("POST", altinn.platformUrl() + "/broker/api/v1/filetransfer/upload", senderToken,
        "multipart/form-data; boundary=" + boundary, b.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(200, r.statusCode(), r.body());
    String id = JSON.readTree(r.body()).get("fileTransferId").asText();
    JsonNode o = JSON.readTree(call("GET", altinn.platformUrl() + "/broker/api/v1/filetransfer/" + id, senderToken,
        null, null).body());
    assertEquals(content.length(), o.get("fileTransferSize").asLong());
    assertEquals("42", o.get("propertyList").get("case").asText());
  }

  @Test
  void grantsAreVerified(FakeAltinn altinn) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(altinn.maskinportenIssuer() + "token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
            + "&assertion=not.a.jwt")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, r.statusCode());
    assertNotNull(JSON.readTree(r.body()).get("error"));
  }

  @Test
  void eventsNeedExchangedTokens(FakeAltinn altinn) throws Exception {
    HttpResponse<String> r = call("GET", altinn.platformUrl() + "/events/api/v1/subscriptions", recipientToken, null,
        null);
    assertEquals(401, r.statusCode(), "a raw Maskinporten token is not accepted by Events");
    HttpResponse<String> exchanged = call("GET", altinn.platformUrl()
        + "/authentication/api/v1/exchange/maskinporten", recipientToken, null, null);
    assertEquals(200, exchanged.statusCode());
    HttpResponse<String> list = call("GET", altinn.platformUrl() + "/events/api/v1/subscriptions",
        exchanged.body(), null, null);
    assertEquals(200, list.statusCode());
    assertEquals(0, JSON.readTree(list.body()).get("count").asInt());
  }

  @Test
  void requestLogRecordsStatuses(FakeAltinn altinn) throws Exception {
    altinn.clearCalls();
    String path = "/broker/api/v1/filetransfer/" + UUID.randomUUID();
    call("GET", altinn.platformUrl() + path, senderToken, null, null);
    // Look the call up by its path: an earlier test's exchange that is still finishing is in the log too.
    FakeAltinn.Call c = null;
    for (int i = 0; i < 200 && c == null; i++) {
      c = altinn.calls().stream().filter(x -> x.path().equals(path)).findFirst().orElse(null);
      if (c == null) {
        Thread.sleep(5);
      }
    }
    assertNotNull(c, altinn.calls().toString());
    assertEquals("GET", c.method());
    assertEquals(404, c.status());
  }
}
