package no.brokerclient.spring.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.BrokerClient;
import no.brokerclient.RetryPolicy;
import no.brokerclient.Role;
import no.brokerclient.TelemetryListener;
import no.brokerclient.auth.GrantSigner;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.auth.MaskinportenView;
import no.brokerclient.auth.MaskinportenEnvironment;
import no.brokerclient.events.EventsClient;
import no.brokerclient.model.OrganizationNumber;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Maskinporten, the {@link BrokerClient} (plus {@link BrokerClients} for named registrations) and the
 * {@link EventsClient}, from {@code broker.*}. Every bean backs off when the application defines its own; the
 * builders can be adjusted with {@link BrokerClientCustomizer} and {@link OkHttpClientCustomizer} beans. Every
 * client reports to the application's {@link TelemetryListener} beans (Micrometer's with {@link
 * BrokerMetricsAutoConfiguration}).
 */
@AutoConfiguration
@ConditionalOnClass(BrokerClient.class)
@ConditionalOnProperty(prefix = "broker", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BrokerProperties.class)
public class BrokerAutoConfiguration {
  /** The registration name {@link BrokerClientCustomizer} sees for the {@code BrokerClient} bean. */
  public static final String DEFAULT_REGISTRATION = "default";

  /** Used by Spring. */
  public BrokerAutoConfiguration() {
    // beans below
  }

