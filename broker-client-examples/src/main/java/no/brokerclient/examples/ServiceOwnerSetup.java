package no.brokerclient.examples;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.YearMonth;
import no.brokerclient.BrokerClient;
import no.brokerclient.BrokerConflictException;
import no.brokerclient.Role;
import no.brokerclient.model.MonthlyStatisticsRequest;
import no.brokerclient.model.ResourceSettings;
import no.brokerclient.model.ResourceSettingsUpdate;
import no.brokerclient.model.ServiceOwner;

/**
 * Configures a Broker resource as its service owner: registers the service owner (once), sets the resource's
 * time-to-live and purge settings, reads them back, and prints this month's statistics.
 *
 * <pre>./mvnw -B -q -Pdemo verify -Ddemo.main=no.brokerclient.examples.ServiceOwnerSetup</pre>
 */
public final class ServiceOwnerSetup {
  private ServiceOwnerSetup() {}

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (ExampleEnvironment env = ExampleEnvironment.fromEnvironment()) {
      System.out.println("Configuring against " + env.describe());
      run(env, System.out);
    }
  }

  static ResourceSettings run(ExampleEnvironment env, PrintStream out) throws Exception {
    try (BrokerClient owner = env.broker(env.serviceOwner(), Role.SERVICE_OWNER).build()) {
      try {
        owner.serviceOwner().registerServiceOwner("Example service owner");
        out.println("  registered as service owner");
      } catch (BrokerConflictException e) {
        out.println("  already a service owner (" + e.errorCode() + ")");
      }
      ServiceOwner so = owner.serviceOwner().getServiceOwner();
      so.storageProviders().forEach(p -> out.println("  storage " + p.type() + ": " + p.deploymentStatus()));
      owner.serviceOwner().updateResource(env.resourceId(), ResourceSettingsUpdate.builder()
          .fileTransferTimeToLive(Duration.ofDays(7))
          .purgeFileTransferAfterAllRecipientsConfirmed(true)
          .purgeFileTransferGracePeriod(Duration.ofHours(1))
          .build());
      ResourceSettings s = owner.serviceOwner().getResource(env.resourceId());
      out.println("  resource " + env.resourceId() + ": time to live " + s.fileTransferTimeToLive()
          + ", purge after all confirmed " + s.purgeFileTransferAfterAllRecipientsConfirmed() + " after "
          + s.purgeFileTransferGracePeriod());
      try (InputStream csv = owner.serviceOwner().openMonthlyStatistics(
          MonthlyStatisticsRequest.builder(YearMonth.now()).resourceId(env.resourceId()).build())) {
        out.println("  statistics for " + YearMonth.now() + ":");
        new String(csv.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(l -> out.println("    " + l));
      }
      return s;
    }
  }
}
