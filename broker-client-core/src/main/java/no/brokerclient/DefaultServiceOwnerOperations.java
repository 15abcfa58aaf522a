package no.brokerclient;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import no.brokerclient.internal.Transport;
import no.brokerclient.internal.Transport.Call;
import no.brokerclient.model.MonthlyStatisticsRequest;
import no.brokerclient.model.ResourceId;
import no.brokerclient.model.ResourceSettings;
import no.brokerclient.model.ResourceSettingsUpdate;
import no.brokerclient.model.ServiceOwner;
import okhttp3.Response;

/** {@link ServiceOwnerOperations} over its {@link DefaultBrokerClient}'s transport and role check. Immutable. */
final class DefaultServiceOwnerOperations implements ServiceOwnerOperations {
  private final Transport transport;
  private final BrokerCodec codec;
  private final RoleGuard guard;

  DefaultServiceOwnerOperations(Transport transport, BrokerCodec codec, RoleGuard guard) {
    this.transport = transport;
    this.codec = codec;
    this.guard = guard;
  }

  @Override
  public ResourceSettings getResource(String resourceId) {
    Set<String> scopes = guard.scopes(Role.SERVICE_OWNER, "getResource");
    ResourceId rid = ResourceId.of(resourceId);
    return transport.executeJson(Call.of("GET", codec.url("resource", rid.id()), scopes, true),
        ResourceSettings.class);
  }

  @Override
  public void updateResource(String resourceId, ResourceSettingsUpdate update) {
    Set<String> scopes = guard.scopes(Role.SERVICE_OWNER, "updateResource");
    ResourceId rid = ResourceId.of(resourceId);
    Objects.requireNonNull(update, "update");
    transport.execute(Call.of("PUT", codec.url("resource", rid.id()), scopes, true)
        .body(BrokerCodec.json(BrokerCodec.resourceUpdate(update)), true)).close();
  }

  @Override
  public void registerServiceOwner(String name) {
    Set<String> scopes = guard.scopes(Role.SERVICE_OWNER, "registerServiceOwner");
    if (name == null || name.isBlank()) {
      throw new BrokerValidationException("name", "a service owner name is required");
    }
    transport.execute(Call.of("POST", codec.url("serviceowner"), scopes, false)
        .body(BrokerCodec.json(Map.of("name", name)), true)).close();
  }

  @Override
  public ServiceOwner getServiceOwner() {
    Set<String> scopes = guard.scopes(Role.SERVICE_OWNER, "getServiceOwner");
    return transport.executeJson(Call.of("GET", codec.url("serviceowner"), scopes, true), ServiceOwner.class);
  }

  @Override
  public InputStream openMonthlyStatistics(MonthlyStatisticsRequest request) {
    Set<String> scopes = guard.scopes(Role.SERVICE_OWNER, "monthlyStatistics");
    Objects.requireNonNull(request, "request");
    Response r = transport.execute(Call.of("GET", codec.monthlyStatistics(request), scopes, true)
        .accept("text/csv"));
    return r.body().byteStream();
  }

  @Override
  public long downloadMonthlyStatistics(MonthlyStatisticsRequest request, Path target) {
    guard.scopes(Role.SERVICE_OWNER, "downloadMonthlyStatistics");
    Path abs = Objects.requireNonNull(target, "target").toAbsolutePath();
    try (InputStream in = openMonthlyStatistics(request)) {
      return AtomicFiles.write(abs, in);
    } catch (IOException e) {
      throw new BrokerException("could not close statistics stream", e);
    }
  }

  @Override
  public String toString() {
    return "ServiceOwnerOperations{roles=" + guard.roles() + "}";
  }
}
