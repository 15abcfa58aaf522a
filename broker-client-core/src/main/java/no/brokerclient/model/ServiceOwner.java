package no.brokerclient.model;

import java.util.List;

/**
 * The caller's service-owner registration ({@code ServiceOwnerOverviewExt}).
 *
 * @param name the service owner's name
 * @param storageProviders the provisioned storage; initialize answers 503 {@code BRO-00021} until the needed one
 *     is {@code Ready}
 */
public record ServiceOwner(String name, List<StorageProvider> storageProviders) {

  /** Copies the list; {@code null} becomes empty. */
  public ServiceOwner {
    storageProviders = storageProviders == null ? List.of() : List.copyOf(storageProviders);
  }

  /**
   * One storage provider.
   *
   * @param type {@code AltinnAzure} (virus scanned) or {@code AltinnAzureWithoutVirusScan}
   * @param deploymentStatus {@code NotStarted}, {@code DeployingResources} or {@code Ready}
   * @param deploymentEnvironment the server's environment name
   */
  public record StorageProvider(String type, String deploymentStatus, String deploymentEnvironment) {
    /** @return whether {@code deploymentStatus} is {@code Ready} */
    public boolean isReady() {
      return "Ready".equalsIgnoreCase(deploymentStatus);
    }
  }
}
