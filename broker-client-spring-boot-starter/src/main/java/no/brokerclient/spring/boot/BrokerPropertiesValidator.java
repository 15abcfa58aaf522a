package no.brokerclient.spring.boot;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.Role;
import no.brokerclient.events.BrokerEventPoller;
import no.brokerclient.events.EventRole;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.ResourceId;

/**
 * The one place that decides whether {@link BrokerProperties} make sense. Runs when the first bean is built, before
 * any network call; every message names the property and none shows a secret's value.
 */
final class BrokerPropertiesValidator {
  /** BrokerClient.Builder.tusChunkSize's limit (2 GiB, exclusive). */
  private static final long TUS_CHUNK_LIMIT = 2L << 30;

  private BrokerPropertiesValidator() {}

  static void validate(BrokerProperties p) {
    platform(p);
    maskinporten(p);
    roles("broker.roles", p.getRoles());
    systemUser("broker.system-user", p.getSystemUser());
    for (Map.Entry<String, BrokerProperties.Registration> r : p.getRegistrations().entrySet()) {
      String prefix = "broker.registrations." + r.getKey();
      roles(prefix + ".roles", r.getValue().getRoles());
      systemUser(prefix + ".system-user", r.getValue().getSystemUser());
    }
    positive("broker.timeouts.connect", p.getTimeouts().getConnect());
    positive("broker.timeouts.read", p.getTimeouts().getRead());
    positive("broker.timeouts.write", p.getTimeouts().getWrite());
    positive("broker.maskinporten.timeout", p.getMaskinporten().getTimeout());
    if (p.getRetry().getMaxRetries() < 0) {
      throw new BrokerConfigurationException("broker.retry.max-retries", "must be 0 or more");
    }
    positive("broker.retry.initial-backoff", p.getRetry().getInitialBackoff());
    positive("broker.retry.max-backoff", p.getRetry().getMaxBackoff());
    events(p);
    upload(p.getUpload());
  }

  private static void upload(BrokerProperties.Upload u) {
    if (u.getTusThreshold() == null || u.getTusThreshold().toBytes() < 1) {
      throw new BrokerConfigurationException("broker.upload.tus-threshold", "must be a positive size");
    }
    if (u.getTusChunkSize() == null || u.getTusChunkSize().toBytes() < 1
        || u.getTusChunkSize().toBytes() >= TUS_CHUNK_LIMIT) {
      throw new BrokerConfigurationException("broker.upload.tus-chunk-size", "must be a positive size below 2GB");
    }
    if (u.getTusParallelParts() < 1 || u.getTusParallelParts() > 64) {
      throw new BrokerConfigurationException("broker.upload.tus-parallel-parts", "must be 1 to 64");
    }
  }

  /** @return whether the platform is on this machine (FakeAltinn), where http and localhost webhooks are fine */
  static boolean loopbackPlatform(BrokerProperties p) {
    if (p.getPlatformUrl() == null) {
      return false;
    }
    String host = URI.create(p.getPlatformUrl()).getHost();
    return "localhost".equals(host) || "127.0.0.1".equals(host) || "[::1]".equals(host);
  }

  private static void platform(BrokerProperties p) {
    if (p.getEnvironment() == null && p.getPlatformUrl() == null) {
      throw new BrokerConfigurationException("broker.environment",
          "set broker.environment (tt02 or production) or broker.platform-url");
    }
    if (p.getEnvironment() != null && p.getPlatformUrl() != null) {
      throw new BrokerConfigurationException("broker.platform-url", "set either broker.environment or"
          + " broker.platform-url, not both");
    }
    if (p.getPlatformUrl() != null) {
      url("broker.platform-url", p.getPlatformUrl());
      if (p.getPlatformUrl().startsWith("http:") && !loopbackPlatform(p)) {
        throw new BrokerConfigurationException("broker.platform-url", "must be https (http only on loopback)");
      }
    }
  }

  private static void maskinporten(BrokerProperties p) {
    BrokerProperties.Maskinporten m = p.getMaskinporten();
    if (blank(m.getClientId())) {
      throw new BrokerConfigurationException("broker.maskinporten.client-id", "is required (the Maskinporten"
          + " client id of your integration)");
    }
    if (m.getIssuer() != null && m.getEnvironment() != null) {
      throw new BrokerConfigurationException("broker.maskinporten.issuer", "set either"
          + " broker.maskinporten.environment or broker.maskinporten.issuer, not both");
    }
    if (m.getIssuer() != null) {
      url("broker.maskinporten.issuer", m.getIssuer());
    } else if (m.getEnvironment() == null && p.getEnvironment() == null) {
      throw new BrokerConfigurationException("broker.maskinporten.issuer", "is required with broker.platform-url"
          + " (or set broker.maskinporten.environment)");
    }
    long keys = Stream.of(m.getJwk(), m.getJwkFile(), m.getKeyStore().getPath(), m.getPem().getPrivateKeyFile())
        .filter(k -> k != null).count();
    if (keys != 1) {
      throw new BrokerConfigurationException("broker.maskinporten.jwk", (keys == 0 ? "no key: set" : "several keys:"
          + " set only one of") + " broker.maskinporten.jwk, .jwk-file, .key-store.path or .pem.private-key-file");
    }
    readable("broker.maskinporten.jwk-file", m.getJwkFile());
    readable("broker.maskinporten.key-store.path", m.getKeyStore().getPath());
    readable("broker.maskinporten.pem.private-key-file", m.getPem().getPrivateKeyFile());
    if (m.getKeyStore().getPath() != null && m.getKeyStore().getPassword() == null) {
      throw new BrokerConfigurationException("broker.maskinporten.key-store.password", "is required with"
          + " broker.maskinporten.key-store.path");
    }
    String type = m.getKeyStore().getType();
    if (type != null && !type.equalsIgnoreCase("PKCS12") && !type.equalsIgnoreCase("JKS")) {
      throw new BrokerConfigurationException("broker.maskinporten.key-store.type", "must be PKCS12 or JKS");
    }
    if (m.getPem().getPrivateKeyFile() != null && blank(m.getPem().getKeyId())) {
      throw new BrokerConfigurationException("broker.maskinporten.pem.key-id", "is required with"
          + " broker.maskinporten.pem.private-key-file (the kid the key was registered with)");
    }
  }

