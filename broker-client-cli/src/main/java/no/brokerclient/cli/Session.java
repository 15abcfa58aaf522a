package no.brokerclient.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.access.AltinnAccessClient;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigner;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.auth.MaskinportenEnvironment;
import no.brokerclient.auth.MaskinportenView;
import no.brokerclient.events.EventsClient;
import no.brokerclient.model.OrganizationNumber;

/**
 * The clients one command uses, built from {@link Settings} for one role: Maskinporten (acting as the role's
 * organisation's system user when {@code BROKER_SYSTEM_USER} is on), Broker and Events. Built lazily; closed at the
 * end of the command.
 */
final class Session implements AutoCloseable {
  static final String USER_AGENT = "broker-cli/1";

  final Settings settings;
  final Context ctx;
  final Role role;
  final Clock clock;
  private Maskinporten root;
  private MaskinportenView view;
  private BrokerClient broker;
  private EventsClient events;
  private AltinnAccessClient access;
  private java.util.function.Consumer<BrokerClient.Builder> tuning = b -> {};

  Session(CommonOptions options, Context ctx, Role role) {
    this.settings = Settings.resolve(options.flags(), ctx.env(), options.config, options.profile);
    this.ctx = ctx;
    this.role = role;
    this.clock = clock(settings, ctx.clock());
  }

  private static Clock clock(Settings s, Clock base) {
    String offset = s.get("BROKER_CLOCK_OFFSET");
    if (offset == null) {
      return base;
    }
    try {
      return Clock.offset(base, Duration.parse(offset));
    } catch (DateTimeParseException e) {
      throw new CliException(ExitCode.USAGE, "BROKER_CLOCK_OFFSET must be an ISO-8601 duration such as PT15S");
    }
  }

  /** @return tt02, production or custom */
  String envName() {
    String e = settings.get("BROKER_ENV");
    if (e == null) {
      if (settings.get("MASKINPORTEN_ISSUER") != null || settings.get("ALTINN_PLATFORM_URL") != null) {
        return "custom";
      }
      throw new CliException(ExitCode.USAGE, "set BROKER_ENV (tt02 or production), or MASKINPORTEN_ISSUER and"
          + " ALTINN_PLATFORM_URL for a custom environment such as `broker fake` (" + settings.describe() + ")");
    }
    e = e.toLowerCase(Locale.ROOT);
    return switch (e) {
      case "tt02", "test" -> "tt02";
      case "production", "prod" -> "production";
      case "custom" -> "custom";
      default -> throw new CliException(ExitCode.USAGE, "BROKER_ENV must be tt02, production or custom, not " + e);
    };
  }

  /** @return the Maskinporten issuer, with trailing slash */
  String issuer() {
    return switch (envName()) {
      case "tt02" -> MaskinportenEnvironment.TEST.issuer();
      case "production" -> MaskinportenEnvironment.PRODUCTION.issuer();
      default -> {
        String i = settings.require("MASKINPORTEN_ISSUER", "BROKER_ENV=custom");
        yield i.endsWith("/") ? i : i + "/";
      }
    };
  }

  /** @return the Altinn platform URL */
  String platformUrl() {
    return switch (envName()) {
      case "tt02" -> AltinnEnvironment.TT02.platformUrl();
      case "production" -> AltinnEnvironment.PRODUCTION.platformUrl();
      default -> settings.require("ALTINN_PLATFORM_URL", "BROKER_ENV=custom");
    };
  }

  /** @return the key file in use and its kind, e.g. {@code JWK /path}; null when none is configured */
  String keyDescription() {
    if (settings.get("MASKINPORTEN_JWK_FILE") != null) {
      return "JWK " + settings.get("MASKINPORTEN_JWK_FILE");
    }
    if (settings.get("MASKINPORTEN_PEM_FILE") != null) {
      return "PEM " + settings.get("MASKINPORTEN_PEM_FILE");
    }
    if (settings.get("MASKINPORTEN_P12") != null) {
      return "PKCS#12 " + settings.get("MASKINPORTEN_P12");
    }
    return null;
  }

  /**
   * @return the signer from the configured key
   * @throws CliException (usage) when no key is configured or the file is unreadable; the SDK's {@code
   *     AccessTokenException} when the key is not usable (messages never echo key material)
   */
  GrantSigner signer() {
    try {
      String jwk = settings.get("MASKINPORTEN_JWK_FILE");
      if (jwk != null) {
        return GrantSigners.jwk(Files.readString(readable(jwk, "MASKINPORTEN_JWK_FILE")));
      }
      String pem = settings.get("MASKINPORTEN_PEM_FILE");
      if (pem != null) {
        return GrantSigners.pem(readable(pem, "MASKINPORTEN_PEM_FILE"),
            settings.require("MASKINPORTEN_KEY_ID", "MASKINPORTEN_PEM_FILE"));
      }
      String p12 = settings.get("MASKINPORTEN_P12");
      if (p12 != null) {
        String password = settings.secret("MASKINPORTEN_P12_PASSWORD");
        if (password == null) {
          throw new CliException(ExitCode.USAGE, "MASKINPORTEN_P12 needs MASKINPORTEN_P12_PASSWORD or"
              + " MASKINPORTEN_P12_PASSWORD_FILE");
        }
        return GrantSigners.pkcs12(readable(p12, "MASKINPORTEN_P12"), password.toCharArray(), null, null);
      }
    } catch (java.io.IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot read the key file (" + e.getClass().getSimpleName() + ")", e);
    }
    throw new CliException(ExitCode.USAGE, "no key configured: set MASKINPORTEN_JWK_FILE, MASKINPORTEN_PEM_FILE"
        + " (+ MASKINPORTEN_KEY_ID) or MASKINPORTEN_P12 (+ MASKINPORTEN_P12_PASSWORD[_FILE])");
  }

