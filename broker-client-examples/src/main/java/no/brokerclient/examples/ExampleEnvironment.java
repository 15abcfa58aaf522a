package no.brokerclient.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.access.AccessScopes;
import no.brokerclient.access.AltinnAccessClient;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigner;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.auth.MaskinportenView;
import no.brokerclient.auth.MaskinportenEnvironment;
import no.brokerclient.events.EventsClient;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testkit.FakeAltinn;

/**
 * Where the examples run: the embedded {@link FakeAltinn} (default: nothing to configure), or Altinn TT02 with
 * Maskinporten TEST when {@code BROKER_ENV=tt02}. For TT02 set:
 *
 * <ul>
 *   <li>{@code MASKINPORTEN_CLIENT_ID}; and either {@code MASKINPORTEN_JWK_FILE} (JWK JSON with private part) or
 *       {@code MASKINPORTEN_P12} + {@code MASKINPORTEN_P12_PASSWORD} (business certificate)</li>
 *   <li>{@code BROKER_RESOURCE}: the Broker resource id</li>
 *   <li>{@code BROKER_SENDER_ORG}, {@code BROKER_RECIPIENT_ORG}: organisations whose system users the client acts
 *       for (the client's system must be approved by both)</li>
 *   <li>optional {@code BROKER_SUBSCRIPTION_KEY}; {@code BROKER_WEBHOOK_URL} (public https URL that reaches
 *       {@code BROKER_WEBHOOK_PORT} on this machine) for the webhook examples</li>
 *   <li>for the step-3 examples: {@code BROKER_OWNER_ORG} and {@code BROKER_OWNER_CODE} (the service owner's
 *       organisation number and Altinn org code; {@code OnboardResource}), {@code BROKER_VENDOR_ORG} (the client's
 *       organisation as system vendor; {@code RequestSystemUser}), optional {@code BROKER_APPROVAL_WAIT}
 *       (ISO-8601, default PT30M)</li>
 * </ul>
 */
public final class ExampleEnvironment implements AutoCloseable {
  /** Organisations used with the fake. */
  static final String FAKE_SENDER = "991825827";
  static final String FAKE_RECIPIENT = "986252932";
  static final String FAKE_OWNER = "974760673";
  static final String FAKE_RESOURCE = "demo-broker-resource";
  static final String FAKE_VENDOR = "910976222";
  static final String FAKE_OWNER_CODE = "demo";
  static final String FAKE_ONBOARD_RESOURCE = "demo-onboarded-resource";

  private final FakeAltinn fake;
  private final Map<String, String> env;
  private final MaskinportenView sender;
  private final MaskinportenView recipient;
  private final Maskinporten serviceOwner;
  private final Maskinporten vendor;
  private final String resourceId;
  private final OrganizationNumber senderOrg;
  private final OrganizationNumber recipientOrg;

  private ExampleEnvironment(Map<String, String> env, FakeAltinn fake) {
    this.env = env;
    this.fake = fake;
    if (fake != null) {
      String[] all = {AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE, AltinnScopes.BROKER_READ,
          AltinnScopes.EVENTS_SUBSCRIBE};
      sender = fakeClient("sender-system", FAKE_SENDER, all);
      recipient = fakeClient("recipient-system", FAKE_RECIPIENT, all);
      Set<String> ownerScopes = new HashSet<>(AccessScopes.SERVICE_OWNER);
      ownerScopes.add(AltinnScopes.SERVICE_OWNER_SCOPE);
      ownerScopes.add(AltinnScopes.EVENTS_SUBSCRIBE);
      serviceOwner = fakeClient("service-owner", FAKE_OWNER, ownerScopes.toArray(String[]::new));
      Set<String> vendorScopes = new HashSet<>(AccessScopes.VENDOR);
      vendorScopes.addAll(AltinnScopes.SENDER);
      vendor = fakeClient("vendor-system", FAKE_VENDOR, vendorScopes.toArray(String[]::new));
      fake.resourceRegistry().serviceOwner(FAKE_OWNER_CODE, FAKE_OWNER);
      fake.resource(FAKE_RESOURCE, FAKE_OWNER, FAKE_SENDER, FAKE_RECIPIENT);
      resourceId = FAKE_RESOURCE;
      senderOrg = OrganizationNumber.of(FAKE_SENDER);
      recipientOrg = OrganizationNumber.of(FAKE_RECIPIENT);
    } else {
      Maskinporten.Builder b = Maskinporten.builder()
          .environment(MaskinportenEnvironment.TEST)
          .clientId(require("MASKINPORTEN_CLIENT_ID"))
          .signer(signer())
          .altinnEnvironment(AltinnEnvironment.TT02);
      if (env.get("BROKER_SUBSCRIPTION_KEY") != null) {
        b.subscriptionKey(env.get("BROKER_SUBSCRIPTION_KEY"));
      }
      serviceOwner = b.build();
      vendor = serviceOwner;
      senderOrg = OrganizationNumber.of(require("BROKER_SENDER_ORG"));
      recipientOrg = OrganizationNumber.of(require("BROKER_RECIPIENT_ORG"));
      sender = serviceOwner.withSystemUser(senderOrg);
      recipient = serviceOwner.withSystemUser(recipientOrg);
      resourceId = require("BROKER_RESOURCE");
    }
  }