  /**
   * @param properties the properties, validated here first
   * @param customizers adjust the client
   * @return the HTTP client every Altinn client derives its own from
   */
  @Bean
  @ConditionalOnMissingBean(name = "brokerOkHttpClient")
  public OkHttpClient brokerOkHttpClient(BrokerProperties properties,
      ObjectProvider<OkHttpClientCustomizer> customizers) {
    BrokerPropertiesValidator.validate(properties);
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        .connectTimeout(properties.getTimeouts().getConnect())
        .readTimeout(properties.getTimeouts().getRead())
        .writeTimeout(properties.getTimeouts().getWrite());
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /**
   * @param properties the properties
   * @param brokerOkHttpClient the shared HTTP client
   * @param telemetry the application's telemetry listeners
   * @return Maskinporten with the Altinn token exchange, shared by all clients (closed with the context)
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Maskinporten maskinporten(BrokerProperties properties, OkHttpClient brokerOkHttpClient,
      ObjectProvider<TelemetryListener> telemetry) {
    BrokerPropertiesValidator.validate(properties);
    BrokerProperties.Maskinporten m = properties.getMaskinporten();
    Maskinporten.Builder b = Maskinporten.builder()
        .clientId(m.getClientId())
        .signer(signer(m))
        .httpClient(brokerOkHttpClient)
        .timeout(m.getTimeout())
        .retryPolicy(retryPolicy(properties))
        .telemetry(BrokerTelemetry.of(telemetry));
    if (m.getIssuer() != null) {
      b.issuer(m.getIssuer());
    } else {
      b.environment(m.getEnvironment() != null ? m.getEnvironment() : switch (properties.getEnvironment()) {
        case PRODUCTION -> MaskinportenEnvironment.PRODUCTION;
        case TT02 -> MaskinportenEnvironment.TEST;
      });
    }
    platform(properties, b::altinnPlatformUrl, b::altinnEnvironment);
    ifSet(properties.getSubscriptionKey(), b::subscriptionKey);
    return b.build();
  }

  /**
   * @param properties the properties
   * @param maskinporten the shared Maskinporten
   * @param brokerOkHttpClient the shared HTTP client
   * @param customizers adjust the builder
   * @param telemetry the application's telemetry listeners
   * @return the client for {@code broker.roles} and {@code broker.system-user}
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public BrokerClient brokerClient(BrokerProperties properties, Maskinporten maskinporten,
      OkHttpClient brokerOkHttpClient, ObjectProvider<BrokerClientCustomizer> customizers,
      ObjectProvider<TelemetryListener> telemetry) {
    return client(DEFAULT_REGISTRATION, properties, properties.getRoles(), properties.getSystemUser(), maskinporten,
        brokerOkHttpClient, customizers, BrokerTelemetry.of(telemetry));
  }

  /**
   * @param properties the properties
   * @param maskinporten the shared Maskinporten
   * @param brokerOkHttpClient the shared HTTP client
   * @param customizers adjust each builder
   * @param telemetry the application's telemetry listeners
   * @return a client per {@code broker.registrations.<name>} (possibly none)
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public BrokerClients brokerClients(BrokerProperties properties, Maskinporten maskinporten,
      OkHttpClient brokerOkHttpClient, ObjectProvider<BrokerClientCustomizer> customizers,
      ObjectProvider<TelemetryListener> telemetry) {
    TelemetryListener listener = BrokerTelemetry.of(telemetry);
    Map<String, BrokerClient> clients = new LinkedHashMap<>();
    properties.getRegistrations().forEach((name, r) -> clients.put(name, client(name, properties, r.getRoles(),
        r.getSystemUser(), maskinporten, brokerOkHttpClient, customizers, listener)));
    return new BrokerClients(clients);
  }

  /**
   * @param properties the properties
   * @param maskinporten the shared Maskinporten
   * @param brokerOkHttpClient the shared HTTP client
   * @param telemetry the application's telemetry listeners
   * @return the Altinn Events client, with exchanged tokens for {@code broker.system-user}
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public EventsClient eventsClient(BrokerProperties properties, Maskinporten maskinporten,
      OkHttpClient brokerOkHttpClient, ObjectProvider<TelemetryListener> telemetry) {
    EventsClient.Builder b = EventsClient.builder()
        .accessTokenProvider(asSystemUser(maskinporten, properties.getSystemUser()).forEvents())
        .httpClient(brokerOkHttpClient)
        .retryPolicy(retryPolicy(properties))
        .timeout(properties.getTimeouts().getRead())
        .telemetry(BrokerTelemetry.of(telemetry));
    platform(properties, b::platformUrl, b::environment);
    ifSet(properties.getSubscriptionKey(), b::subscriptionKey);
    return b.build();
  }

  /** The one place that decides between {@code broker.platform-url} and {@code broker.environment}. */
  static void platform(BrokerProperties properties, Consumer<String> url, Consumer<AltinnEnvironment> environment) {
    if (properties.getPlatformUrl() != null) {
      url.accept(properties.getPlatformUrl());
    } else {
      environment.accept(properties.getEnvironment());
    }
  }

  private static void ifSet(String value, Consumer<String> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  static MaskinportenView asSystemUser(Maskinporten maskinporten, BrokerProperties.SystemUser user) {
    if (user.getOrganization() == null) {
      return maskinporten;
    }
    OrganizationNumber org = OrganizationNumber.of(user.getOrganization());
    return user.getExternalRef() == null ? maskinporten.withSystemUser(org)
        : maskinporten.withSystemUser(org, user.getExternalRef());
  }

  private static BrokerClient client(String name, BrokerProperties properties, List<Role> roles,
      BrokerProperties.SystemUser user, Maskinporten maskinporten, OkHttpClient http,
      ObjectProvider<BrokerClientCustomizer> customizers, TelemetryListener telemetry) {
    BrokerProperties.Upload u = properties.getUpload();
    BrokerClient.Builder b = BrokerClient.builder()
        .accessTokenProvider(asSystemUser(maskinporten, user).forBroker())
        .roles(roles.toArray(Role[]::new))
        .httpClient(http)
        .connectTimeout(properties.getTimeouts().getConnect())
        .readTimeout(properties.getTimeouts().getRead())
        .writeTimeout(properties.getTimeouts().getWrite())
        .retryPolicy(retryPolicy(properties))
        .tusThreshold(u.getTusThreshold().toBytes())
        .tusChunkSize(u.getTusChunkSize().toBytes())
        .tusParallelParts(u.getTusParallelParts())
        .telemetry(telemetry);
    platform(properties, b::baseUrl, b::environment);
    ifSet(properties.getSubscriptionKey(), b::subscriptionKey);
    customizers.orderedStream().forEach(c -> c.customize(name, b));
    return b.build();
  }

  private static RetryPolicy retryPolicy(BrokerProperties properties) {
    BrokerProperties.Retry r = properties.getRetry();
    return RetryPolicy.builder()
        .maxRetries(r.getMaxRetries())
        .initialBackoff(r.getInitialBackoff())
        .maxBackoff(r.getMaxBackoff())
        .maxRetryAfter(r.getMaxRetryAfter())
        .build();
  }

  private static GrantSigner signer(BrokerProperties.Maskinporten m) {
    try {
      if (m.getJwk() != null) {
        return GrantSigners.jwk(m.getJwk());
      }
      if (m.getJwkFile() != null) {
        return GrantSigners.jwk(Files.readString(m.getJwkFile(), StandardCharsets.UTF_8));
      }
      if (m.getPem().getPrivateKeyFile() != null) {
        return GrantSigners.pem(m.getPem().getPrivateKeyFile(), m.getPem().getKeyId());
      }
    } catch (IOException | RuntimeException e) {
      throw new BrokerConfigurationException(m.getJwk() != null ? "broker.maskinporten.jwk"
          : m.getJwkFile() != null ? "broker.maskinporten.jwk-file" : "broker.maskinporten.pem.private-key-file",
          "unusable key: " + e.getMessage(), e);
    }
    BrokerProperties.KeyStore ks = m.getKeyStore();
    char[] keyPassword = ks.getKeyPassword() == null ? null : ks.getKeyPassword().toCharArray();
    boolean jks = ks.getType() != null ? ks.getType().equalsIgnoreCase("JKS")
        : ks.getPath().getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jks");
    try {
      return jks ? GrantSigners.jks(ks.getPath(), ks.getPassword().toCharArray(), ks.getAlias(), keyPassword)
          : GrantSigners.pkcs12(ks.getPath(), ks.getPassword().toCharArray(), ks.getAlias(), keyPassword);
    } catch (RuntimeException e) {
      throw new BrokerConfigurationException("broker.maskinporten.key-store.path", "unusable key store: "
          + e.getMessage(), e);
    }
  }
}
