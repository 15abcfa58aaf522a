package no.brokerclient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.access.AccessListMode;
import no.brokerclient.access.AltinnAccessClient;
import no.brokerclient.access.BrokerServiceResource;
import no.brokerclient.access.LocalizedText;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.ResourceSettingsUpdate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code access-list …}, {@code system-user …} and doctor's access-list and system-user checks through the real
 * command line against FakeAltinn. Two resources are onboarded in the fake's Resource Registry: {@code cli-listed}
 * (access lists enforced) and {@code cli-open} (not).
 */
class CliAccessTest {
  static final String LISTED = "cli-listed";
  static final String OPEN = "cli-open";
  static final String POLICY = "<xacml:Policy xmlns:xacml=\"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17\""
      + " PolicyId=\"urn:altinn:policy:cli\"/>";
  static Fixture f;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws IOException {
    f = new Fixture();
    try (Maskinporten mp = f.ownerTokens();
        AltinnAccessClient owner = AltinnAccessClient.builder().platformUrl(f.fake.platformUrl()).maskinporten(mp)
            .build();
        BrokerClient broker = BrokerClient.builder().baseUrl(f.fake.platformUrl()).accessTokenProvider(mp.forBroker())
            .roles(Role.SERVICE_OWNER).build()) {
      for (String id : new String[] {LISTED, OPEN}) {
        owner.resources().onboardResource(BrokerServiceResource.builder(id, OrganizationNumber.of(Fixture.OWNER),
                Fixture.OWNER_CODE)
            .title(LocalizedText.of("Filer", "Filer", "Files"))
            .description(LocalizedText.of("Filer", "Filer", "Files"))
            .rightDescription(LocalizedText.of("Sende", "Sende", "Send"))
            .accessListMode(id.equals(LISTED) ? AccessListMode.ENABLED : AccessListMode.DISABLED)
            .build(), POLICY, broker, "CLI owner", ResourceSettingsUpdate.builder()
            .fileTransferTimeToLive(Duration.ofDays(1)).build());
      }
    }
    f.fake.grantAccess(OPEN, Fixture.SENDER);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static String line(String out, String prefix) {
    return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no line " + prefix + ")");
  }

