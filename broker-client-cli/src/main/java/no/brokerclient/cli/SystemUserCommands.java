package no.brokerclient.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import no.brokerclient.Role;
import no.brokerclient.access.CustomerRequest;
import no.brokerclient.access.LocalizedText;
import no.brokerclient.access.SystemRegistration;
import no.brokerclient.access.SystemUser;
import no.brokerclient.access.SystemUserRequest;
import no.brokerclient.access.SystemUserRequestResult;
import no.brokerclient.access.SystemUsers;
import no.brokerclient.model.OrganizationNumber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code broker system-user register|request|status|list}: for vendors, the system in Altinn's system register
 * ({@code BROKER_SYSTEM_ID}, {@code <vendor orgno>_<name>}) and the system users customers approve for it. Uses the
 * client's own tokens (never a system user's); needs the Authentication scopes Digdir grants system vendors.
 */
@Command(name = "system-user", mixinStandardHelpOptions = true,
    description = {"For vendors: the system (BROKER_SYSTEM_ID) and the system users customers approve for it.",
        "A customer approves in a browser at the request's confirm URL; then the vendor's client acts for it."},
    subcommands = {SystemUserCommands.Register.class, SystemUserCommands.Request.class,
        SystemUserCommands.Status.class, SystemUserCommands.ListCmd.class})
final class SystemUserCommands {
  private SystemUserCommands() {}

  /** Options of every system-user command. */
  abstract static class Base extends SessionCommand {
    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    final int run(Session s) {
      run(s, s.access().systemUsers(), systemId(s));
      return 0;
    }

    abstract void run(Session s, SystemUsers users, String systemId);
  }

  /** Options of the commands about one customer. */
  abstract static class ForCustomer extends Base {
    @Option(names = "--customer", paramLabel = "ORGNO",
        description = "the customer organisation (default the role's: BROKER_SENDER_ORG or BROKER_RECIPIENT_ORG)")
    String customer;

    OrganizationNumber customer(Session s) {
      if (customer != null) {
        return OrganizationNumber.of(customer);
      }
      OrganizationNumber org = s.org();
      if (org == null) {
        throw new CliException(ExitCode.USAGE, "give --customer ORGNO (or BROKER_SENDER_ORG / BROKER_RECIPIENT_ORG"
            + " with BROKER_ROLE)");
      }
      return org;
    }

    String ref(Session s, OrganizationNumber c) {
      return s.systemUserRef(c);
    }
  }

  /**
   * @param s the session
   * @return BROKER_SYSTEM_ID, checked to be {@code <orgno>_<name>}
   */
  static String systemId(Session s) {
    String id = s.settings.require("BROKER_SYSTEM_ID", "system users");
    if (!id.matches("\\d{9}_[A-Za-z0-9_-]+")) {
      throw new CliException(ExitCode.USAGE, "BROKER_SYSTEM_ID must be <vendor orgno>_<name>, e.g."
          + " 991825827_acme-broker, not " + id);
    }
    return id;
  }

  /** What to tell a customer about a pending request: who approves, and where. */
  static String approveHint(SystemUserRequest r) {
    return "someone who manages access for " + r.customer() + " in Altinn (its main administrator or an access"
        + " manager) logs in at " + r.confirmUrl() + " and approves";
  }

  static Map<String, Object> json(SystemUserRequest r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("systemId", r.systemId());
    m.put("customer", r.customer());
    m.put("externalRef", r.externalRef());
    m.put("status", r.status().value());
    m.put("timedOut", r.timedOut());
    m.put("resources", r.resources());
    m.put("confirmUrl", r.confirmUrl());
    m.put("created", r.created());
    return m;
  }

  static Map<String, Object> json(SystemUser u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", u.id());
    m.put("systemId", u.systemId());
    m.put("customer", u.customer().digits());
    m.put("externalRef", u.externalRef());
    m.put("userType", u.userType());
    m.put("created", u.created());
    return m;
  }

  @Command(name = "register", mixinStandardHelpOptions = true, description = "Register the vendor's system"
      + " (BROKER_SYSTEM_ID) with rights to BROKER_RESOURCE for this Maskinporten client, or bring it up to date.")
  static final class Register extends Base {
    @Option(names = "--title", paramLabel = "TEXT", description = "the name customers see (default: the system id)")
    String title;
    @Option(names = "--redirect-url", paramLabel = "URL",
        description = "an https URL customers may be sent to after approving (repeatable)")
    List<String> redirects;

