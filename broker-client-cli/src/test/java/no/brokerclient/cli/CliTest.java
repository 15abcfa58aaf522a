package no.brokerclient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.events.EventSubscriptions;
import no.brokerclient.events.EventsClient;
import no.brokerclient.model.OrganizationNumber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Every command through the real command line, in-process, against FakeAltinn. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliTest {
  static Fixture f;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    f = new Fixture();
    // Subscriptions for sender and recipient, validated by the fixture's webhook.
    assertEquals(0, f.run("sender", "subscriptions", "ensure", "--endpoint", f.webhookUrl()).code());
    Fixture.Result r = f.run("recipient", "subscriptions", "ensure", "--endpoint", f.webhookUrl());
    assertEquals(0, r.code(), r.all());
    assertTrue(r.out().contains("created"), r.out());
    awaitValidated("sender");
    awaitValidated("recipient");
  }

  static void awaitValidated(String profile) {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      while (true) {
        Fixture.Result l = f.run(profile, "subscriptions", "list", "--json");
        JsonNode subs = JSON.readTree(l.out());
        boolean all = subs.size() > 0;
        for (JsonNode s : subs) {
          all &= s.path("validated").asBoolean();
        }
        if (all) {
          return;
        }
        Thread.sleep(50);
      }
    });
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  @Order(1)
  void doctorPassesOnAGoodSetupForEveryRole() {
    Fixture.Result r = f.run("sender", "doctor");
    assertEquals(0, r.code(), r.all());
    assertTrue(r.out().contains("✓ key file: JWK"), r.out());
    assertTrue(r.out().contains("✓ clock"), r.out());
    assertTrue(r.out().contains("✓ token for the sender scopes: altinn:authorization:pdp altinn:broker.write"),
        r.out());
    assertTrue(r.out().contains("✓ resource access: resource cli-resource exists and organisation 991825827"),
        r.out());
    assertTrue(r.out().contains("✓ subscription key: accepted"), r.out());
    assertTrue(r.out().contains("✓ event subscriptions"), r.out());
    assertFalse(r.out().contains("✗"), r.out());
    assertEquals(0, f.run("recipient", "doctor").code());
    Fixture.Result owner = f.run("service-owner", "doctor", "--no-events");
    assertEquals(0, owner.code(), owner.all());
  }

  @Test
  @Order(2)
  void doctorJsonIsParseable() throws IOException {
    Fixture.Result r = f.run("sender", "doctor", "--json");
    assertEquals(0, r.code(), r.all());
    JsonNode report = JSON.readTree(r.out());
    assertTrue(report.path("ok").asBoolean());
    assertEquals("sender", report.path("role").asText());
    assertTrue(report.path("checks").size() >= 9, r.out());
    for (JsonNode c : report.path("checks")) {
      assertEquals("pass", c.path("status").asText(), c.toString());
    }
  }

  @Test
  void doctorNamesAWrongKey() throws Exception {
    Path other = f.dir.resolve("other.jwk");
    Files.writeString(other, new RSAKeyGenerator(2048).keyID("cli-sender-key").generate().toJSONString());
    Fixture.Result r = f.run("sender", "doctor", "--jwk-file", other.toString());
    assertEquals(1, r.code(), r.all());
    assertTrue(r.out().contains("✗ token for the sender scopes"), r.out());
    assertTrue(r.out().contains("MP-124"), r.out());
    assertTrue(r.out().contains("not the one registered on the client"), r.out());
  }

  @Test
  void doctorNamesAnUnreadableKey() throws IOException {
    Path junk = f.dir.resolve("junk.jwk");
    Files.writeString(junk, "not a key");
    Fixture.Result r = f.run("sender", "doctor", "--jwk-file", junk.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().contains("✗ key file: JWK " + junk), r.out());
    assertTrue(r.out().contains("- token for the sender scopes: skipped") || r.out().contains("skipped"), r.out());
  }

  @Test
  void doctorNamesAMissingScope() {
    Fixture.Result r = f.run("no-write", "doctor");
    assertEquals(1, r.code(), r.all());
    assertTrue(r.out().contains("✗ token for the sender scopes: missing scope altinn:broker.write on client"
        + " cli-no-write (MP-200)"), r.out());
    assertTrue(r.out().contains("MP-200 means the scope is not registered"), r.out());
  }

  @Test
  void doctorCatchesAClock15SecondsOff() {
    Fixture.Result r = f.run(f.env("sender"), Clock.offset(Clock.systemUTC(), Duration.ofSeconds(15)), "doctor");
    assertEquals(1, r.code(), r.all());
    assertTrue(r.out().matches("(?s).*✗ clock: local clock is 1[4-6] s ahead of Maskinporten's.*"), r.out());
    assertTrue(r.out().contains("NTP"), r.out());
    // Also through the hidden flag (used by the spawned-process test), behind.
    Fixture.Result behind = f.run("sender", "doctor", "--clock-offset", "-PT15S");
    assertTrue(behind.out().matches("(?s).*✗ clock: local clock is 1[4-6] s behind Maskinporten's.*"),
        behind.out());
  }

  @Test
  void doctorExplainsNoAccessWithStep3() {
    Fixture.Result r = f.run("sender", "doctor", "--resource", "closed-resource", "--no-events");
    assertEquals(1, r.code(), r.all());
    assertTrue(r.out().contains("✓ Broker reachable"), r.out());
    assertTrue(r.out().contains("✗ resource access: 403: organisation 991825827 has no access to resource"
        + " closed-resource"), r.out());
    assertTrue(r.out().contains("step 3"), r.out());
    Fixture.Result unknown = f.run("sender", "doctor", "--resource", "no-such-resource", "--no-events");
    assertEquals(1, unknown.code(), unknown.all());
    assertTrue(unknown.out().contains("✗ resource access: 403: organisation 991825827 has no access to resource"
        + " no-such-resource as sender (Broker: The resource needs to be registered"), unknown.out());
  }

  @Test
  void doctorFlagsASubscriptionWithASourceFilter() {
    f.fake.legacyEventsDocs(true);
    try (Maskinporten mp = Maskinporten.builder().issuer(f.fake.maskinportenIssuer()).clientId("cli-owner")
        .signer(GrantSigners.jwk(Files.readString(f.dir.resolve("service-owner.jwk"))))
        .altinnPlatformUrl(f.fake.platformUrl()).build();
        EventsClient events = EventsClient.builder().platformUrl(f.fake.platformUrl())
            .accessTokenProvider(mp.forEvents()).build()) {
      // As the old docs showed: a sourceFilter (the fake takes it only in legacy mode, and only https).
      events.create(EventSubscriptions.builder().environment(AltinnEnvironment.TT02).resourceId(Fixture.RESOURCE)
          .asServiceOwner().endpoint(f.webhookUrl()).allTypes().sendSourceFilter().build().get(0));
      Fixture.Result r = f.run("service-owner", "doctor");
      assertEquals(1, r.code(), r.all());
      assertTrue(r.out().contains("has sourceFilter https://platform.tt02.altinn.no/broker/api/v1/filetransfer"),
          r.out());
      assertTrue(r.out().contains("Altinn rejects sourceFilter for Broker resources"), r.out());
      Fixture.Result del = f.run("service-owner", "subscriptions", "delete",
          String.valueOf(events.list().get(0).id()));
      assertEquals(0, del.code(), del.all());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      f.fake.legacyEventsDocs(false);
    }
  }

  @Test
  void downloadInRangesFetchesThatManyByteRangesAndTheIdenticalFile(@TempDir Path tmp) throws IOException {
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(3).nextBytes(data);
    Path file = Files.write(tmp.resolve("big.bin"), data);
    Fixture.Result sent = f.run("sender", "send", file.toString(), "--to", Fixture.RECIPIENT, "--wait", "--json");
    assertEquals(0, sent.code(), sent.all());
    String id = JSON.readTree(sent.out()).path("fileTransferId").asText();
    assertEquals(ExitCode.USAGE.code, f.run("recipient", "download", id, "--ranges", "17").code());
    assertEquals(ExitCode.USAGE.code, f.run("recipient", "receive", "--ranges", "0").code());
    Path out = tmp.resolve("in");
    Fixture.Result dl = f.run("recipient", "download", id, "--out", out.toString(), "--ranges", "3");
    assertEquals(0, dl.code(), dl.all());
    assertEquals(-1, Files.mismatch(file, out.resolve("big.bin")));
    List<String> ranges = f.fake.calls().stream()
        .filter(c -> c.method().equals("GET") && c.path().endsWith(id + "/download")).map(c -> c.range()).toList();
    assertEquals(3, ranges.size(), ranges.toString());
    assertTrue(ranges.stream().allMatch(r -> r != null && r.startsWith("bytes=")), ranges.toString());
    assertEquals(3, new java.util.HashSet<>(ranges).size(), "three distinct ranges: " + ranges);
  }

  @Test
  void sendStatusDetailsSearchDownloadConfirm(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("report.csv");
    Files.writeString(file, "a,b\n1,2\n");
    Fixture.Result sent = f.run("sender", "send", file.toString(), "--to", Fixture.RECIPIENT, "--property",
        "kind=report", "--wait", "--json");
    assertEquals(0, sent.code(), sent.all());
    JsonNode ov = JSON.readTree(sent.out());
    String id = ov.path("fileTransferId").asText();
    assertEquals("Published", ov.path("fileTransferStatus").asText());
    assertEquals("report", ov.path("propertyList").path("kind").asText());
    assertTrue(sent.err().contains("uploading 100%"), sent.err());

    Fixture.Result status = f.run("sender", "status", id);
    assertTrue(status.out().contains(id + "  Published  report.csv"), status.out());
    Fixture.Result details = f.run("sender", "details", id, "--json");
    assertTrue(JSON.readTree(details.out()).path("fileTransferStatusHistory").size() >= 2, details.out());
    Fixture.Result search = f.run("recipient", "list", "--role", "recipient", "--status", "Published", "--json");
    assertTrue(search.out().contains(id), search.out());
    Fixture.Result table = f.run("sender", "search");
    assertTrue(table.out().startsWith("ID"), table.out());
    assertTrue(table.out().contains(id), table.out());

    Path out = tmp.resolve("in");
    Fixture.Result dl = f.run("recipient", "download", id, "--out", out.toString());
    assertEquals(0, dl.code(), dl.all());
    assertEquals("a,b\n1,2\n", Files.readString(out.resolve("report.csv")));
    assertTrue(dl.out().contains("MD5 verified"), dl.out());
    assertEquals(ExitCode.CONFLICT.code, f.run("recipient", "download", id, "--out", out.toString()).code());
    assertEquals(0, f.run("recipient", "confirm", id).code());
    Fixture.Result again = f.run("recipient", "status", id, "--json");
    assertTrue(again.out().contains("DownloadConfirmed"), again.out());
  }

  @Test
  void receiveDownloadsVerifiesAndConfirmsEverything(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("a.txt");
    Files.writeString(file, "hello");
    String first = JSON.readTree(f.run("sender", "send", file.toString(), "--to", Fixture.RECIPIENT, "--wait",
        "--json").out()).path("fileTransferId").asText();
    String second = JSON.readTree(f.run("sender", "send", file.toString(), "--to", Fixture.RECIPIENT, "--wait",
        "--json").out()).path("fileTransferId").asText();
    Fixture.Result r = f.run("recipient", "receive", "--out", tmp.resolve("in").toString());
    assertEquals(0, r.code(), r.all());
    assertTrue(r.out().contains("received " + first), r.out());
    assertTrue(r.out().contains("received " + second), r.out());
    assertEquals("hello", Files.readString(tmp.resolve("in").resolve(first).resolve("a.txt")));
    Fixture.Result again = f.run("recipient", "receive", "--out", tmp.resolve("in2").toString());
    assertTrue(again.out().contains("nothing to receive"), again.out());
  }

  @Test
  void serviceOwnerCommands(@TempDir Path tmp) throws IOException {
    // Registering a resource registered its owner: a second registration is a conflict (exit 6).
    Fixture.Result reg = f.run("service-owner", "service-owner", "register", "Digdir test");
    assertEquals(ExitCode.CONFLICT.code, reg.code(), reg.all());
    assertTrue(reg.err().contains("already exists"), reg.err());
    Fixture.Result owner = f.run("service-owner", "service-owner", "get");
    assertEquals("Service owner " + Fixture.OWNER, JSON.readTree(owner.out()).path("name").asText(), owner.all());
    Fixture.Result set = f.run("service-owner", "resource", "set", "--time-to-live", "P10D");
    assertEquals(0, set.code(), set.all());
    Fixture.Result get = f.run("service-owner", "resource", "get");
    assertEquals("PT240H", JSON.readTree(get.out()).path("fileTransferTimeToLive").asText(), get.out());
    Path stats = tmp.resolve("stats.csv");
    Fixture.Result st = f.run("service-owner", "statistics", "--month", "2026-11", "--out", stats.toString());
    assertEquals(0, st.code(), st.all());
    assertTrue(Files.exists(stats));
  }

  @Test
  void tokenPrintsClaimsAndTheTokenOnlyWhenAsked() throws IOException {
    Fixture.Result r = f.run("sender", "token", "--scopes", "altinn:broker.write,altinn:authorization:pdp");
    assertEquals(0, r.code(), r.all());
    JsonNode claims = JSON.readTree(r.out()).path("claims");
    assertEquals("cli-sender", claims.path("client_id").asText());
    assertTrue(claims.path("scope").asText().contains("altinn:broker.write"));
    assertFalse(JSON.readTree(r.out()).has("access_token"));

    StringBuilderRun printed = runAllowingTokens("token", "--print-token");
    assertTrue(printed.out.contains("\"access_token\" : \"eyJ"), printed.out);
  }

  private record StringBuilderRun(int code, String out) {}

  private static StringBuilderRun runAllowingTokens(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    int code = Main.run(new Context(f.env("sender"), Clock.systemUTC(), new java.io.PrintWriter(out, true),
        new java.io.PrintWriter(new java.io.StringWriter(), true), false), args);
    return new StringBuilderRun(code, out.toString());
  }

  @Test
  void exitCodesAndOneLineErrors() {
    Fixture.Result missing = f.run("sender", "status", UUID.randomUUID().toString());
    assertEquals(ExitCode.NOT_FOUND.code, missing.code(), missing.all());
    assertEquals(1, missing.err().strip().lines().count(), missing.err());
    assertTrue(missing.err().startsWith("broker: "), missing.err());
    UUID unknown = UUID.randomUUID();
    Fixture.Result verbose = f.run("sender", "status", unknown.toString(), "--verbose");
    assertEquals(ExitCode.NOT_FOUND.code, verbose.code());
    String cause = verbose.err().lines()
        .filter(l -> l.startsWith("  caused by no.brokerclient.BrokerNotFoundException"))
        .findFirst().orElse(verbose.err());
    // The HTTP answer and Broker's trace id (ProblemDetails traceId), as support asks for them.
    assertTrue(cause.matches(".*\\[HTTP 404 GET /broker/api/v1/filetransfer/" + unknown + ", code BRO-\\d+, trace id"
        + " 00-[0-9a-f]{32}-0000000000000001-01]"), cause);
    // A wrapped failure shows every cause: the CLI's own line, then the JDK's.
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Fixture.Result port = f.run(Map.of(), Clock.systemUTC(), "fake", "--port",
          String.valueOf(taken.getLocalPort()), "--verbose");
      assertTrue(port.err().contains("  caused by no.brokerclient.cli.CliException: port "), port.err());
      assertTrue(port.err().contains("  caused by java.net.BindException: FakeAltinn cannot listen on"), port.err());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }

    assertEquals(ExitCode.USAGE.code, f.run("sender", "status", "not-a-uuid").code());
    assertEquals(ExitCode.USAGE.code, f.run("sender", "send").code());
    Map<String, String> none = new HashMap<>();
    Fixture.Result noConfig = f.run(none, Clock.systemUTC(), "status", UUID.randomUUID().toString());
    assertEquals(ExitCode.USAGE.code, noConfig.code(), noConfig.all());
    assertTrue(noConfig.err().startsWith("broker: Maskinporten needs MASKINPORTEN_CLIENT_ID"), noConfig.err());
    Fixture.Result doctor = f.run(none, Clock.systemUTC(), "doctor");
    assertEquals(1, doctor.code(), doctor.all());
    assertTrue(doctor.out().startsWith("✗ configuration: set BROKER_ENV"), doctor.out());
    Fixture.Result denied = f.run("sender", "search", "--resource", "closed-resource");
    assertEquals(ExitCode.ACCESS.code, denied.code(), denied.all());
    assertTrue(denied.err().contains("step 3"), denied.err());
  }

  @Test
  void secretsAreRefusedInlineAndAbsentFromHelp() throws IOException {
    Path cfg = f.dir.resolve("inline-secret");
    Files.writeString(cfg, "[p]\nBROKER_SUBSCRIPTION_KEY=" + Fixture.SUBSCRIPTION_KEY + "\n");
    Map<String, String> env = Map.of("BROKER_CONFIG", cfg.toString(), "BROKER_PROFILE", "p");
    Fixture.Result r = f.run(env, Clock.systemUTC(), "doctor");
    assertEquals(ExitCode.USAGE.code, r.code());
    assertTrue(r.err().contains("BROKER_SUBSCRIPTION_KEY_FILE"), r.err());
    Path keyFile = f.dir.resolve("sk");
    Files.writeString(keyFile, Fixture.SUBSCRIPTION_KEY + "\n");
    Map<String, String> fromFile = new HashMap<>(f.env("sender"));
    fromFile.remove("BROKER_SUBSCRIPTION_KEY");
    fromFile.put("BROKER_SUBSCRIPTION_KEY_FILE", keyFile.toString());
    Fixture.Result ok = f.run(fromFile, Clock.systemUTC(), "doctor");
    assertEquals(0, ok.code(), ok.all());
    assertTrue(ok.out().contains("✓ subscription key: accepted"), ok.out());
    for (String cmd : new String[] {"doctor", "send", "resume", "token", "fake", "receive", "access-list",
        "system-user"}) {
      Fixture.Result help = f.run("sender", cmd, "--help");
      assertEquals(0, help.code());
      assertFalse(help.out().contains("clock-offset"), help.out());
    }
  }

  @Test
  void doctorFlagsASubscriptionForAnotherSubject() {
    // The sender's subscriptions name 991825827; checked as the recipient they are for the wrong organisation.
    Fixture.Result r = f.run("sender", "doctor", "--role", "recipient");
    assertEquals(1, r.code(), r.all());
    assertTrue(r.out().contains("subjectFilter urn:altinn:organization:identifier-no:" + Fixture.SENDER
        + " is not urn:altinn:organization:identifier-no:" + Fixture.RECIPIENT), r.out());
    assertTrue(r.out().contains("BROKER_SYSTEM_USER is off"), r.out());
  }

  @Test
  void doctorAcceptsABusinessCertificateWithItsPasswordFromAFile() throws Exception {
    String password = "p12-password-" + UUID.randomUUID();
    Path p12 = no.brokerclient.testing.TestKeys.keyStore(f.dir.resolve("cert.p12"), "PKCS12", "virksomhet", "RSA",
        password);
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(p12)) {
      ks.load(in, password.toCharArray());
    }
    f.fake.maskinporten().registerClient("cli-p12", Fixture.SENDER, "altinn:authorization:pdp",
        "altinn:broker.write").trustCertificate(ks.getCertificate("virksomhet").getPublicKey());
    Path pw = f.dir.resolve("p12.password");
    Files.writeString(pw, password + "\n");
    Map<String, String> env = new HashMap<>(f.env("sender"));
    env.put("MASKINPORTEN_P12_PASSWORD_FILE", pw.toString());
    Fixture.Result r = f.run(env, Clock.systemUTC(), "doctor", "--no-events", "--client-id", "cli-p12",
        "--jwk-file", "", "--p12", p12.toString());
    assertEquals(0, r.code(), r.all());
    assertTrue(r.out().contains("✓ key file: PKCS#12 " + p12 + ": readable, RS256"), r.out());
    assertTrue(r.out().contains("certificate chain"), r.out());
    assertFalse(r.all().contains(password));
    env.remove("MASKINPORTEN_P12_PASSWORD_FILE");
    Fixture.Result noPassword = f.run(env, Clock.systemUTC(), "doctor", "--no-events", "--client-id", "cli-p12",
        "--jwk-file", "", "--p12", p12.toString());
    assertEquals(1, noPassword.code());
    assertTrue(noPassword.out().contains("✗ key file: PKCS#12 " + p12 + ": MASKINPORTEN_P12 needs"
        + " MASKINPORTEN_P12_PASSWORD"), noPassword.out());
  }

  @Test
  void receiveLoopPicksUpFilesAsTheyArrive(@TempDir Path tmp) throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    Context ctx = new Context(f.env("recipient"), Clock.systemUTC(), new java.io.PrintWriter(out, true),
        new java.io.PrintWriter(new java.io.StringWriter(), true), false);
    Thread t = new Thread(() -> Main.run(ctx, "receive", "--loop", "--interval", "PT0.2S", "--out",
        tmp.resolve("in").toString()));
    t.setDaemon(true);
    t.start();
    try {
      Path file = tmp.resolve("late.txt");
      Files.writeString(file, "late");
      String id = JSON.readTree(f.run("sender", "send", file.toString(), "--to", Fixture.RECIPIENT, "--wait",
          "--json").out()).path("fileTransferId").asText();
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
        while (!out.toString().contains("received " + id)) {
          Thread.sleep(50);
        }
      });
      assertEquals("late", Files.readString(tmp.resolve("in").resolve(id).resolve("late.txt")));
    } finally {
      t.interrupt();
      t.join(10_000);
    }
    assertFalse(t.isAlive());
  }

  @Test
  void webhookSecretComesFromAFileAndIsNeverShown() throws IOException {
    String secret = "whsec-" + UUID.randomUUID();
    Path file = f.dir.resolve("webhook.secret");
    Files.writeString(file, secret + "\n");
    Fixture.Result ensure = f.run("service-owner", "subscriptions", "ensure", "--endpoint", f.webhookUrl(),
        "--webhook-secret-file", file.toString());
    assertEquals(0, ensure.code(), ensure.all());
    try {
      Fixture.Result list = f.run("service-owner", "subscriptions", "list", "--json");
      JsonNode subs = JSON.readTree(list.out());
      assertEquals(f.webhookUrl() + "?code=****", subs.get(0).path("endPoint").asText(), list.out());
      Fixture.Result doctor = f.run("service-owner", "doctor");
      for (Fixture.Result r : new Fixture.Result[] {ensure, list, doctor}) {
        assertFalse(r.all().contains(secret), r.all());
      }
      assertTrue(doctor.out().contains("?code=****"), doctor.out());
    } finally {
      for (JsonNode s : JSON.readTree(f.run("service-owner", "subscriptions", "list", "--json").out())) {
        f.run("service-owner", "subscriptions", "delete", s.path("id").asText());
      }
    }
  }

  @Test
  void unknownProfileIsAUsageError() {
    Fixture.Result r = f.run("no-such-profile", "status", UUID.randomUUID().toString());
    assertEquals(ExitCode.USAGE.code, r.code());
    assertTrue(r.err().contains("profile [no-such-profile] not found"), r.err());
    assertTrue(r.err().contains("sender"), r.err());
  }

  @Test
  void tokenAltinnShowsTheExchangedClaims() throws IOException {
    Fixture.Result r = f.run("sender", "token", "--altinn");
    assertEquals(0, r.code(), r.all());
    assertEquals(Fixture.SENDER, JSON.readTree(r.out()).path("claims").path("urn:altinn:orgNumber").asText(),
        r.out());
  }

  @Test
  void completionScriptIsGenerated() {
    Fixture.Result r = f.run("sender", "generate-completion");
    assertEquals(0, r.code(), r.all());
    assertTrue(r.out().contains("complete -F"), r.out().substring(0, Math.min(200, r.out().length())));
    assertTrue(r.out().contains("doctor"));
    assertTrue(r.out().contains("access-list") && r.out().contains("system-user") && r.out().contains("resume"));
  }

  @Test
  void fakePrintsSettingsThatWork(@TempDir Path tmp) throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    Context ctx = new Context(Map.of(), Clock.systemUTC(), new java.io.PrintWriter(out, true),
        new java.io.PrintWriter(new java.io.StringWriter(), true), false);
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Thread t = new Thread(() -> Main.run(ctx, "fake", "--dir", tmp.toString(), "--port", String.valueOf(port)));
    t.setDaemon(true);
    t.start();
    try {
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
        while (!out.toString().contains("Ctrl-C")) {
          Thread.sleep(20);
        }
      });
      assertTrue(out.toString().startsWith("FakeAltinn is running at http://127.0.0.1:" + port + " "), out.toString());
      // The port is the fake's: a second fake on it fails at once, saying so.
      Fixture.Result taken = f.run(Map.of(), Clock.systemUTC(), "fake", "--port", String.valueOf(port));
      assertEquals(ExitCode.USAGE.code, taken.code(), taken.all());
      assertEquals("broker: port " + port + " on 127.0.0.1 is already in use: stop what listens there, or choose"
          + " another --port (0 for any free port)", taken.err().strip());
      assertTrue(taken.out().isEmpty(), taken.out());
      assertTrue(out.toString().contains("export BROKER_CONFIG=" + tmp.resolve("config")), out.toString());
      assertTrue(out.toString().contains("MASKINPORTEN_CLIENT_ID=sender-system"), out.toString());
      Map<String, String> env = Map.of("BROKER_CONFIG", tmp.resolve("config").toString(), "BROKER_PROFILE",
          "fake-sender");
      Fixture.Result r = f.run(env, Clock.systemUTC(), "doctor", "--no-events");
      assertEquals(0, r.code(), r.all());
      Fixture.Result owner = f.run(Map.of("BROKER_CONFIG", tmp.resolve("config").toString(), "BROKER_PROFILE",
          "fake-service-owner"), Clock.systemUTC(), "doctor", "--no-events");
      assertEquals(0, owner.code(), owner.all());
    } finally {
      t.interrupt();
      t.join(10_000);
    }
    assertFalse(t.isAlive());
    OrganizationNumber.of(Fixture.SENDER); // the fake's organisations are valid numbers
  }
}