  static String fixAfter(String out, String prefix) {
    java.util.List<String> lines = out.lines().toList();
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).startsWith(prefix)) {
        return lines.get(i + 1);
      }
    }
    return "(no line " + prefix + ")";
  }

  @Test
  void accessListCommandsAndDoctorOnMembership() throws IOException {
    Fixture.Result created = f.run("service-owner", "access-list", "create", "cli-approved", "--name", "Approved",
        "--description", "who may send");
    assertEquals(0, created.code(), created.all());
    assertTrue(created.out().startsWith("created urn:altinn:access-list:cli:cli-approved (Approved)"),
        created.out());
    Fixture.Result again = f.run("service-owner", "access-list", "create", "cli-approved", "--name", "Approved");
    assertEquals(ExitCode.CONFLICT.code, again.code(), again.all());
    assertTrue(again.err().contains("already exists"), again.err());

    assertEquals(0, f.run("service-owner", "access-list", "add-members", "cli-approved", Fixture.RECIPIENT).code());
    Fixture.Result connected = f.run("service-owner", "access-list", "connect", "cli-approved", "--resource",
        LISTED);
    assertEquals(0, connected.code(), connected.all());
    assertEquals("connected cli/cli-approved to cli-listed (all actions)", connected.out().strip());

    JsonNode lists = JSON.readTree(f.run("service-owner", "access-list", "list", "--for-resource", LISTED, "--json")
        .out());
    assertEquals("cli-approved", lists.get(0).path("identifier").asText(), lists.toString());
    assertEquals(LISTED, lists.get(0).path("connections").get(0).path("resource").asText(), lists.toString());
    JsonNode shown = JSON.readTree(f.run("service-owner", "access-list", "show", "cli-approved", "--json").out());
    assertEquals(1, shown.path("members").size(), shown.toString());
    assertEquals(Fixture.RECIPIENT, shown.path("members").get(0).path("organizationNumber").asText());
    assertTrue(f.run("service-owner", "access-list", "show", "cli-approved").out()
        .contains("connected to: cli-listed (all actions)"));

    // The sender is not on the list: Broker refuses it, and doctor says why and who fixes it.
    Fixture.Result denied = f.run("sender", "doctor", "--resource", LISTED, "--no-events");
    assertEquals(1, denied.code(), denied.all());
    assertEquals("✗ access list: resource cli-listed uses access lists of service owner cli (" + Fixture.OWNER
        + "), and " + Fixture.SENDER + " is not on one connected to it for write (Broker refused it as sender)",
        line(denied.out(), "✗ access list"), denied.out());
    String fix = fixAfter(denied.out(), "✗ access list");
    assertTrue(fix.startsWith("    fix: ask service owner cli (" + Fixture.OWNER + ") to add " + Fixture.SENDER
        + " to an access list connected to cli-listed with action write"), fix);
    assertTrue(fix.contains("broker access-list add-members LIST " + Fixture.SENDER), fix);
    JsonNode report = JSON.readTree(f.run("sender", "doctor", "--resource", LISTED, "--no-events", "--json").out());
    assertFalse(report.path("ok").asBoolean());
    JsonNode check = null;
    for (JsonNode c : report.path("checks")) {
      if (c.path("name").asText().equals("access list")) {
        check = c;
      }
    }
    assertEquals("fail", check.path("status").asText(), report.toString());
    assertTrue(check.path("fix").asText().contains("add " + Fixture.SENDER), check.toString());

    Fixture.Result added = f.run("service-owner", "access-list", "add-members", "cli-approved", Fixture.SENDER);
    assertEquals("added 1 party (" + Fixture.SENDER + ") on cli-approved in 1 request", added.out().strip());
    Fixture.Result ok = f.run("sender", "doctor", "--resource", LISTED, "--no-events");
    assertEquals(0, ok.code(), ok.all());
    assertTrue(line(ok.out(), "✓ access list").endsWith(Fixture.SENDER + " is on one connected to it (Broker let"
        + " it in as sender)"), ok.out());
    Fixture.Result owner = f.run("service-owner", "doctor", "--resource", LISTED, "--no-events");
    assertEquals(0, owner.code(), owner.all());
    assertEquals("✓ access list: resource cli-listed uses access lists: cli-approved (2 members, all actions)",
        line(owner.out(), "✓ access list"), owner.out());
    // A resource without access lists says so.
    assertTrue(line(f.run("sender", "doctor", "--resource", OPEN, "--no-events").out(), "✓ access list")
        .contains("does not use access lists (accessListMode Disabled)"));

    assertEquals(0, f.run("service-owner", "access-list", "remove-members", "cli-approved", Fixture.SENDER).code());
    assertEquals(1, f.run("sender", "doctor", "--resource", LISTED, "--no-events").code());
    assertEquals(ExitCode.USAGE.code, f.run("service-owner", "access-list", "add-members", "cli-approved",
        "12345").code());
    Fixture.Result missing = f.run("service-owner", "access-list", "show", "no-such-list");
    assertEquals(ExitCode.NOT_FOUND.code, missing.code(), missing.all());
    assertEquals(ExitCode.USAGE.code, f.run("sender", "access-list", "list").code(), "no BROKER_OWNER_CODE");
  }

  @Test
  void systemUserRequestPendingThenApprovedAsDoctorSees() throws IOException {
    Fixture.Result reg = f.run("vendor", "system-user", "register", "--resource", OPEN, "--title", "CLI test");
    assertEquals(0, reg.code(), reg.all());
    assertEquals("system " + Fixture.SYSTEM_ID + " created (resource cli-open, client cli-vendor)",
        reg.out().strip());

    Fixture.Result none = f.run("vendor", "doctor", "--resource", OPEN, "--no-events");
    assertEquals(1, none.code(), none.all());
    assertTrue(line(none.out(), "✗ system user").startsWith("✗ system user: no system user and no request for "
        + Fixture.SENDER), none.out());

    Fixture.Result asked = f.run("vendor", "system-user", "request", "--resource", OPEN);
    assertEquals(0, asked.code(), asked.all());
    String first = asked.out().lines().findFirst().orElseThrow();
    assertTrue(first.matches("request [0-9a-f-]{36} New \\(created\\) for " + Fixture.SENDER + ", externalRef "
        + Fixture.SENDER), asked.out());
    String id = first.substring("request ".length(), "request ".length() + 36);
    assertTrue(asked.out().contains("logs in at https://"), asked.out());
    assertTrue(asked.out().contains("?id=" + id), asked.out());

    // Pending: doctor names the request, who approves it and where.
    Fixture.Result pending = f.run("vendor", "doctor", "--resource", OPEN, "--no-events");
    assertEquals(1, pending.code(), pending.all());
    assertEquals("✗ system user: pending: request " + id + " for " + Fixture.SENDER + " on " + Fixture.SYSTEM_ID
        + " (externalRef " + Fixture.SENDER + ") is New, not yet approved", line(pending.out(), "✗ system user"),
        pending.out());
    String fix = fixAfter(pending.out(), "✗ system user");
    assertTrue(fix.startsWith("    fix: someone who manages access for " + Fixture.SENDER + " in Altinn"), fix);
    assertTrue(fix.contains("?id=" + id), fix);
    JsonNode report = JSON.readTree(f.run("vendor", "doctor", "--resource", OPEN, "--no-events", "--json").out());
    assertEquals("system user", report.path("checks").get(4).path("name").asText(), report.toString());
    assertEquals("fail", report.path("checks").get(4).path("status").asText());
    assertTrue(report.path("checks").get(4).path("fix").asText().contains("?id=" + id));
    assertTrue(f.run("vendor", "system-user", "status").out().startsWith("request " + id + " New for "
        + Fixture.SENDER));

    f.fake.authentication().approve(UUID.fromString(id));
    Fixture.Result approved = f.run("vendor", "doctor", "--resource", OPEN, "--no-events");
    assertEquals(0, approved.code(), approved.all());
    assertTrue(line(approved.out(), "✓ system user: approved: system user ").endsWith(" for " + Fixture.SENDER
        + " on " + Fixture.SYSTEM_ID + " (externalRef " + Fixture.SENDER + ")"), approved.out());
    JsonNode status = JSON.readTree(f.run("vendor", "system-user", "status", "--json").out());
    assertTrue(status.path("approved").asBoolean(), status.toString());
    JsonNode list = JSON.readTree(f.run("vendor", "system-user", "list", "--json").out());
    assertEquals(1, list.size(), list.toString());
    assertEquals(Fixture.SENDER, list.get(0).path("customer").asText());
    Fixture.Result already = f.run("vendor", "system-user", "request", "--resource", OPEN);
    assertTrue(already.out().startsWith(Fixture.SENDER + " approved a system user for " + Fixture.SYSTEM_ID
        + " already"), already.out());

    // Another customer rejects.
    Fixture.Result other = f.run("vendor", "system-user", "request", "--resource", OPEN, "--customer",
        Fixture.RECIPIENT, "--json");
    String otherId = JSON.readTree(other.out()).path("request").path("id").asText();
    f.fake.authentication().reject(UUID.fromString(otherId));
    Fixture.Result rejected = f.run("vendor", "system-user", "status", otherId);
    assertEquals("request " + otherId + " Rejected for " + Fixture.RECIPIENT + " (externalRef " + Fixture.RECIPIENT
        + ")", rejected.out().strip());
    Fixture.Result doctorRejected = f.run("vendor", "doctor", "--resource", OPEN, "--no-events", "--sender-org",
        Fixture.RECIPIENT);
    assertTrue(line(doctorRejected.out(), "✗ system user").contains("was Rejected by " + Fixture.RECIPIENT),
        doctorRejected.out());
    assertEquals(ExitCode.USAGE.code, f.run("vendor", "system-user", "list", "--system-id", "bad id").code());
  }
}
