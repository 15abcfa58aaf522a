package no.brokerclient;

import java.io.InputStream;
import java.nio.file.Path;
import no.brokerclient.model.MonthlyStatisticsRequest;
import no.brokerclient.model.ResourceSettings;
import no.brokerclient.model.ResourceSettingsUpdate;
import no.brokerclient.model.ServiceOwner;

/**
 * Broker's service-owner API: resource settings, service-owner registration and monthly statistics, from {@link
 * BrokerClient#serviceOwner()}. These calls are for the organisation that owns Broker resources, not for senders and
 * recipients, and need {@link Role#SERVICE_OWNER} (scope {@code altinn:serviceowner}): each call on a client built
 * without it throws {@link IllegalStateException} before any I/O. A view of its client: it shares the client's
 * connections, tokens and retries, has no resources of its own (so no {@code close()}), and stops working when the
 * client is closed. Thread-safe. An interface, so it can be mocked or implemented in tests.
 */
public interface ServiceOwnerOperations {
  /**
   * Reads a resource's Broker settings ({@code GET /broker/api/v1/resource/{id}}). Durations arrive as .NET {@code
   * TimeSpan} strings ({@code 30.00:00:00}) or ISO-8601; both are read.
   *
   * @param resourceId the resource
   * @return the settings
   * @throws BrokerApiException 400 {@code BRO-00025} when the resource was never configured
   * @throws BrokerInvalidResponseException when the answer is not the settings object (e.g. an unreadable duration)
   */
  ResourceSettings getResource(String resourceId);

  /**
   * Updates a resource's Broker settings; unset fields stay unchanged ({@code PUT /broker/api/v1/resource/{id}}).
   * The first call imports the resource from Altinn's Resource Registry.
   *
   * @param resourceId the resource
   * @param update the changes
   */
  void updateResource(String resourceId, ResourceSettingsUpdate update);

  /**
   * Registers the caller's organisation as a Broker service owner ({@code POST /broker/api/v1/serviceowner});
   * storage is provisioned asynchronously (see {@link #getServiceOwner}). Not idempotent: a second call gets
   * {@link BrokerConflictException} ({@code BRO-07002}).
   *
   * @param name the service owner's name
   */
  void registerServiceOwner(String name);

  /**
   * Reads the caller's service-owner registration ({@code GET /broker/api/v1/serviceowner}).
   *
   * @return the service owner and its storage providers
   * @throws BrokerNotFoundException ({@code BRO-07004}) when not registered
   */
  ServiceOwner getServiceOwner();

  /**
   * Opens the monthly statistics CSV ({@code GET /broker/api/v1/statistics/monthly}) as a stream; close it.
   *
   * @param request the month and filters
   * @return the CSV bytes (UTF-8), streamed
   */
  InputStream openMonthlyStatistics(MonthlyStatisticsRequest request);

  /**
   * Streams the monthly statistics CSV to {@code target} (temporary file, then atomic move).
   *
   * @param request the month and filters
   * @param target the CSV file to create or replace
   * @return bytes written
   */
  long downloadMonthlyStatistics(MonthlyStatisticsRequest request, Path target);
}