  private static void roles(String property, List<Role> roles) {
    if (roles.isEmpty()) {
      throw new BrokerConfigurationException(property, "name at least one of sender, recipient, service-owner");
    }
  }

  private static void systemUser(String prefix, BrokerProperties.SystemUser u) {
    if (u.getOrganization() != null) {
      organization(prefix + ".organization", u.getOrganization());
    } else if (u.getExternalRef() != null) {
      throw new BrokerConfigurationException(prefix + ".organization", "is required with " + prefix
          + ".external-ref");
    }
  }

  private static void events(BrokerProperties p) {
    BrokerProperties.Events e = p.getEvents();
    List<BrokerProperties.SubscriptionSpec> subs = e.getSubscriptions();
    for (int i = 0; i < subs.size(); i++) {
      String prefix = "broker.events.subscriptions[" + i + "]";
      BrokerProperties.SubscriptionSpec s = subs.get(i);
      if (blank(s.getResourceId())) {
        throw new BrokerConfigurationException(prefix + ".resource-id", "is required");
      }
      try {
        ResourceId.of(s.getResourceId());
      } catch (BrokerValidationException ex) {
        throw new BrokerConfigurationException(prefix + ".resource-id", ex.getMessage());
      }
      if (s.getRole() != EventRole.RECIPIENT && s.getRole() != EventRole.SENDER) {
        throw new BrokerConfigurationException(prefix + ".role", "must be recipient or sender");
      }
      if (s.getOrganization() != null) {
        organization(prefix + ".organization", s.getOrganization());
      } else if (p.getSystemUser().getOrganization() == null) {
        throw new BrokerConfigurationException(prefix + ".organization", "is required when"
            + " broker.system-user.organization is not set (whose events?)");
      }
    }
    BrokerProperties.Webhook w = e.getWebhook();
    if (!w.getPath().startsWith("/")) {
      throw new BrokerConfigurationException("broker.events.webhook.path", "must start with /");
    }
    if (w.getSecret() != null && w.getSecret().length() < 16) {
      throw new BrokerConfigurationException("broker.events.webhook.secret", "is too short (16 characters or more)");
    }
    if (!subs.isEmpty() && e.isEnsureSubscriptions()) {
      if (w.getSecret() == null) {
        throw new BrokerConfigurationException("broker.events.webhook.secret", "is required to subscribe"
            + " (broker.events.subscriptions is set)");
      }
      if (w.getPublicUrl() != null) {
        url("broker.events.webhook.public-url", w.getPublicUrl());
      } else if (!loopbackPlatform(p)) {
        throw new BrokerConfigurationException("broker.events.webhook.public-url", "is required to subscribe: the"
            + " https URL at which Altinn reaches " + w.getPath());
      }
    }
    if (e.getEnsureDelay().isNegative()) {
      throw new BrokerConfigurationException("broker.events.ensure-delay", "must not be negative");
    }
    if (e.getPoller().getInterval().compareTo(BrokerEventPoller.MIN_INTERVAL) < 0) {
      throw new BrokerConfigurationException("broker.events.poller.interval", "must be at least "
          + BrokerEventPoller.MIN_INTERVAL.toSeconds() + " s (Broker allows 10 searches a minute)");
    }
    if (e.getPoller().getInitialDelay().isNegative()) {
      throw new BrokerConfigurationException("broker.events.poller.initial-delay", "must not be negative");
    }
  }

  private static void organization(String property, String value) {
    try {
      OrganizationNumber.of(value);
    } catch (BrokerValidationException ex) {
      throw new BrokerConfigurationException(property, ex.getMessage());
    }
  }

  private static void url(String property, String value) {
    try {
      URI u = URI.create(value);
      if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException ex) {
      throw new BrokerConfigurationException(property, "is not an http(s) URL: " + value);
    }
  }

  private static void readable(String property, Path file) {
    if (file != null && !Files.isReadable(file)) {
      throw new BrokerConfigurationException(property, "cannot read " + file.toAbsolutePath());
    }
  }

  private static void positive(String property, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new BrokerConfigurationException(property, "must be a positive duration");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
