package no.brokerclient.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import no.brokerclient.Role;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * {@code broker}: checks an Altinn Broker setup ({@code doctor}), runs every Broker operation from a shell, and
 * starts the embedded FakeAltinn ({@code fake}). See {@link ExitCode} for the exit codes.
 */
@Command(name = "broker", mixinStandardHelpOptions = true, version = "broker-client-cli 0.1.0",
    description = "Altinn 3 Broker from the command line.",
    subcommands = {DoctorCommand.class, FakeCommand.class, SendCommand.class, ResumeCommand.class,
        TransferCommands.Search.class,
        TransferCommands.Status.class, TransferCommands.Details.class, TransferCommands.Download.class,
        TransferCommands.Confirm.class, TransferCommands.Receive.class, ServiceOwnerCommands.Resource.class,
        ServiceOwnerCommands.ServiceOwnerCmd.class, ServiceOwnerCommands.Statistics.class,
        SubscriptionsCommand.class, AccessListCommands.class,
        SystemUserCommands.class, TokenCommand.class, AutoComplete.GenerateCompletion.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success (doctor: every check passed)",
        "1:failed (doctor: a check failed; other Broker errors)",
        "2:usage or configuration error, nothing sent (also: fake --port in use)",
        "3:authentication (Maskinporten, token exchange, 401)",
        "4:access denied (403: see common steps, step 3; access lists, system users)",
        "5:not found (404; no TUS checkpoint to resume)",
        "6:conflict (409, 412: e.g. already confirmed, access list exists)",
        "7:transient (5xx, 429, timeout, network): try again",
        "8:checksum mismatch (download, or a TUS upload Broker rejected)"},
    footer = {"%nSettings come from flags, then environment variables, then the config profile (--profile).",
        "Secrets only from environment variables or files: MASKINPORTEN_P12_PASSWORD[_FILE],"
            + " BROKER_SUBSCRIPTION_KEY[_FILE]."})
public final class Main implements Runnable {
  private Main() {}

  /**
   * Runs the command line and exits with its code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = run(new Context(System.getenv(), Clock.systemUTC(), out, err, terminal()), args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** @return whether standard output is a terminal (JDK 22+ returns a Console even when redirected) */
  private static boolean terminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true; // before JDK 22, a console exists only for a terminal
    }
  }

  /**
   * Runs the command line in this process.
   *
   * @param ctx environment, clock and output
   * @param args the arguments
   * @return the exit code
   */
  static int run(Context ctx, String... args) {
    CommandLine cl = commandLine(ctx);
    int code = cl.execute(args);
    ctx.out().flush();
    ctx.err().flush();
    return code;
  }

  static CommandLine commandLine(Context ctx) {
    CommandLine cl = new CommandLine(new Main(), new Factory(ctx));
    cl.setOut(ctx.out());
    cl.setErr(ctx.err());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      ctx.err().println(Errors.line(e));
      if (verbose(parsed)) {
        ctx.err().print(Errors.verbose(e));
      }
      ctx.err().flush();
      return Errors.exitCode(e).code;
    });
    return cl;
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (try broker --help)");
  }

  /**
   * @param s sender, recipient or service-owner
   * @return the role
   */
  static Role role(String s) {
    return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "sender" -> Role.SENDER;
      case "recipient" -> Role.RECIPIENT;
      case "service-owner", "serviceowner" -> Role.SERVICE_OWNER;
      default -> throw new CliException(ExitCode.USAGE, "--role must be sender, recipient or service-owner");
    };
  }

  /**
   * Creates commands, handing those that want it the {@link Context}: through their constructor, or for a
   * {@link SessionCommand} by setting it.
   */
  private static final class Factory implements CommandLine.IFactory {
    private final Context ctx;

    Factory(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        Constructor<K> c = cls.getDeclaredConstructor(Context.class);
        c.setAccessible(true);
        return c.newInstance(ctx);
      } catch (NoSuchMethodException e) {
        K k = CommandLine.defaultFactory().create(cls);
        if (k instanceof SessionCommand command) {
          command.ctx = ctx;
        }
        return k;
      }
    }
  }
}
