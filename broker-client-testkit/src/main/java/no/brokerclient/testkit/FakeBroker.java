package no.brokerclient.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import no.brokerclient.testkit.FakeBrokerStore.EventSink;
import no.brokerclient.testkit.FakeBrokerStore.Resource;
import no.brokerclient.testkit.FakeBrokerStore.Transfer;

/**
 * Broker v1 as {@code altinn-broker-api.md} describes the server: a router over its endpoint groups, which share one
 * {@link FakeBrokerStore} (transfers, resources, status transitions, files on disk):
 *
 * <ul>
 *   <li>{@link FakeBrokerTus}: the TUS endpoint under {@code /filetransfer/upload/tus/};</li>
 *   <li>{@link FakeBrokerSend}: initialize, the streamed upload, initialize-and-upload;</li>
 *   <li>{@link FakeBrokerReceive}: overview, details, search, download, confirm;</li>
 *   <li>{@link FakeBrokerResources}, {@link FakeBrokerServiceOwners}, {@link FakeBrokerStatistics}: the service
 *       owner's endpoints.</li>
 * </ul>
 *
 * Any other path under {@code /filetransfer} answers 405, as do known paths with another method; the rest 404.
 */
final class FakeBroker {
  static final String WRITE = "altinn:broker.write";
  static final String READ = "altinn:broker.read";
  static final String SERVICE_OWNER = "altinn:serviceowner";

  private final FakeBrokerStore store;
  private final FakeBrokerTus tus;
  private final Routes routes = new Routes("/broker/api/v1", false);

  FakeBroker(FakeAltinn altinn, Path storage, ScheduledExecutorService scheduler, EventSink events) {
    this.store = new FakeBrokerStore(altinn, storage, scheduler, events);
    this.tus = new FakeBrokerTus(store);
    tus.routes(routes);
    new FakeBrokerSend(store).routes(routes);
    new FakeBrokerReceive(store).routes(routes);
    routes.on("*", "filetransfer/**", Routes.status(405));
    new FakeBrokerResources(store).routes(routes);
    new FakeBrokerServiceOwners(store).routes(routes);
    new FakeBrokerStatistics(store).routes(routes);
  }

  /** Answers a request under {@code /broker/api/v1/}. */
  void handle(HttpExchange ex) throws IOException {
    routes.handle(ex);
  }

  FakeBrokerStore store() {
    return store;
  }

  FakeBrokerTus tus() {
    return tus;
  }

  Resource registerResource(String id, String owner, List<String> access) {
    return store.registerResource(id, owner, access);
  }

  Resource resource(String id) {
    return store.resource(id);
  }

  Transfer transfer(UUID id) {
    return store.transfer(id);
  }

  /** @see FakeBrokerStore#hasAccess */
  boolean hasAccess(Resource r, String org, String action) {
    return store.hasAccess(r, org, action);
  }

  /** @see FakeBrokerStore#purge */
  void purge(UUID id) {
    store.purge(id);
  }

  /** Removes all stored blobs. */
  void close() {
    store.close();
  }
}
