package no.brokerclient.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every command takes. Each one sets the configuration setting it names; an unset option falls back to
 * the environment variable, then the config profile ({@link Settings}). Secrets have no option.
 */
final class CommonOptions {
  @Option(names = "--profile", paramLabel = "NAME", description = "config profile (BROKER_PROFILE), e.g. tt02-sender")
  String profile;

  @Option(names = "--config", paramLabel = "FILE",
      description = "config file (BROKER_CONFIG; default ~/.config/broker/config)")
  String config;

  @Option(names = "--env", paramLabel = "ENV", description = "tt02, production or custom (BROKER_ENV)")
  String env;

  @Option(names = "--client-id", paramLabel = "ID", description = "Maskinporten client id (MASKINPORTEN_CLIENT_ID)")
  String clientId;

  @Option(names = "--jwk-file", paramLabel = "FILE",
      description = "private JWK of the client (MASKINPORTEN_JWK_FILE)")
  String jwkFile;

  @Option(names = "--pem-file", paramLabel = "FILE",
      description = "PKCS#8 PEM private key (MASKINPORTEN_PEM_FILE), with --key-id")
  String pemFile;

  @Option(names = "--key-id", paramLabel = "KID", description = "kid of the PEM key (MASKINPORTEN_KEY_ID)")
  String keyId;

  @Option(names = "--p12", paramLabel = "FILE", description = "business certificate, PKCS#12 (MASKINPORTEN_P12);"
      + " password from MASKINPORTEN_P12_PASSWORD or MASKINPORTEN_P12_PASSWORD_FILE")
  String p12;

  @Option(names = "--resource", paramLabel = "ID", description = "Broker resource id (BROKER_RESOURCE)")
  String resource;

  @Option(names = "--sender-org", paramLabel = "ORGNO", description = "sending organisation (BROKER_SENDER_ORG)")
  String senderOrg;

  @Option(names = "--recipient-org", paramLabel = "ORGNO",
      description = "receiving organisation (BROKER_RECIPIENT_ORG)")
  String recipientOrg;

  @Option(names = "--system-user", paramLabel = "true|false", description = "act as the organisation's system user"
      + " (BROKER_SYSTEM_USER; default true for tt02 and production, false for custom)")
  String systemUser;

  @Option(names = "--owner-code", paramLabel = "CODE",
      description = "the service owner's Altinn org code, e.g. ttd, for access lists (BROKER_OWNER_CODE)")
  String ownerCode;

  @Option(names = "--system-id", paramLabel = "ID", description = "the vendor's system in Altinn's system register,"
      + " <vendor orgno>_<name> (BROKER_SYSTEM_ID); doctor then checks the system user's approval")
  String systemId;

  @Option(names = "--system-user-ref", paramLabel = "REF", description = "the system user's external reference"
      + " (BROKER_SYSTEM_USER_REF; default the organisation number)")
  String systemUserRef;

  @Option(names = "--maskinporten-issuer", paramLabel = "URL",
      description = "Maskinporten issuer for BROKER_ENV=custom (MASKINPORTEN_ISSUER)")
  String issuer;

  @Option(names = "--platform-url", paramLabel = "URL",
      description = "Altinn platform URL for BROKER_ENV=custom (ALTINN_PLATFORM_URL)")
  String platformUrl;

  @Option(names = "--subscription-key-file", paramLabel = "FILE",
      description = "file holding the Altinn API subscription key (BROKER_SUBSCRIPTION_KEY_FILE; or set"
          + " BROKER_SUBSCRIPTION_KEY)")
  String subscriptionKeyFile;

  @Option(names = "--clock-offset", hidden = true, paramLabel = "DURATION",
      description = "shift the local clock (BROKER_CLOCK_OFFSET, e.g. PT15S), for tests")
  String clockOffset;

  @Option(names = {"-v", "--verbose"}, description = "on failure, print the cause chain and trace ids")
  boolean verbose;

  /** @return the flags given, by setting name */
  Map<String, String> flags() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("BROKER_ENV", env);
    m.put("MASKINPORTEN_CLIENT_ID", clientId);
    m.put("MASKINPORTEN_JWK_FILE", jwkFile);
    m.put("MASKINPORTEN_PEM_FILE", pemFile);
    m.put("MASKINPORTEN_KEY_ID", keyId);
    m.put("MASKINPORTEN_P12", p12);
    m.put("BROKER_RESOURCE", resource);
    m.put("BROKER_SENDER_ORG", senderOrg);
    m.put("BROKER_RECIPIENT_ORG", recipientOrg);
    m.put("BROKER_SYSTEM_USER", systemUser);
    m.put("BROKER_OWNER_CODE", ownerCode);
    m.put("BROKER_SYSTEM_ID", systemId);
    m.put("BROKER_SYSTEM_USER_REF", systemUserRef);
    m.put("MASKINPORTEN_ISSUER", issuer);
    m.put("ALTINN_PLATFORM_URL", platformUrl);
    m.put("BROKER_SUBSCRIPTION_KEY_FILE", subscriptionKeyFile);
    m.put("BROKER_CLOCK_OFFSET", clockOffset);
    return m;
  }
}
