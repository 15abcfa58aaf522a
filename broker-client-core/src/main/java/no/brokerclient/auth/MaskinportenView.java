package no.brokerclient.auth;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import no.brokerclient.model.OrganizationNumber;

/**
 * Maskinporten tokens for one party: the client itself, a system user, a consumer organisation, and/or a {@code
 * resource}. Made by {@link #withSystemUser}, {@link #withConsumerOrg} and {@link #withResource} (on the
 * {@link Maskinporten} or on another view); it shares the cache, refresh threads and connections of the {@link
 * Maskinporten} it came from.
 *
 * <p>A view owns nothing, so it is not {@link AutoCloseable}: close the {@link Maskinporten} built by {@link
 * Maskinporten.Builder#build()} (once, after the clients that use its views), never a view. Cheap to create,
 * thread-safe, immutable; its {@code toString()} holds no secret.
 */
public sealed class MaskinportenView implements AccessTokenProvider permits Maskinporten {
  final MaskinportenCore core;
  private final Party party;
  /** Validated, sorted keys per scope set asked for; a handful per view. */
  private final ConcurrentHashMap<Set<String>, TokenKey> keys = new ConcurrentHashMap<>();

  MaskinportenView(MaskinportenCore core, Party party) {
    this.core = core;
    this.party = party;
  }

  /**
   * A raw Maskinporten token for these scopes (and this view's system user, consumer organisation and resource).
   *
   * @param scopes e.g. {@link AltinnScopes#SENDER}
   * @return the token
   * @throws MaskinportenException when Maskinporten refuses
   */
  @Override
  public String accessToken(Set<String> scopes) {
    return core.maskinporten.get(key(scopes));
  }

  @Override
  public void invalidate(Set<String> scopes, String token) {
    core.maskinporten.invalidate(key(scopes), token);
  }

  /**
   * A view for one system user: tokens carry {@code authorization_details} of type {@code urn:altinn:systemuser}
   * for that organisation. Shares this instance's cache and connections; not closed on its own.
   *
   * @param organization the customer organisation that approved the system user
   * @return the view
   */
  public MaskinportenView withSystemUser(OrganizationNumber organization) {
    return withSystemUser(organization, null);
  }

  /**
   * Like {@link #withSystemUser(OrganizationNumber)} with the {@code externalRef} the system-user request was
   * created with (it must then be sent, else Maskinporten answers MP-303).
   *
   * @param organization the customer organisation
   * @param externalRef the external reference, or {@code null}
   * @return the view
   */
  public MaskinportenView withSystemUser(OrganizationNumber organization, String externalRef) {
    Objects.requireNonNull(organization, "organization");
    if (party.consumerOrg() != null) {
      throw new IllegalStateException("a token cannot carry both consumer_org and a system user");
    }
    return new MaskinportenView(core, new Party(party.resource(), null, organization, externalRef));
  }

  /**
   * A view whose tokens carry {@code consumer_org}: a supplier acting for a consumer through Altinn API delegation.
   *
   * @param consumer the consumer organisation (not your own)
   * @return the view
   */
  public MaskinportenView withConsumerOrg(OrganizationNumber consumer) {
    Objects.requireNonNull(consumer, "consumer");
    if (party.systemUserOrg() != null) {
      throw new IllegalStateException("a token cannot carry both consumer_org and a system user");
    }
    return new MaskinportenView(core, new Party(party.resource(), consumer, null, null));
  }

  /**
   * A view whose tokens carry the {@code resource} claim (audience restriction).
   *
   * @param resource the value the API owner gave you
   * @return the view
   */
  public MaskinportenView withResource(String resource) {
    if (resource == null || resource.isBlank()) {
      throw new IllegalArgumentException("resource is blank");
    }
    return new MaskinportenView(core, new Party(resource, party.consumerOrg(), party.systemUserOrg(),
        party.externalRef()));
  }

  /**
   * The provider to give {@link no.brokerclient.BrokerClient}: exchanged Altinn tokens unless the builder chose
   * {@link Maskinporten.BrokerTokens#MASKINPORTEN}. Never {@link AutoCloseable}: a client that closes what it is
   * given cannot close the {@link Maskinporten}.
   *
   * @return the provider
   */
  public AccessTokenProvider forBroker() {
    if (core.brokerTokens == Maskinporten.BrokerTokens.MASKINPORTEN) {
      return getClass() == MaskinportenView.class ? this : new MaskinportenView(core, party);
    }
    return altinnTokens();
  }

  /**
   * The provider for the Altinn Events API, which accepts only exchanged Altinn tokens.
   *
   * @return the provider
   */
  public AccessTokenProvider forEvents() {
    return altinnTokens();
  }

  /**
   * Exchanged Altinn tokens for this view.
   *
   * @return the provider
   * @throws IllegalStateException if the builder had no Altinn environment
   */
  public AccessTokenProvider altinnTokens() {
    if (core.exchange == null) {
      throw new IllegalStateException("set altinnEnvironment(...) or altinnPlatformUrl(...) on the Maskinporten"
          + " builder to exchange tokens, or brokerTokens(BrokerTokens.MASKINPORTEN) to send raw tokens to Broker");
    }
    return new AltinnTokens(this);
  }

  @Override
  public String toString() {
    return "Maskinporten{clientId=" + core.clientId + ", issuer=" + core.issuer + ", signer=" + core.signer
        + party.describe() + "}";
  }

  TokenKey key(Set<String> scopes) {
    Objects.requireNonNull(scopes, "scopes");
    TokenKey cached = keys.get(scopes);
    if (cached != null) {
      return cached;
    }
    TokenKey k = newKey(scopes);
    if (keys.size() < 64) {
      keys.putIfAbsent(Set.copyOf(scopes), k);
    }
    return k;
  }

  private TokenKey newKey(Set<String> scopes) {
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("at least one scope is required");
    }
    for (String s : scopes) {
      if (s == null || s.isBlank() || s.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("invalid scope '" + s + "'");
      }
    }
    return new TokenKey(core.clientId, core.issuer, List.copyOf(new TreeSet<>(scopes)), party.resource(),
        party.consumerOrg() == null ? null : party.consumerOrg().digits(),
        party.systemUserOrg() == null ? null : party.systemUserOrg().digits(), party.externalRef());
  }

  /** Who the tokens are for; all {@code null}: the client itself. */
  record Party(String resource, OrganizationNumber consumerOrg, OrganizationNumber systemUserOrg,
      String externalRef) {
    static final Party SELF = new Party(null, null, null, null);

    String describe() {
      return (systemUserOrg != null ? ", systemUser=" + systemUserOrg : "")
          + (consumerOrg != null ? ", consumerOrg=" + consumerOrg : "")
          + (resource != null ? ", resource=" + resource : "");
    }
  }

  /** Exchanged Altinn tokens for one view. */
  private static final class AltinnTokens implements AccessTokenProvider {
    private final MaskinportenView view;

    AltinnTokens(MaskinportenView view) {
      this.view = view;
    }

    @Override
    public String accessToken(Set<String> scopes) {
      return view.core.altinn.get(view.key(scopes));
    }

    @Override
    public void invalidate(Set<String> scopes, String token) {
      view.core.altinn.invalidate(view.key(scopes), token);
    }

    @Override
    public String toString() {
      return "AltinnTokens{exchange=" + view.core.exchange.url().encodedPath() + ", " + view + "}";
    }
  }
}