  /**
   * @return TT02 when {@code BROKER_ENV=tt02}, else a freshly started FakeAltinn
   * @throws IOException if the fake cannot start
   */
  public static ExampleEnvironment fromEnvironment() throws IOException {
    Map<String, String> env = System.getenv();
    if ("tt02".equalsIgnoreCase(env.get("BROKER_ENV"))) {
      return new ExampleEnvironment(env, null);
    }
    return new ExampleEnvironment(env, FakeAltinn.start());
  }

  /**
   * @param fake a running fake (tests)
   * @return an environment using it
   */
  public static ExampleEnvironment of(FakeAltinn fake) {
    return new ExampleEnvironment(Map.of(), fake);
  }

  private Maskinporten fakeClient(String clientId, String org, String... scopes) {
    return Maskinporten.builder()
        .issuer(fake.maskinportenIssuer())
        .clientId(clientId)
        .signer(GrantSigners.jwk(fake.client(clientId, org, scopes)))
        .altinnPlatformUrl(fake.platformUrl())
        .build();
  }

  private GrantSigner signer() {
    try {
      String jwk = env.get("MASKINPORTEN_JWK_FILE");
      if (jwk != null) {
        return GrantSigners.jwk(Files.readString(Path.of(jwk)));
      }
      return GrantSigners.pkcs12(Path.of(require("MASKINPORTEN_P12")),
          require("MASKINPORTEN_P12_PASSWORD").toCharArray(), null, null);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read MASKINPORTEN_JWK_FILE: " + e.getMessage(), e);
    }
  }

