package no.brokerclient.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.brokerclient.AltinnEnvironment;
import no.brokerclient.Role;
import no.brokerclient.auth.MaskinportenEnvironment;
import no.brokerclient.events.EventRole;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Everything the starter builds, under {@code broker.*}. Checked at start-up by {@link BrokerPropertiesValidator},
 * whose messages name the property. Its {@code toString()} is {@code Object}'s: it never prints a secret.
 *
 * <p>Size: Spring's binding and its configuration-metadata processor need a getter and setter per property, with
 * the Javadoc that becomes the IDE help; the file is that list, nested by group, and no logic.
 */
@ConfigurationProperties(prefix = "broker")
public class BrokerProperties {
  /** Whether the starter configures anything at all. */
  private boolean enabled = true;
  /** Altinn environment (TT02 or PRODUCTION); required unless platform-url is set. */
  private AltinnEnvironment environment;
  /** Altinn platform base URL instead of an environment, e.g. FakeAltinn's; http only on loopback. */
  private String platformUrl;
  /** API Management subscription key (Ocp-Apim-Subscription-Key), sent on every request, never logged. */
  private String subscriptionKey;
  /** Roles of the default BrokerClient: sender, recipient, service-owner. */
  private List<Role> roles = new ArrayList<>();
  /** The system user the default clients act as. */
  private final SystemUser systemUser = new SystemUser();
  /** Further BrokerClients by name (BrokerClients.get(name)), e.g. a vendor acting for several organisations. */
  private final Map<String, Registration> registrations = new LinkedHashMap<>();
  private final Maskinporten maskinporten = new Maskinporten();
  private final Retry retry = new Retry();
  private final Timeouts timeouts = new Timeouts();
  private final Events events = new Events();
  private final Upload upload = new Upload();
  private final Metrics metrics = new Metrics();

  /** @return whether the starter is on */
  public boolean isEnabled() {
    return enabled;
  }

  /** @param enabled whether the starter is on */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** @return the Altinn environment, or null */
  public AltinnEnvironment getEnvironment() {
    return environment;
  }

  /** @param environment the Altinn environment */
  public void setEnvironment(AltinnEnvironment environment) {
    this.environment = environment;
  }

  /** @return the platform URL, or null */
  public String getPlatformUrl() {
    return platformUrl;
  }

  /** @param platformUrl the platform URL */
  public void setPlatformUrl(String platformUrl) {
    this.platformUrl = emptyToNull(platformUrl);
  }

  /** @return the subscription key, or null */
  public String getSubscriptionKey() {
    return subscriptionKey;
  }

  /** @param subscriptionKey the subscription key */
  public void setSubscriptionKey(String subscriptionKey) {
    this.subscriptionKey = emptyToNull(subscriptionKey);
  }

  /** @return the default client's roles */
  public List<Role> getRoles() {
    return roles;
  }

  /** @param roles the default client's roles */
  public void setRoles(List<Role> roles) {
    this.roles = roles;
  }

  /** @return the default system user */
  public SystemUser getSystemUser() {
    return systemUser;
  }

  /** @return the named registrations */
  public Map<String, Registration> getRegistrations() {
    return registrations;
  }

  /** @return Maskinporten settings */
  public Maskinporten getMaskinporten() {
    return maskinporten;
  }

  /** @return retry settings */
  public Retry getRetry() {
    return retry;
  }

  /** @return HTTP timeouts */
  public Timeouts getTimeouts() {
    return timeouts;
  }

  /** @return Altinn Events settings */
  public Events getEvents() {
    return events;
  }

  /** @return upload settings */
  public Upload getUpload() {
    return upload;
  }

  /** @return metrics settings */
  public Metrics getMetrics() {
    return metrics;
  }

  /** A system user: the organisation whose approved system user the client acts as. */
  public static class SystemUser {
    /** Organisation number of the system user's owner (bare, 0192: or URN form); none means no system user. */
    private String organization;
    /** The system user's external reference, when the organisation has several for this system. */
    private String externalRef;

    /** @return the organisation, or null */
    public String getOrganization() {
      return organization;
    }

    /** @param organization the organisation */
    public void setOrganization(String organization) {
      this.organization = emptyToNull(organization);
    }

    /** @return the external reference, or null */
    public String getExternalRef() {
      return externalRef;
    }

    /** @param externalRef the external reference */
    public void setExternalRef(String externalRef) {
      this.externalRef = emptyToNull(externalRef);
    }
  }

  /** A named BrokerClient: its own system user and roles, sharing Maskinporten and the HTTP client. */
  public static class Registration {
    /** Roles of this client: sender, recipient, service-owner. */
    private List<Role> roles = new ArrayList<>();
    /** The system user this client acts as. */
    private final SystemUser systemUser = new SystemUser();

    /** @return the roles */
    public List<Role> getRoles() {
      return roles;
    }

