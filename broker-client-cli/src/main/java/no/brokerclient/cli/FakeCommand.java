package no.brokerclient.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import no.brokerclient.access.AccessScopes;
import no.brokerclient.access.AltinnAccessClient;
import no.brokerclient.access.BrokerServiceResource;
import no.brokerclient.access.LocalizedText;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.testkit.FakeAltinn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code broker fake}: starts the embedded FakeAltinn, writes a key per client and a config file with the profiles
 * {@code fake-sender}, {@code fake-recipient} and {@code fake-service-owner}, prints the settings and runs until
 * interrupted (Ctrl-C).
 */
@Command(name = "fake", mixinStandardHelpOptions = true,
    description = "Start the embedded FakeAltinn and print the settings that point the CLI, the examples or your"
        + " application at it. Runs until Ctrl-C.")
final class FakeCommand implements Callable<Integer> {
  static final String SENDER = "991825827";
  static final String RECIPIENT = "986252932";
  static final String OWNER = "974760673";
  static final String RESOURCE = "demo-broker-resource";
  static final String OWNER_CODE = "demo";

  private final Context ctx;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "where to write the keys and the config file (default: a new temporary directory)")
  Path dir;

  @Option(names = "--port", paramLabel = "N", defaultValue = "0",
      description = "loopback port to listen on, for Maskinporten and the platform alike (default 0: any free port)")
  int port;

  @Option(names = {"-v", "--verbose"}, description = "on failure, print the cause chain")
  boolean verbose;

  FakeCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CliException(ExitCode.USAGE, "--port must be 0 (any free port) to 65535, not " + port);
    }
    FakeAltinn started;
    try {
      started = FakeAltinn.start(port);
    } catch (java.net.BindException e) {
      throw new CliException(ExitCode.USAGE, "port " + port + " on 127.0.0.1 is already in use: stop what listens"
          + " there, or choose another --port (0 for any free port)", e);
    }
    Path d = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("broker-fake");
    try (FakeAltinn fake = started) {
      fake.resource(RESOURCE, OWNER, SENDER, RECIPIENT);
      fake.resourceRegistry().serviceOwner(OWNER_CODE, OWNER);
      String[] all = scopes(List.of(AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE,
          AltinnScopes.BROKER_READ, AltinnScopes.EVENTS_SUBSCRIBE), AccessScopes.VENDOR);
      Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
      profiles.put("fake-sender", profile(fake, d, "sender-system", SENDER, all));
      profiles.put("fake-recipient", profile(fake, d, "recipient-system", RECIPIENT, all));
      profiles.put("fake-service-owner", profile(fake, d, "service-owner", OWNER, scopes(List.of(
          AltinnScopes.SERVICE_OWNER_SCOPE, AltinnScopes.EVENTS_SUBSCRIBE), AccessScopes.SERVICE_OWNER)));
      StringBuilder config = new StringBuilder("# Written by `broker fake`; valid while it runs.\n");
      profiles.forEach((name, p) -> {
        config.append('[').append(name).append("]\n");
        p.forEach((k, v) -> config.append(k).append('=').append(v).append('\n'));
      });
      Path configFile = d.resolve("config");
      Files.writeString(configFile, config);
      registerInResourceRegistry(fake, d.resolve("service-owner.jwk"));

      var out = ctx.out();
      out.println("FakeAltinn is running at " + fake.platformUrl() + " (Maskinporten issuer "
          + fake.maskinportenIssuer() + ", resource " + RESOURCE + ")");
      out.println();
      out.println("Point the CLI at it (another shell):");
      out.println("  export BROKER_CONFIG=" + configFile);
      out.println("  export BROKER_PROFILE=fake-sender      # or fake-recipient, fake-service-owner");
      out.println("  broker doctor");
      out.println();
      out.println("Or set these environment variables for your application (the sender; see " + configFile
          + " for the others):");
      profiles.get("fake-sender").forEach((k, v) -> out.println("  " + k + "=" + v));
      out.println();
      out.println("Press Ctrl-C to stop.");
      out.flush();
      new CountDownLatch(1).await();
    }
    return 0;
  }

  /**
   * Puts the resource into the fake's Resource Registry too (access lists off), as a service owner would, so that a
   * vendor can register a system with rights to it and ask for system users ({@code broker system-user …}).
   */
  private static void registerInResourceRegistry(FakeAltinn fake, Path ownerKey) throws IOException {
    try (Maskinporten mp = Maskinporten.builder().issuer(fake.maskinportenIssuer()).clientId("service-owner")
        .signer(GrantSigners.jwk(Files.readString(ownerKey))).altinnPlatformUrl(fake.platformUrl()).build();
        AltinnAccessClient access = AltinnAccessClient.builder().platformUrl(fake.platformUrl()).maskinporten(mp)
            .build()) {
      LocalizedText title = LocalizedText.of("Demo-filer", "Demo-filer", "Demo files");
      access.resources().createOrUpdate(BrokerServiceResource.builder(RESOURCE, OrganizationNumber.of(OWNER),
          OWNER_CODE).title(title).description(title).rightDescription(LocalizedText.of("Sende og motta filer",
              "Sende og ta imot filer", "Send and receive files"))
          .accessListMode(no.brokerclient.access.AccessListMode.DISABLED).build());
    }
  }

  private static String[] scopes(List<String> some, java.util.Set<String> more) {
    java.util.Set<String> all = new java.util.TreeSet<>(some);
    all.addAll(more);
    return all.toArray(String[]::new);
  }

  private static Map<String, String> profile(FakeAltinn fake, Path dir, String clientId, String org,
      String... scopes) throws IOException {
    Path key = dir.resolve(clientId + ".jwk");
    Files.deleteIfExists(key);
    try {
      Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(key);
    }
    Files.writeString(key, fake.client(clientId, org, scopes));
    Map<String, String> p = new LinkedHashMap<>();
    p.put("BROKER_ENV", "custom");
    p.put("MASKINPORTEN_ISSUER", fake.maskinportenIssuer());
    p.put("ALTINN_PLATFORM_URL", fake.platformUrl());
    p.put("MASKINPORTEN_CLIENT_ID", clientId);
    p.put("MASKINPORTEN_JWK_FILE", key.toString());
    p.put("BROKER_RESOURCE", RESOURCE);
    p.put("BROKER_SENDER_ORG", SENDER);
    p.put("BROKER_RECIPIENT_ORG", RECIPIENT);
    p.put("BROKER_ROLE", clientId.equals("service-owner") ? "service-owner"
        : clientId.startsWith("sender") ? "sender" : "recipient");
    if (clientId.equals("service-owner")) {
      p.put("BROKER_OWNER_CODE", OWNER_CODE);
    } else {
      p.put("BROKER_SYSTEM_ID", org + "_broker-cli"); // for `broker system-user …` as a vendor
    }
    return p;
  }
}
