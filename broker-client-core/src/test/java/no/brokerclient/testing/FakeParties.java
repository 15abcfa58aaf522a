package no.brokerclient.testing;

import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.testkit.FakeAltinn;

/**
 * A resource on an embedded {@link FakeAltinn} that {@link #SENDER} sends on and {@link #RECIPIENT} receives from, a
 * Maskinporten client for each, and builders of Broker clients acting as them. {@link #close()} closes the
 * Maskinporten clients; the Broker clients built and the fake are the test's to close.
 */
public final class FakeParties implements AutoCloseable {
  /** The sending organisation. */
  public static final String SENDER = "991825827";
  /** The receiving organisation. */
  public static final String RECIPIENT = "986252932";
  /** The service owner, who owns the resource. */
  public static final String OWNER = "974760673";

  private final FakeAltinn fake;
  private final String resource;
  private final Maskinporten senderTokens;
  private final Maskinporten recipientTokens;

  /**
   * Registers the resource {@code <name>-resource} at the fake, and the Maskinporten clients {@code <name>-sender}
   * (with Broker's write scope) and {@code <name>-recipient} (with its read scope).
   *
   * @param fake the fake
   * @param name the prefix of the resource and client names
   */
  public FakeParties(FakeAltinn fake, String name) {
    fake.resource(name + "-resource", OWNER, SENDER, RECIPIENT);
    this.fake = fake;
    this.resource = name + "-resource";
    senderTokens = FakeSetup.maskinporten(fake, name + "-sender", SENDER, AltinnScopes.AUTHORIZATION_PDP,
        AltinnScopes.BROKER_WRITE);
    recipientTokens = FakeSetup.maskinporten(fake, name + "-recipient", RECIPIENT, AltinnScopes.AUTHORIZATION_PDP,
        AltinnScopes.BROKER_READ);
  }

  /** @return the resource id */
  public String resource() {
    return resource;
  }

  /** @return a builder of a client on the fake acting as the sender ({@link Role#SENDER}) */
  public BrokerClient.Builder sender() {
    return BrokerClient.builder().baseUrl(fake.platformUrl()).accessTokenProvider(senderTokens.forBroker())
        .roles(Role.SENDER);
  }

  /** @return a builder of a client on the fake acting as the recipient ({@link Role#RECIPIENT}) */
  public BrokerClient.Builder recipient() {
    return BrokerClient.builder().baseUrl(fake.platformUrl()).accessTokenProvider(recipientTokens.forBroker())
        .roles(Role.RECIPIENT);
  }

  /** Closes both Maskinporten clients. */
  @Override
  public void close() {
    senderTokens.close();
    recipientTokens.close();
  }
}
