package no.brokerclient.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import no.brokerclient.Role;
import no.brokerclient.model.MonthlyStatisticsRequest;
import no.brokerclient.model.ResourceSettingsUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The service-owner commands: resource get|set, service-owner get|register, statistics. */
final class ServiceOwnerCommands {
  private ServiceOwnerCommands() {}

  /** Base of the service-owner commands: they act as the service owner. */
  abstract static class Base extends SessionCommand {
    Base() {
      super(Role.SERVICE_OWNER);
    }
  }

  @Command(name = "resource", mixinStandardHelpOptions = true, description = "Read or change the resource's Broker"
      + " settings (service owner).", subcommands = {ResourceGet.class, ResourceSet.class})
  static final class Resource {}

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show BROKER_RESOURCE's settings.")
  static final class ResourceGet extends Base {
    @Override
    int run(Session s) {
      Json.print(ctx.out(), s.broker().serviceOwner().getResource(s.resource()));
      return 0;
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true, description = "Change BROKER_RESOURCE's settings.")
  static final class ResourceSet extends Base {
    @Option(names = "--max-file-transfer-size", paramLabel = "BYTES", description = "largest file")
    Long maxSize;
    @Option(names = "--time-to-live", paramLabel = "DURATION", description = "e.g. P30D")
    Duration ttl;
    @Option(names = "--purge-after-all-confirmed", paramLabel = "true|false", arity = "1",
        description = "purge once every recipient confirmed")
    Boolean purge;
    @Option(names = "--purge-grace-period", paramLabel = "DURATION", description = "e.g. PT2H")
    Duration grace;
    private ResourceSettingsUpdate update;

    @Override
    void check() {
      ResourceSettingsUpdate.Builder b = ResourceSettingsUpdate.builder();
      if (maxSize != null) {
        b.maxFileTransferSize(maxSize);
      }
      if (ttl != null) {
        b.fileTransferTimeToLive(ttl);
      }
      if (purge != null) {
        b.purgeFileTransferAfterAllRecipientsConfirmed(purge);
      }
      if (grace != null) {
        b.purgeFileTransferGracePeriod(grace);
      }
      update = b.build();
    }

    @Override
    int run(Session s) {
      s.broker().serviceOwner().updateResource(s.resource(), update);
      ctx.out().println("updated " + s.resource());
      return 0;
    }
  }

  @Command(name = "service-owner", mixinStandardHelpOptions = true,
      description = "Read or register the service owner in Broker.", subcommands = {OwnerGet.class,
          OwnerRegister.class})
  static final class ServiceOwnerCmd {}

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show the service owner and its storage.")
  static final class OwnerGet extends Base {
    @Override
    int run(Session s) {
      Json.print(ctx.out(), s.broker().serviceOwner().getServiceOwner());
      return 0;
    }
  }

  @Command(name = "register", mixinStandardHelpOptions = true, description = "Register the service owner.")
  static final class OwnerRegister extends Base {
    @Parameters(index = "0", paramLabel = "NAME", description = "the service owner's name")
    String name;

    @Override
    int run(Session s) {
      s.broker().serviceOwner().registerServiceOwner(name);
      ctx.out().println("registered service owner " + name);
      return 0;
    }
  }

  @Command(name = "statistics", mixinStandardHelpOptions = true,
      description = "Download a month's statistics for BROKER_RESOURCE (service owner).")
  static final class Statistics extends Base {
    @Option(names = "--month", required = true, paramLabel = "YYYY-MM", description = "the month")
    YearMonth month;
    @Option(names = "--out", paramLabel = "FILE", description = "where to write it (default statistics-YYYY-MM.csv)")
    Path out;

    @Override
    int run(Session s) {
      Path target = out != null ? out : Path.of("statistics-" + month + ".csv");
      long n = s.broker().serviceOwner().downloadMonthlyStatistics(MonthlyStatisticsRequest.builder(month)
          .resourceId(s.resource()).build(), target);
      ctx.out().println("wrote " + target + " (" + n + " bytes)");
      return 0;
    }
  }
}