  private static Path readable(String file, String name) {
    Path p = Path.of(file);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new CliException(ExitCode.USAGE, name + " " + file + " is not a readable file");
    }
    return p;
  }

  /** @return the subscription key, or null */
  String subscriptionKey() {
    return settings.secret("BROKER_SUBSCRIPTION_KEY");
  }

  /** @return the Broker resource id */
  String resource() {
    return settings.require("BROKER_RESOURCE", "this command");
  }

  /** @return the organisation this role acts for, or null (service owner: the client's own) */
  OrganizationNumber org() {
    String name = role == Role.SENDER ? "BROKER_SENDER_ORG" : role == Role.RECIPIENT ? "BROKER_RECIPIENT_ORG" : null;
    String v = name == null ? null : settings.get(name);
    return v == null ? null : OrganizationNumber.of(v);
  }

  /** @return the sender organisation, required */
  OrganizationNumber senderOrg() {
    return OrganizationNumber.of(settings.require("BROKER_SENDER_ORG", "sending"));
  }

  boolean systemUser() {
    String v = settings.get("BROKER_SYSTEM_USER");
    return v != null ? Boolean.parseBoolean(v) : !envName().equals("custom");
  }

  /** @return the Maskinporten view for this role */
  synchronized MaskinportenView maskinporten() {
    if (view == null) {
      Maskinporten.Builder b = Maskinporten.builder()
          .clientId(settings.require("MASKINPORTEN_CLIENT_ID", "Maskinporten"))
          .signer(signer())
          .clock(clock);
      switch (envName()) {
        case "tt02" -> b.environment(MaskinportenEnvironment.TEST).altinnEnvironment(AltinnEnvironment.TT02);
        case "production" -> b.environment(MaskinportenEnvironment.PRODUCTION)
            .altinnEnvironment(AltinnEnvironment.PRODUCTION);
        default -> b.issuer(issuer()).altinnPlatformUrl(platformUrl());
      }
      String key = subscriptionKey();
      if (key != null) {
        b.subscriptionKey(key);
      }
      root = b.build();
      OrganizationNumber org = org();
      // Without BROKER_SYSTEM_USER_REF the grant carries no externalRef, which Maskinporten reads as the org number.
      view = org == null || !systemUser() ? root : root.withSystemUser(org, settings.get("BROKER_SYSTEM_USER_REF"));
    }
    return view;
  }

  /** @return the Maskinporten client itself (the vendor, or the service owner), never acting as a system user */
  synchronized Maskinporten root() {
    maskinporten();
    return root;
  }

  /**
   * @param customer the organisation the system user acts for
   * @return its external reference: {@code BROKER_SYSTEM_USER_REF}, default the organisation number
   */
  String systemUserRef(OrganizationNumber customer) {
    return settings.get("BROKER_SYSTEM_USER_REF", customer.digits());
  }

  /**
   * Sets how the Broker client is built (TUS parts, chunk size, checkpoint store); call before {@link #broker()}.
   *
   * @param tune changes to the builder
   */
  synchronized void tune(java.util.function.Consumer<BrokerClient.Builder> tune) {
    if (broker != null) {
      throw new IllegalStateException("the Broker client is built already");
    }
    this.tuning = tune;
  }

  /** @return the Resource Registry and Authentication client, with the client's own (not system-user) tokens */
  synchronized AltinnAccessClient access() {
    if (access == null) {
      AltinnAccessClient.Builder b = AltinnAccessClient.builder().maskinporten(root()).userAgent(USER_AGENT);
      platform(b::environment, b::platformUrl, b::subscriptionKey);
      access = b.build();
    }
    return access;
  }

  /**
   * Points a client builder at this environment: Altinn's TT02 or production, else the custom platform URL; and
   * gives it the subscription key, when one is set. The one place the Altinn clients are configured alike.
   */
  private void platform(java.util.function.Consumer<AltinnEnvironment> environment,
      java.util.function.Consumer<String> url, java.util.function.Consumer<String> subscriptionKey) {
    switch (envName()) {
      case "tt02" -> environment.accept(AltinnEnvironment.TT02);
      case "production" -> environment.accept(AltinnEnvironment.PRODUCTION);
      default -> url.accept(platformUrl());
    }
    String key = subscriptionKey();
    if (key != null) {
      subscriptionKey.accept(key);
    }
  }

  /** @return the Broker scopes of this role */
  Set<String> brokerScopes() {
    return role.scopes();
  }

  /** @return the Events scopes */
  static Set<String> eventScopes() {
    return AltinnScopes.EVENTS;
  }

  /** @return a Broker client for this role */
  synchronized BrokerClient broker() {
    if (broker == null) {
      BrokerClient.Builder b = BrokerClient.builder().accessTokenProvider(maskinporten().forBroker()).roles(role)
          .userAgent(USER_AGENT);
      platform(b::environment, b::baseUrl, b::subscriptionKey);
      tuning.accept(b);
      broker = b.build();
    }
    return broker;
  }

  /** @return an Events client */
  synchronized EventsClient events() {
    if (events == null) {
      EventsClient.Builder b = EventsClient.builder().accessTokenProvider(maskinporten().forEvents());
      platform(b::environment, b::platformUrl, b::subscriptionKey);
      events = b.build();
    }
    return events;
  }

  @Override
  public synchronized void close() {
    if (access != null) {
      access.close();
    }
    if (events != null) {
      events.close();
    }
    if (broker != null) {
      broker.close();
    }
    if (root != null) {
      root.close();
    }
  }
}