    /** @param roles the roles */
    public void setRoles(List<Role> roles) {
      this.roles = roles;
    }

    /** @return the system user */
    public SystemUser getSystemUser() {
      return systemUser;
    }
  }

  /** The Maskinporten client and its key: exactly one of jwk, jwk-file, key-store.path and pem.private-key-file. */
  public static class Maskinporten {
    /** Maskinporten environment; default TEST for TT02 and PRODUCTION for PRODUCTION. */
    private MaskinportenEnvironment environment;
    /** Maskinporten issuer URL instead of an environment, e.g. FakeAltinn's. */
    private String issuer;
    /** The Maskinporten client id (integration id). */
    private String clientId;
    /** A JWK with its private part (JSON); its kid is the key's registered id. */
    private String jwk;
    /** A file holding such a JWK. */
    private Path jwkFile;
    /** Timeout for each Maskinporten and token-exchange request. */
    private Duration timeout = Duration.ofSeconds(10);
    private final KeyStore keyStore = new KeyStore();
    private final Pem pem = new Pem();

    /** @return the environment, or null */
    public MaskinportenEnvironment getEnvironment() {
      return environment;
    }

    /** @param environment the environment */
    public void setEnvironment(MaskinportenEnvironment environment) {
      this.environment = environment;
    }

    /** @return the issuer, or null */
    public String getIssuer() {
      return issuer;
    }

    /** @param issuer the issuer */
    public void setIssuer(String issuer) {
      this.issuer = emptyToNull(issuer);
    }

    /** @return the client id */
    public String getClientId() {
      return clientId;
    }

    /** @param clientId the client id */
    public void setClientId(String clientId) {
      this.clientId = emptyToNull(clientId);
    }

    /** @return the JWK, or null */
    public String getJwk() {
      return jwk;
    }

    /** @param jwk the JWK */
    public void setJwk(String jwk) {
      this.jwk = emptyToNull(jwk);
    }

    /** @return the JWK file, or null */
    public Path getJwkFile() {
      return jwkFile;
    }

    /** @param jwkFile the JWK file */
    public void setJwkFile(Path jwkFile) {
      this.jwkFile = jwkFile;
    }

    /** @return the request timeout */
    public Duration getTimeout() {
      return timeout;
    }

    /** @param timeout the request timeout */
    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    /** @return the key store settings */
    public KeyStore getKeyStore() {
      return keyStore;
    }

    /** @return the PEM settings */
    public Pem getPem() {
      return pem;
    }
  }

  /** A business certificate in a key store (sent as x5c). */
  public static class KeyStore {
    /** The PKCS#12 (.p12, .pfx) or JKS file. */
    private Path path;
    /** PKCS12 or JKS; default from the file name (.jks is JKS, anything else PKCS12). */
    private String type;
    /** The store password. */
    private String password;
    /** The key's alias; default the only key in the store. */
    private String alias;
    /** The key password; default the store password. */
    private String keyPassword;

    /** @return the file, or null */
    public Path getPath() {
      return path;
    }

    /** @param path the file */
    public void setPath(Path path) {
      this.path = path;
    }

    /** @return the type, or null */
    public String getType() {
      return type;
    }

    /** @param type the type */
    public void setType(String type) {
      this.type = emptyToNull(type);
    }

    /** @return the store password, or null */
    public String getPassword() {
      return password;
    }

    /** @param password the store password */
    public void setPassword(String password) {
      this.password = emptyToNull(password);
    }

    /** @return the alias, or null */
    public String getAlias() {
      return alias;
    }

    /** @param alias the alias */
    public void setAlias(String alias) {
      this.alias = emptyToNull(alias);
    }

    /** @return the key password, or null */
    public String getKeyPassword() {
      return keyPassword;
    }

    /** @param keyPassword the key password */
    public void setKeyPassword(String keyPassword) {
      this.keyPassword = emptyToNull(keyPassword);
    }
  }

  /** A PEM RSA private key (PKCS#8 or PKCS#1) registered on the client under a key id. */
  public static class Pem {
    /** The PEM file. */
    private Path privateKeyFile;
    /** The kid the public key was registered with. */
    private String keyId;

    /** @return the PEM file, or null */
    public Path getPrivateKeyFile() {
      return privateKeyFile;
    }

    /** @param privateKeyFile the PEM file */
    public void setPrivateKeyFile(Path privateKeyFile) {
      this.privateKeyFile = privateKeyFile;
    }

    /** @return the key id, or null */
    public String getKeyId() {
      return keyId;
    }

    /** @param keyId the key id */
    public void setKeyId(String keyId) {
      this.keyId = emptyToNull(keyId);
    }
  }

