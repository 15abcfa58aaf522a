package no.brokerclient.auth;

import java.util.Set;

/**
 * The Maskinporten scope sets Altinn Broker and Events require, so nobody has to type them. Each set is
 * immutable; order does not matter.
 */
public final class AltinnScopes {
  /** {@value}: required for Altinn's authorization (PDP) check; part of every Broker client scope set. */
  public static final String AUTHORIZATION_PDP = "altinn:authorization:pdp";
  /** {@value}: sending files (initialize, upload). */
  public static final String BROKER_WRITE = "altinn:broker.write";
  /** {@value}: receiving files (download, confirm). */
  public static final String BROKER_READ = "altinn:broker.read";
  /** {@value}: service-owner endpoints (resource settings, service owner, statistics). */
  public static final String SERVICE_OWNER_SCOPE = "altinn:serviceowner";
  /** {@value}: managing Altinn Events subscriptions. */
  public static final String EVENTS_SUBSCRIBE = "altinn:events.subscribe";

  /** Sender: {@code altinn:authorization:pdp altinn:broker.write}. */
  public static final Set<String> SENDER = Set.of(AUTHORIZATION_PDP, BROKER_WRITE);
  /** Recipient: {@code altinn:authorization:pdp altinn:broker.read}. */
  public static final Set<String> RECIPIENT = Set.of(AUTHORIZATION_PDP, BROKER_READ);
  /** Service owner: {@code altinn:serviceowner}. */
  public static final Set<String> SERVICE_OWNER = Set.of(SERVICE_OWNER_SCOPE);
  /** Events subscriptions: {@code altinn:events.subscribe}. */
  public static final Set<String> EVENTS = Set.of(EVENTS_SUBSCRIBE);

  private AltinnScopes() {}
}
