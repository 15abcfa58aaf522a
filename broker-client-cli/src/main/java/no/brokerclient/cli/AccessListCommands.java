package no.brokerclient.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import no.brokerclient.Role;
import no.brokerclient.access.AccessAction;
import no.brokerclient.access.AccessList;
import no.brokerclient.access.AccessLists;
import no.brokerclient.access.Membership;
import no.brokerclient.access.MembershipChange;
import no.brokerclient.access.Party;
import no.brokerclient.access.ResourceConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code broker access-list list|show|create|add-members|remove-members|connect}: the service owner's access lists in
 * Altinn's Resource Registry (who may use a resource whose {@code accessListMode} is {@code Enabled}), under the org
 * code {@code BROKER_OWNER_CODE}. Needs the service owner's Resource Registry scopes (from tjenesteeier@altinn.no).
 */
@Command(name = "access-list", mixinStandardHelpOptions = true,
    description = {"The service owner's access lists (Resource Registry), under BROKER_OWNER_CODE.",
        "Members of a list connected to a resource with accessListMode Enabled may use it (common steps, step 3)."},
    subcommands = {AccessListCommands.ListCmd.class, AccessListCommands.Show.class, AccessListCommands.Create.class,
        AccessListCommands.AddMembers.class, AccessListCommands.RemoveMembers.class,
        AccessListCommands.Connect.class})
final class AccessListCommands {
  private AccessListCommands() {}

  /** Options of every access-list command. */
  abstract static class Base extends SessionCommand {
    @Option(names = "--json", description = "print JSON")
    boolean json;

    Base() {
      super(Role.SERVICE_OWNER);
    }

    @Override
    final int run(Session s) {
      run(s, s.access().accessLists(), s.settings.require("BROKER_OWNER_CODE", "access lists"));
      return 0;
    }

    abstract void run(Session s, AccessLists lists, String owner);
  }

  /** Base of the commands that change one list's members. */
  abstract static class Members extends Base {
    @Parameters(index = "0", paramLabel = "LIST", description = "the list id")
    String list;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PARTY",
        description = "organisation numbers (or party URNs: urn:altinn:party:uuid:…, urn:altinn:party:id:…)")
    List<String> parties;

