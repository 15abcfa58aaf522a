package no.brokerclient.cli;

import java.util.List;
import no.brokerclient.Role;
import no.brokerclient.events.EnsureResult;
import no.brokerclient.events.EventSubscriptions;
import no.brokerclient.events.Subscription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code broker subscriptions list|ensure|delete}: Altinn Events subscriptions for the resource. */
@Command(name = "subscriptions", mixinStandardHelpOptions = true, description = "Altinn Events subscriptions.",
    subcommands = {SubscriptionsCommand.ListCmd.class, SubscriptionsCommand.Ensure.class,
        SubscriptionsCommand.Delete.class})
final class SubscriptionsCommand {
  /** Options of every subscriptions command. */
  abstract static class Base extends SessionCommand {
    @Mixin
    RoleOption role;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List this client's subscriptions.")
  static final class ListCmd extends Base {
    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    int run(Session s) {
      List<Subscription> subs = s.events().list();
      if (json) {
        Json.print(ctx.out(), subs.stream().map(Commands::json).toList());
      } else {
        String fmt = "%-6s  %-9s  %-40s  %-32s  %s%n";
        ctx.out().printf(java.util.Locale.ROOT, fmt, "ID", "VALIDATED", "RESOURCE", "TYPE", "SUBJECT");
        for (Subscription x : subs) {
          ctx.out().printf(java.util.Locale.ROOT, fmt, x.id(), x.validated(), x.resourceFilter(),
              x.typeFilter() == null ? "(all)" : x.typeFilter(), x.subjectFilter() == null ? "" : x.subjectFilter());
        }
      }
      return 0;
    }
  }

  @Command(name = "ensure", mixinStandardHelpOptions = true, description = "Create the subscriptions the role needs"
      + " for BROKER_RESOURCE (sender or recipient preset; all types for the service owner), keeping those that"
      + " exist.")
  static final class Ensure extends Base {
    @Option(names = "--endpoint", required = true, paramLabel = "URL", description = "the https webhook URL")
    String endpoint;
    @Option(names = "--delete-stale", description = "delete this client's other subscriptions for the resource")
    boolean deleteStale;
    @Option(names = "--webhook-secret-file", paramLabel = "FILE", description = "file holding the webhook secret"
        + " (at least 16 characters) added to the endpoint as ?code=… (BROKER_WEBHOOK_SECRET_FILE; or set"
        + " BROKER_WEBHOOK_SECRET)")
    String secretFile;

    @Override
    int run(Session s) {
      EventSubscriptions.Builder b = EventSubscriptions.builder().platformUrl(s.platformUrl())
          .resourceId(s.resource()).endpoint(endpoint);
      String secret = secretFile != null ? Settings.readSecret("--webhook-secret-file", secretFile)
          : s.settings.secret("BROKER_WEBHOOK_SECRET");
      if (secret != null) {
        b.webhookSecret(secret);
      }
      if (s.role == Role.SERVICE_OWNER) {
        b.asServiceOwner().allTypes();
      } else {
        if (s.org() == null) {
          throw new CliException(ExitCode.USAGE, "set " + (s.role == Role.SENDER ? "BROKER_SENDER_ORG"
              : "BROKER_RECIPIENT_ORG") + ": subscriptions are for an organisation (subjectFilter)");
        }
        b.subject(s.org());
        if (s.role == Role.SENDER) {
          b.senderEvents();
        } else {
          b.recipientEvents();
        }
      }
      EnsureResult r = s.events().ensure(b.build(), deleteStale);
      for (EnsureResult.Entry e : r.entries()) {
        ctx.out().println(e.outcome().name().toLowerCase(java.util.Locale.ROOT) + " " + e.subscription().id() + " "
            + e.request().typeFilter() + (e.subscription().validated() ? " validated" : " not validated yet"));
      }
      for (Subscription d : r.deleted()) {
        ctx.out().println("deleted " + d.id());
      }
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a subscription.")
  static final class Delete extends Base {
    @Parameters(index = "0", paramLabel = "ID", description = "the subscription id")
    int id;

    @Override
    int run(Session s) {
      s.events().delete(id);
      ctx.out().println("deleted " + id);
      return 0;
    }
  }
}
