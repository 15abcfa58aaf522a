package no.brokerclient.spring.boot;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import no.brokerclient.BrokerClient;

/**
 * The named {@link BrokerClient}s of {@code broker.registrations.<name>}: one per system user, sharing one
 * Maskinporten (its token cache is keyed by system user) and one HTTP client. The beans' life cycle closes them.
 */
public final class BrokerClients implements AutoCloseable {
  private final Map<String, BrokerClient> clients;

  BrokerClients(Map<String, BrokerClient> clients) {
    this.clients = Map.copyOf(clients);
  }

  /**
   * @param name the registration's name
   * @return its client
   * @throws NoSuchElementException if there is no such registration
   */
  public BrokerClient get(String name) {
    BrokerClient c = clients.get(name);
    if (c == null) {
      throw new NoSuchElementException("no broker.registrations." + name + " (configured: " + names() + ")");
    }
    return c;
  }

  /** @return the registrations' names */
  public Set<String> names() {
    return clients.keySet();
  }

  @Override
  public void close() {
    clients.values().forEach(BrokerClient::close);
  }

  @Override
  public String toString() {
    return "BrokerClients" + names();
  }
}