  /** Retries of safe requests (see RetryPolicy). */
  public static class Retry {
    /** Retries after the first attempt; 0 turns retrying off. */
    private int maxRetries = 3;
    /** Backoff before the first retry (doubling, jittered). */
    private Duration initialBackoff = Duration.ofMillis(500);
    /** Longest backoff between retries. */
    private Duration maxBackoff = Duration.ofSeconds(8);
    /** Longest Retry-After the client honours. */
    private Duration maxRetryAfter = Duration.ofSeconds(60);

    /** @return the retries */
    public int getMaxRetries() {
      return maxRetries;
    }

    /** @param maxRetries the retries */
    public void setMaxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
    }

    /** @return the first backoff */
    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    /** @param initialBackoff the first backoff */
    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    /** @return the longest backoff */
    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    /** @param maxBackoff the longest backoff */
    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    /** @return the longest Retry-After */
    public Duration getMaxRetryAfter() {
      return maxRetryAfter;
    }

    /** @param maxRetryAfter the longest Retry-After */
    public void setMaxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = maxRetryAfter;
    }
  }

  /**
   * TUS uploads of every BrokerClient the starter builds (see BrokerClient.Builder). The defaults are literals so
   * that the configuration metadata shows them; a test holds them equal to BrokerClient's.
   */
  public static class Upload {
    /** Files of at least this size are uploaded with TUS (resumable, in parallel parts); smaller ones in one POST. */
    private DataSize tusThreshold = DataSize.ofMegabytes(64);
    /** Bytes per TUS PATCH, below 2GB (a file of more than 50,000 chunks gets larger ones: Azure's block limit). */
    private DataSize tusChunkSize = DataSize.ofMegabytes(8);
    /** Parts of a TUS upload sent in parallel, each on its own connection (1 to 64; 1 for sequential). */
    private int tusParallelParts = 4;

    /** @return the TUS threshold */
    public DataSize getTusThreshold() {
      return tusThreshold;
    }

    /** @param tusThreshold the TUS threshold */
    public void setTusThreshold(DataSize tusThreshold) {
      this.tusThreshold = tusThreshold;
    }

    /** @return the bytes per PATCH */
    public DataSize getTusChunkSize() {
      return tusChunkSize;
    }

    /** @param tusChunkSize the bytes per PATCH */
    public void setTusChunkSize(DataSize tusChunkSize) {
      this.tusChunkSize = tusChunkSize;
    }

    /** @return the parallel parts */
    public int getTusParallelParts() {
      return tusParallelParts;
    }

    /** @param tusParallelParts the parallel parts */
    public void setTusParallelParts(int tusParallelParts) {
      this.tusParallelParts = tusParallelParts;
    }
  }

  /** Micrometer metrics and tracing (with broker-client-micrometer and a MeterRegistry or ObservationRegistry). */
  public static class Metrics {
    /** Whether the clients report to the application's MeterRegistry and ObservationRegistry. */
    private boolean enabled = true;

    /** @return whether metrics are on */
    public boolean isEnabled() {
      return enabled;
    }

    /** @param enabled whether metrics are on */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** HTTP timeouts of the Broker and Events clients. */
  public static class Timeouts {
    /** TCP connect timeout. */
    private Duration connect = Duration.ofSeconds(10);
    /** Read timeout (between bytes). */
    private Duration read = Duration.ofSeconds(120);
    /** Write timeout (between bytes). */
    private Duration write = Duration.ofSeconds(60);

    /** @return the connect timeout */
    public Duration getConnect() {
      return connect;
    }

    /** @param connect the connect timeout */
    public void setConnect(Duration connect) {
      this.connect = connect;
    }

    /** @return the read timeout */
    public Duration getRead() {
      return read;
    }

    /** @param read the read timeout */
    public void setRead(Duration read) {
      this.read = read;
    }

    /** @return the write timeout */
    public Duration getWrite() {
      return write;
    }

    /** @param write the write timeout */
    public void setWrite(Duration write) {
      this.write = write;
    }
  }

  /** Altinn Events: the webhook endpoint, the subscriptions to ensure and the polling backstop. */
  public static class Events {
    /** Subscriptions to ensure once the web server answers; each also gets a poller when polling is on. */
    private List<SubscriptionSpec> subscriptions = new ArrayList<>();
    /** Whether to create or re-validate the subscriptions at start-up. */
    private boolean ensureSubscriptions = true;
    /** Wait this long after the application is ready before ensuring (e.g. until the ingress routes to it). */
    private Duration ensureDelay = Duration.ZERO;
    /** Whether ensuring deletes this endpoint's subscriptions for the same resources that are not listed. */
    private boolean deleteStale = false;
    private final Webhook webhook = new Webhook();
    private final Poller poller = new Poller();

    /** @return the subscriptions */
    public List<SubscriptionSpec> getSubscriptions() {
      return subscriptions;
    }

    /** @param subscriptions the subscriptions */
    public void setSubscriptions(List<SubscriptionSpec> subscriptions) {
      this.subscriptions = subscriptions;
    }

    /** @return whether to ensure at start-up */
    public boolean isEnsureSubscriptions() {
      return ensureSubscriptions;
    }

    /** @param ensureSubscriptions whether to ensure at start-up */
    public void setEnsureSubscriptions(boolean ensureSubscriptions) {
      this.ensureSubscriptions = ensureSubscriptions;
    }

    /** @return the delay before ensuring */
    public Duration getEnsureDelay() {
      return ensureDelay;
    }

    /** @param ensureDelay the delay before ensuring */
    public void setEnsureDelay(Duration ensureDelay) {
      this.ensureDelay = ensureDelay;
    }

    /** @return whether stale subscriptions are deleted */
    public boolean isDeleteStale() {
      return deleteStale;
    }

    /** @param deleteStale whether stale subscriptions are deleted */
    public void setDeleteStale(boolean deleteStale) {
      this.deleteStale = deleteStale;
    }

    /** @return the webhook settings */
    public Webhook getWebhook() {
      return webhook;
    }

    /** @return the poller settings */
    public Poller getPoller() {
      return poller;
    }
  }

  /** One subscription: a resource, whose events, for whom. */
  public static class SubscriptionSpec {
    /** The Broker resource id. */
    private String resourceId;
    /** Whose events: recipient or sender. */
    private EventRole role = EventRole.RECIPIENT;
    /** The subject organisation; default broker.system-user.organization. */
    private String organization;
    /** Event types (e.g. published); default the role's preset. */
    private List<String> types = new ArrayList<>();

    /** @return the resource id */
    public String getResourceId() {
      return resourceId;
    }

    /** @param resourceId the resource id */
    public void setResourceId(String resourceId) {
      this.resourceId = emptyToNull(resourceId);
    }

    /** @return the role */
    public EventRole getRole() {
      return role;
    }

    /** @param role the role */
    public void setRole(EventRole role) {
      this.role = role;
    }

    /** @return the organisation, or null */
    public String getOrganization() {
      return organization;
    }

    /** @param organization the organisation */
    public void setOrganization(String organization) {
      this.organization = emptyToNull(organization);
    }

    /** @return the event types */
    public List<String> getTypes() {
      return types;
    }

    /** @param types the event types */
    public void setTypes(List<String> types) {
      this.types = types;
    }
  }

  /** The webhook endpoint Altinn Events delivers to. */
  public static class Webhook {
    /** Whether to register the endpoint (a servlet) when a secret is set. */
    private boolean enabled = true;
    /** The servlet path of the endpoint. */
    private String path = "/altinn/events";
    /** The shared secret Altinn sends back as ?code=; required for subscriptions. */
    private String secret;
    /** The public https URL that reaches the endpoint; default http://localhost:port/path, loopback platforms only. */
    private String publicUrl;
    /** Largest delivery body accepted, in bytes. */
    private int maxBodyBytes = 65536;

    /** @return whether the endpoint is registered */
    public boolean isEnabled() {
      return enabled;
    }

    /** @param enabled whether the endpoint is registered */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** @return the path */
    public String getPath() {
      return path;
    }

    /** @param path the path */
    public void setPath(String path) {
      this.path = emptyToNull(path);
    }

    /** @return the secret, or null */
    public String getSecret() {
      return secret;
    }

    /** @param secret the secret */
    public void setSecret(String secret) {
      this.secret = emptyToNull(secret);
    }

    /** @return the public URL, or null */
    public String getPublicUrl() {
      return publicUrl;
    }

    /** @param publicUrl the public URL */
    public void setPublicUrl(String publicUrl) {
      this.publicUrl = emptyToNull(publicUrl);
    }

    /** @return the body cap */
    public int getMaxBodyBytes() {
      return maxBodyBytes;
    }

    /** @param maxBodyBytes the body cap */
    public void setMaxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
    }
  }

  /** The polling backstop: searches Broker for what the webhook missed. */
  public static class Poller {
    /** Whether to poll for each configured subscription. */
    private boolean enabled = true;
    /** Time between polls; at least 6 s (Broker allows 10 searches a minute). */
    private Duration interval = Duration.ofMinutes(1);
    /** Wait before the first poll. */
    private Duration initialDelay = Duration.ofSeconds(10);

    /** @return whether polling is on */
    public boolean isEnabled() {
      return enabled;
    }

    /** @param enabled whether polling is on */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** @return the interval */
    public Duration getInterval() {
      return interval;
    }

    /** @param interval the interval */
    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    /** @return the initial delay */
    public Duration getInitialDelay() {
      return initialDelay;
    }

    /** @param initialDelay the initial delay */
    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }
  }

  /** Spring binds {@code name=} as an empty string; an empty value means "not set". */
  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