    void print(String verb, MembershipChange c) {
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("list", list);
        m.put(verb, c.requested());
        m.put("requests", c.requests());
        m.put("version", c.version() == null ? null : c.version().etag());
        Json.print(ctx.out(), m);
      } else {
        ctx.out().println(verb + " " + c.requested() + " part" + (c.requested() == 1 ? "y" : "ies") + " ("
            + String.join(", ", parties) + ") on " + list + " in " + c.requests() + " request"
            + (c.requests() == 1 ? "" : "s"));
      }
    }
  }

  /**
   * @param values organisation numbers or party URNs
   * @return the parties
   * @throws CliException (usage) for anything else
   */
  static List<Party> parties(List<String> values) {
    List<Party> out = new ArrayList<>();
    for (String v : values) {
      String t = v.strip();
      try {
        if (t.startsWith("urn:altinn:party:uuid:")) {
          out.add(Party.uuid(UUID.fromString(t.substring("urn:altinn:party:uuid:".length()))));
        } else if (t.startsWith("urn:altinn:party:id:")) {
          out.add(Party.id(Long.parseLong(t.substring("urn:altinn:party:id:".length()))));
        } else {
          out.add(Party.organization(t.replace("urn:altinn:organization:identifier-no:", "")));
        }
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "not an organisation number or party URN: " + v + " ("
            + e.getMessage() + ")");
      }
    }
    return out;
  }

  static Map<String, Object> json(AccessList l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("owner", l.owner());
    m.put("identifier", l.identifier());
    m.put("urn", l.urn());
    m.put("name", l.name());
    m.put("description", l.description());
    m.put("createdAt", l.createdAt());
    m.put("updatedAt", l.updatedAt());
    m.put("version", l.version() == null ? null : l.version().etag());
    m.put("connections", l.connections().stream().map(AccessListCommands::json).toList());
    return m;
  }

  static Map<String, Object> json(ResourceConnection c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("resource", c.resourceIdentifier());
    m.put("actions", actions(c));
    return m;
  }

  static List<String> actions(ResourceConnection c) {
    if (c.allActions()) {
      return List.of();
    }
    List<String> a = new ArrayList<>(c.actions().stream().sorted().map(AccessAction::wire).toList());
    a.addAll(c.unknownActions());
    return a;
  }

  static String describe(ResourceConnection c) {
    return c.resourceIdentifier() + " (" + (c.allActions() ? "all actions" : String.join(", ", actions(c))) + ")";
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the owner's access lists; with --resource, with their connection to that resource.")
  static final class ListCmd extends Base {
    @Option(names = "--for-resource", paramLabel = "ID", description = "show each list's connection to this resource")
    String resource;

    @Override
    void run(Session s, AccessLists lists, String owner) {
      List<AccessList> all = resource != null ? lists.listForResource(owner, resource) : lists.list(owner);
      if (json) {
        Json.print(ctx.out(), all.stream().map(AccessListCommands::json).toList());
        return;
      }
      PrintWriter out = ctx.out();
      String fmt = "%-30s  %-30s  %s%n";
      out.printf(Locale.ROOT, fmt, "ID", "NAME", resource != null ? "CONNECTION TO " + resource : "URN");
      for (AccessList l : all) {
        out.printf(Locale.ROOT, fmt, l.identifier(), l.name(), resource == null ? l.urn() : l.connections().isEmpty()
            ? "(not connected)" : l.connections().stream().map(AccessListCommands::describe)
                .collect(Collectors.joining("; ")));
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show one access list: its members and the resources it is connected to.")
  static final class Show extends Base {
    @Parameters(index = "0", paramLabel = "LIST", description = "the list id")
    String list;

    @Override
    void run(Session s, AccessLists lists, String owner) {
      AccessList l = lists.get(owner, list).orElseThrow(() -> new CliException(ExitCode.NOT_FOUND, "access list "
          + owner + "/" + list + " not found (`broker access-list list` shows the owner's lists)"));
      List<Membership> members = lists.members(owner, list);
      List<ResourceConnection> connections = lists.connections(owner, list);
      if (json) {
        Map<String, Object> m = json(l);
        m.put("connections", connections.stream().map(AccessListCommands::json).toList());
        m.put("members", members.stream().map(x -> {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("organizationNumber", x.organizationNumber());
          one.put("partyUuid", x.partyUuid());
          one.put("partyId", x.partyId());
          one.put("since", x.since());
          return one;
        }).toList());
        Json.print(ctx.out(), m);
        return;
      }
      PrintWriter out = ctx.out();
      out.println(l.urn() + "  " + l.name() + (l.description().isEmpty() ? "" : " — " + l.description()));
      out.println("connected to: " + (connections.isEmpty() ? "(no resource)" : connections.stream()
          .map(AccessListCommands::describe).collect(Collectors.joining("; "))));
      out.println(members.size() + " member" + (members.size() == 1 ? "" : "s") + ":");
      for (Membership x : members) {
        out.println("  " + (x.organizationNumber() != null ? x.organizationNumber() : "party " + x.partyUuid())
            + (x.since() != null ? "  since " + x.since() : ""));
      }
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create an access list (fails with exit code 6 if it exists).")
  static final class Create extends Base {
    @Parameters(index = "0", paramLabel = "LIST", description = "the list id: lower-case letters, digits, hyphens")
    String list;
    @Option(names = "--name", required = true, paramLabel = "NAME", description = "the list's name")
    String name;
    @Option(names = "--description", paramLabel = "TEXT", description = "the list's description")
    String description;

    @Override
    void run(Session s, AccessLists lists, String owner) {
      AccessList l = lists.create(owner, list, name, description);
      if (json) {
        Json.print(ctx.out(), json(l));
      } else {
        ctx.out().println("created " + l.urn() + " (" + l.name() + "); add members with `broker access-list"
            + " add-members " + l.identifier() + " ORGNO…` and connect it with `broker access-list connect "
            + l.identifier() + "`");
      }
    }
  }

  @Command(name = "add-members", mixinStandardHelpOptions = true,
      description = "Add parties to an access list (idempotent; in requests of at most 100).")
  static final class AddMembers extends Members {
    @Override
    void run(Session s, AccessLists lists, String owner) {
      print("added", lists.addMembers(owner, list, parties(parties)));
    }
  }

  @Command(name = "remove-members", mixinStandardHelpOptions = true,
      description = "Remove parties from an access list (idempotent).")
  static final class RemoveMembers extends Members {
    @Override
    void run(Session s, AccessLists lists, String owner) {
      print("removed", lists.removeMembers(owner, list, parties(parties)));
    }
  }

  @Command(name = "connect", mixinStandardHelpOptions = true,
      description = "Connect an access list to a resource (BROKER_RESOURCE): its members get the actions on it.")
  static final class Connect extends Base {
    @Parameters(index = "0", paramLabel = "LIST", description = "the list id")
    String list;
    @Option(names = "--actions", split = ",", paramLabel = "ACTION",
        description = "read (receive), write (send), subscribe (events); default every action of the policy")
    List<String> actions;

    @Override
    void run(Session s, AccessLists lists, String owner) {
      Set<AccessAction> set = EnumSet.noneOf(AccessAction.class);
      for (String a : actions == null ? List.<String>of() : actions) {
        try {
          set.add(AccessAction.valueOf(a.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new CliException(ExitCode.USAGE, "--actions takes read, write and subscribe, not " + a);
        }
      }
      ResourceConnection c = lists.connect(owner, list, s.resource(), set);
      if (json) {
        Json.print(ctx.out(), json(c));
      } else {
        ctx.out().println("connected " + owner + "/" + list + " to " + describe(c));
      }
    }
  }
}
