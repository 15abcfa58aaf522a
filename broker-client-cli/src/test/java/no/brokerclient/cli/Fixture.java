package no.brokerclient.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.brokerclient.access.AccessScopes;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.testing.CapturedLogs;
import no.brokerclient.testkit.FakeAltinn;

/**
 * A FakeAltinn with a sender, a recipient and a service owner, their keys in files and a config file with one
 * profile each, plus a webhook endpoint that answers 200; and {@link #run}, the real command line in-process.
 * Every run's output and every log line is checked for the secrets (private key parts, subscription key, tokens).
 */
final class Fixture implements AutoCloseable {
  static final String SENDER = FakeCommand.SENDER;
  static final String RECIPIENT = FakeCommand.RECIPIENT;
  static final String OWNER = FakeCommand.OWNER;
  static final String RESOURCE = "cli-resource";
  /** The vendor of the {@code vendor} profile, whose system users act for {@link #SENDER}. */
  static final String VENDOR = "313776735";
  static final String OWNER_CODE = "cli";
  static final String SYSTEM_ID = VENDOR + "_cli-system";
  static final String SUBSCRIPTION_KEY = "sk-0123456789-very-secret-subscription-key";

  final FakeAltinn fake;
  final Path dir;
  final Path config;
  final HttpServer webhook;
  private final List<String> secrets = new ArrayList<>();
  private final StringBuilder profiles = new StringBuilder();

  /** The output of one run. */
  record Result(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  Fixture() throws IOException {
    fake = FakeAltinn.start();
    dir = Files.createTempDirectory("broker-cli-test");
    fake.resource(RESOURCE, OWNER, SENDER, RECIPIENT);
    fake.resource("closed-resource", OWNER);
    fake.resourceRegistry().serviceOwner(OWNER_CODE, OWNER);
    String[] all = {AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE, AltinnScopes.BROKER_READ,
        AltinnScopes.EVENTS_SUBSCRIBE};
    profile("sender", "cli-sender", SENDER, "sender", "", all);
    profile("recipient", "cli-recipient", RECIPIENT, "recipient", "", all);
    profile("service-owner", "cli-owner", OWNER, "service-owner", "BROKER_OWNER_CODE=" + OWNER_CODE + "\n",
        AltinnScopes.SERVICE_OWNER_SCOPE, AltinnScopes.EVENTS_SUBSCRIBE, AccessScopes.RESOURCE_WRITE,
        AccessScopes.ACCESS_LIST_READ, AccessScopes.ACCESS_LIST_WRITE);
    profile("no-write", "cli-no-write", SENDER, "sender", "", AltinnScopes.AUTHORIZATION_PDP,
        AltinnScopes.EVENTS_SUBSCRIBE);
    profile("vendor", "cli-vendor", VENDOR, "sender", "BROKER_SYSTEM_USER=true\nBROKER_SYSTEM_ID=" + SYSTEM_ID
        + "\n", AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE, AltinnScopes.BROKER_READ,
        AccessScopes.SYSTEM_REGISTER_WRITE, AccessScopes.SYSTEM_USER_REQUEST_READ,
        AccessScopes.SYSTEM_USER_REQUEST_WRITE);
    config = dir.resolve("config");
    Files.writeString(config, profiles);
    secrets.add(SUBSCRIPTION_KEY);
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    webhook.createContext("/hook", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    webhook.start();
  }

  /** Adds a profile; its client's private key goes to {@code <name>.jwk}. */
  private void profile(String name, String clientId, String org, String role, String extra, String... scopes)
      throws IOException {
    String jwk = fake.client(clientId, org, scopes);
    Path key = dir.resolve(name + ".jwk");
    Files.writeString(key, jwk);
    try {
      RSAKey k = RSAKey.parse(jwk);
      secrets.add(k.getPrivateExponent().toString());
      secrets.add(k.getFirstPrimeFactor().toString());
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
    profiles.append('[').append(name).append("]\n")
        .append("BROKER_ENV=custom\n")
        .append("MASKINPORTEN_ISSUER=").append(fake.maskinportenIssuer()).append('\n')
        .append("ALTINN_PLATFORM_URL=").append(fake.platformUrl()).append('\n')
        .append("MASKINPORTEN_CLIENT_ID=").append(clientId).append('\n')
        .append("MASKINPORTEN_JWK_FILE=").append(key).append('\n')
        .append("BROKER_RESOURCE=").append(RESOURCE).append('\n')
        .append("BROKER_SENDER_ORG=").append(SENDER).append('\n')
        .append("BROKER_RECIPIENT_ORG=").append(RECIPIENT).append('\n')
        .append("BROKER_ROLE=").append(role).append('\n')
        .append(extra);
  }

  /** @return the service owner's Maskinporten (its key file), for set-up the CLI does not do */
  no.brokerclient.auth.Maskinporten ownerTokens() throws IOException {
    return no.brokerclient.auth.Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId("cli-owner")
        .signer(no.brokerclient.auth.GrantSigners.jwk(Files.readString(dir.resolve("service-owner.jwk"))))
        .altinnPlatformUrl(fake.platformUrl()).build();
  }

  String webhookUrl() {
    return "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook";
  }

  /** @return the environment that selects this profile, with the subscription key set */
  Map<String, String> env(String profile) {
    Map<String, String> env = new HashMap<>();
    env.put("BROKER_CONFIG", config.toString());
    env.put("BROKER_PROFILE", profile);
    env.put("BROKER_SUBSCRIPTION_KEY", SUBSCRIPTION_KEY);
    return env;
  }

  Result run(String profile, String... args) {
    return run(env(profile), Clock.systemUTC(), args);
  }

  Result run(Map<String, String> env, Clock clock, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CapturedLogs.clear();
    int code = Main.run(new Context(env, clock, new PrintWriter(out, true), new PrintWriter(err, true), false), args);
    Result r = new Result(code, out.toString(), err.toString());
    assertNoSecrets(r.all() + String.join("\n", CapturedLogs.lines()));
    return r;
  }

  void assertNoSecrets(String text) {
    for (String s : secrets) {
      assertFalse(text.contains(s), "a secret appeared in the output");
    }
    assertFalse(text.matches("(?s).*eyJ[A-Za-z0-9_-]{10,}\\.eyJ.*"), "a token appeared in the output:\n" + text);
  }

  @Override
  public void close() {
    webhook.stop(0);
    fake.close();
  }
}
