package no.brokerclient.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import no.brokerclient.testkit.Http.Caller;
import no.brokerclient.testkit.Http.Reject;

/** Broker's service-owner endpoint (§3.11 of {@code altinn-broker-api.md}): {@code POST} (once) and {@code GET}. */
final class FakeBrokerServiceOwners {
  private final FakeBrokerStore store;

  FakeBrokerServiceOwners(FakeBrokerStore store) {
    this.store = store;
  }

  /** Registers {@code /serviceowner} for every method (the scope check comes before the method check). */
  void routes(Routes r) {
    r.on("*", "serviceowner", (ex, p) -> serviceOwner(ex, ex.getRequestMethod()));
  }

  private void serviceOwner(HttpExchange ex, String method) throws Reject, IOException {
    Caller c = store.caller(ex, Set.of(FakeBroker.SERVICE_OWNER));
    if (method.equals("POST")) {
      JsonNode b = Http.readJson(ex, 1 << 16);
      String name = Http.memberText(b, "name");
      if (name == null) {
        throw Http.validation("Name", "The Name field is required.");
      }
      if (store.serviceOwners().putIfAbsent(c.org(), name) != null) {
        throw Http.problem(409, 7002, "Service owner already exists");
      }
      Http.sendText(ex, 200, null, null);
    } else if (method.equals("GET")) {
      Http.requireAccept(ex, "application/json");
      String name = store.serviceOwners().get(c.org());
      if (name == null) {
        throw Http.problem(404, 7004, "Service owner not found");
      }
      ObjectNode n = Http.JSON.createObjectNode();
      n.put("name", name);
      ArrayNode providers = n.putArray("storageProviders");
      for (String type : List.of("AltinnAzure", "AltinnAzureWithoutVirusScan")) {
        providers.addObject().put("type", type).put("deploymentStatus", "Ready").put("deploymentEnvironment", "Fake");
      }
      Http.sendJson(ex, 200, n);
    } else {
      throw Http.text(405, "");
    }
  }
}