  private String require(String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("BROKER_ENV=tt02 needs the environment variable " + name);
    }
    return v;
  }

  /** @return whether this runs against the embedded fake */
  public boolean isFake() {
    return fake != null;
  }

  /** @return the fake, or {@code null} on TT02 */
  public FakeAltinn fake() {
    return fake;
  }

  /** @return a description for the console */
  public String describe() {
    return fake != null ? "embedded FakeAltinn at " + fake.platformUrl() : "Altinn TT02 with Maskinporten TEST";
  }

  /**
   * @param tokens the Maskinporten view to use
   * @param roles the client's roles
   * @return a BrokerClient builder for this environment
   */
  public BrokerClient.Builder broker(MaskinportenView tokens, Role... roles) {
    BrokerClient.Builder b = BrokerClient.builder().accessTokenProvider(tokens.forBroker()).roles(roles)
        .userAgent("broker-client-examples/1");
    if (fake != null) {
      b.baseUrl(fake.platformUrl());
    } else {
      b.environment(AltinnEnvironment.TT02);
    }
    if (env.get("BROKER_SUBSCRIPTION_KEY") != null) {
      b.subscriptionKey(env.get("BROKER_SUBSCRIPTION_KEY"));
    }
    return b;
  }

  /**
   * @param tokens the Maskinporten view to use
   * @return an Events API client for this environment
   */
  public EventsClient events(MaskinportenView tokens) {
    EventsClient.Builder b = EventsClient.builder().accessTokenProvider(tokens.forEvents());
    if (fake != null) {
      b.platformUrl(fake.platformUrl());
    } else {
      b.environment(AltinnEnvironment.TT02);
    }
    if (env.get("BROKER_SUBSCRIPTION_KEY") != null) {
      b.subscriptionKey(env.get("BROKER_SUBSCRIPTION_KEY"));
    }
    return b.build();
  }

  /** @return the platform URL events come from and subscriptions are made against */
  public String platformUrl() {
    return fake != null ? fake.platformUrl() : AltinnEnvironment.TT02.platformUrl();
  }

  /**
   * @param localPort the port the local webhook receiver listens on
   * @param path its path
   * @return the public URL Altinn should push to
   */
  public String webhookUrl(int localPort, String path) {
    if (fake != null) {
      return "http://127.0.0.1:" + localPort + path;
    }
    return require("BROKER_WEBHOOK_URL");
  }

  /** @return the local port for the webhook receiver (0 = any, with the fake) */
  public int webhookPort() {
    return fake != null ? 0 : Integer.parseInt(env.getOrDefault("BROKER_WEBHOOK_PORT", "8080"));
  }

  /**
   * @param tokens the organisation's Maskinporten (not a system-user view)
   * @return a Resource Registry and Authentication client for this environment
   */
  public AltinnAccessClient access(Maskinporten tokens) {
    AltinnAccessClient.Builder b =
        AltinnAccessClient.builder().maskinporten(tokens).userAgent("broker-client-examples/1");
    if (fake != null) {
      b.platformUrl(fake.platformUrl()).approvalPolling(Duration.ofMillis(50), Duration.ofMillis(500));
    } else {
      b.environment(AltinnEnvironment.TT02);
    }
    if (env.get("BROKER_SUBSCRIPTION_KEY") != null) {
      b.subscriptionKey(env.get("BROKER_SUBSCRIPTION_KEY"));
    }
    return b.build();
  }

  /** @return the vendor's tokens: the system vendor that asks customers for system users */
  public Maskinporten vendor() {
    return vendor;
  }

  /** @return the vendor's organisation */
  public OrganizationNumber vendorOrg() {
    return OrganizationNumber.of(fake != null ? FAKE_VENDOR : require("BROKER_VENDOR_ORG"));
  }

  /** @return the vendor's Maskinporten client id, which the system lists */
  public String vendorClientId() {
    return fake != null ? "vendor-system" : require("MASKINPORTEN_CLIENT_ID");
  }

  /** @return the service owner's organisation */
  public OrganizationNumber ownerOrg() {
    return OrganizationNumber.of(fake != null ? FAKE_OWNER : require("BROKER_OWNER_ORG"));
  }

  /** @return the service owner's Altinn org code */
  public String ownerCode() {
    return fake != null ? FAKE_OWNER_CODE : require("BROKER_OWNER_CODE");
  }

  /** @return the resource the step-3 examples create and use (on TT02 {@code BROKER_RESOURCE}) */
  public String onboardResourceId() {
    return fake != null ? FAKE_ONBOARD_RESOURCE : resourceId;
  }

  /** @return how long {@code RequestSystemUser} waits for the customer's approval */
  public Duration approvalWait() {
    return fake != null ? Duration.ofMinutes(1) : Duration.parse(env.getOrDefault("BROKER_APPROVAL_WAIT", "PT30M"));
  }

  /** @return the sender's tokens */
  public MaskinportenView sender() {
    return sender;
  }

  /** @return the recipient's tokens */
  public MaskinportenView recipient() {
    return recipient;
  }

  /** @return the service owner's tokens */
  public Maskinporten serviceOwner() {
    return serviceOwner;
  }

  /** @return the Broker resource */
  public String resourceId() {
    return resourceId;
  }

  /** @return the sending organisation */
  public OrganizationNumber senderOrg() {
    return senderOrg;
  }

  /** @return the receiving organisation */
  public OrganizationNumber recipientOrg() {
    return recipientOrg;
  }

  @Override
  public void close() {
    // With the fake, sender and recipient are clients of their own; on TT02 they are views of serviceOwner.
    for (MaskinportenView tokens : List.of(sender, recipient, serviceOwner, vendor)) {
      if (tokens instanceof Maskinporten owner) {
        owner.close();
      }
    }
    if (fake != null) {
      fake.close();
    }
  }
}
