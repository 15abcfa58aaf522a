package no.brokerclient.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code broker doctor}: one line per step of Altinn's common steps, ✓ or ✗ with the fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {
        "Check the setup step by step: key, Maskinporten metadata and clock, a token per scope set, the"
            + " Altinn token exchange, Broker and access to the resource, the subscription key and event"
            + " subscriptions.",
        "Exit code 0 only when every check passes."})
final class DoctorCommand extends SessionCommand {
  @Mixin
  RoleOption role;

  @Option(names = "--json", description = "print the report as JSON")
  boolean json;

  @Option(names = "--no-events", negatable = false, description = "skip the event-subscription checks")
  boolean noEvents;

  @Override
  int run(Session s) {
    List<Doctor.Check> checks = new Doctor(s, !noEvents).run();
    boolean ok = checks.stream().allMatch(c -> c.status() == Doctor.Status.PASS);
    if (json) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("ok", ok);
      report.put("role", s.role.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      report.put("checks", checks.stream().map(c -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("status", c.status().name().toLowerCase(java.util.Locale.ROOT));
        m.put("detail", c.detail());
        if (c.fix() != null) {
          m.put("fix", c.fix());
        }
        return m;
      }).toList());
      Json.print(ctx.out(), report);
    } else {
      for (Doctor.Check c : checks) {
        String mark = switch (c.status()) {
          case PASS -> "✓";
          case FAIL -> "✗";
          case SKIP -> "-";
        };
        ctx.out().println(mark + " " + c.name() + ": " + c.detail());
        if (c.fix() != null) {
          ctx.out().println("    fix: " + c.fix());
        }
      }
      long failed = checks.stream().filter(c -> c.status() != Doctor.Status.PASS).count();
      ctx.out().println(ok ? "All " + checks.size() + " checks passed." : failed + " of " + checks.size()
          + " checks did not pass.");
    }
    return ok ? ExitCode.OK.code : ExitCode.FAILED.code;
  }
}