    @Override
    void run(Session s, SystemUsers users, String systemId) {
      int u = systemId.indexOf('_');
      String t = title != null ? title : systemId;
      SystemRegistration.Builder b = SystemRegistration.builder(OrganizationNumber.of(systemId.substring(0, u)),
              systemId.substring(u + 1))
          .name(LocalizedText.of(t, t, t))
          .description(LocalizedText.of("Sender og mottar filer med Altinn Broker",
              "Sender og tek imot filer med Altinn Broker", "Sends and receives files with Altinn Broker"))
          .resource(s.resource())
          .clientId(s.settings.require("MASKINPORTEN_CLIENT_ID", "the system's client"));
      for (String r : redirects == null ? List.<String>of() : redirects) {
        b.allowedRedirectUrl(r);
      }
      SystemUsers.Registration r = users.registerSystem(b.build());
      String what = r.name().toLowerCase(Locale.ROOT);
      if (json) {
        Json.print(ctx.out(), Map.of("systemId", systemId, "registration", what));
      } else {
        ctx.out().println("system " + systemId + " " + what + " (resource " + s.resource() + ", client "
            + s.settings.get("MASKINPORTEN_CLIENT_ID") + ")");
      }
    }
  }

  @Command(name = "request", mixinStandardHelpOptions = true, description = "Ask a customer to approve a system user"
      + " for BROKER_SYSTEM_ID on BROKER_RESOURCE; prints the URL the customer opens.")
  static final class Request extends ForCustomer {
    @Option(names = "--redirect-url", paramLabel = "URL",
        description = "where the customer's browser goes afterwards (one of the system's allowed URLs)")
    String redirect;

    @Override
    void run(Session s, SystemUsers users, String systemId) {
      OrganizationNumber c = customer(s);
      CustomerRequest.Builder b = CustomerRequest.builder(systemId, c).externalRef(ref(s, c)).resource(s.resource());
      if (redirect != null) {
        b.redirectUrl(redirect);
      }
      SystemUserRequestResult r = users.requestSystemUser(b.build());
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", r.outcome().name());
        m.put("request", r.request() == null ? null : json(r.request()));
        m.put("systemUser", r.systemUser() == null ? null : json(r.systemUser()));
        Json.print(ctx.out(), m);
      } else if (r.systemUser() != null) {
        ctx.out().println(c.digits() + " approved a system user for " + systemId + " already: " + r.systemUser().id()
            + " (externalRef " + r.systemUser().externalRef() + ")");
      } else {
        SystemUserRequest q = r.request();
        ctx.out().println("request " + q.id() + " " + q.status() + " (" + r.outcome().name().toLowerCase(Locale.ROOT)
            + ") for " + c.digits() + ", externalRef " + q.externalRef());
        ctx.out().println("  " + approveHint(q));
        ctx.out().println("  then: broker system-user status " + q.id());
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether a customer approved the"
      + " system user: by request id, or for --customer (default the role's organisation).")
  static final class Status extends ForCustomer {
    @Parameters(index = "0", arity = "0..1", paramLabel = "REQUEST", description = "the request id")
    String id;

    @Override
    void run(Session s, SystemUsers users, String systemId) {
      SystemUserRequest r;
      OrganizationNumber c;
      if (id != null) {
        r = users.status(Commands.id(id));
        c = OrganizationNumber.of(r.customer());
      } else {
        c = customer(s);
        r = users.findRequest(systemId, c, ref(s, c)).orElse(null);
      }
      String ref = r != null && r.externalRef() != null ? r.externalRef() : ref(s, c);
      Optional<SystemUser> su = users.find(systemId, c, ref);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("customer", c.digits());
        m.put("externalRef", ref);
        m.put("approved", su.isPresent());
        m.put("request", r == null ? null : json(r));
        m.put("systemUser", su.map(SystemUserCommands::json).orElse(null));
        Json.print(ctx.out(), m);
        return;
      }
      if (su.isPresent()) {
        ctx.out().println("approved: system user " + su.get().id() + " for " + c.digits() + " (externalRef " + ref
            + ")");
      } else if (r == null) {
        throw new CliException(ExitCode.NOT_FOUND, "no system-user request for " + c.digits() + " on " + systemId
            + " (externalRef " + ref + "): ask with `broker system-user request --customer " + c.digits() + "`");
      } else {
        ctx.out().println("request " + r.id() + " " + r.status() + (r.timedOut() ? " (timed out)" : "") + " for "
            + c.digits() + " (externalRef " + ref + ")");
        if (!r.status().isRefused() && !r.timedOut()) {
          ctx.out().println("  " + approveHint(r));
        }
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the system users customers have approved for BROKER_SYSTEM_ID.")
  static final class ListCmd extends Base {
    @Override
    void run(Session s, SystemUsers users, String systemId) {
      List<SystemUser> all = users.list(systemId);
      if (json) {
        Json.print(ctx.out(), all.stream().map(SystemUserCommands::json).toList());
        return;
      }
      String fmt = "%-36s  %-9s  %-30s  %s%n";
      ctx.out().printf(Locale.ROOT, fmt, "ID", "CUSTOMER", "EXTERNAL REF", "CREATED");
      for (SystemUser u : all) {
        ctx.out().printf(Locale.ROOT, fmt, u.id(), u.customer().digits(), u.externalRef(),
            u.created() == null ? "" : u.created());
      }
    }
  }
}
