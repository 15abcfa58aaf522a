package no.brokerclient.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import no.brokerclient.Role;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that work in a {@link Session}: the {@link Context}, the {@link CommonOptions}, and the order
 * every such command runs in: {@link #check()} the arguments, open the session, {@link #run}, close it.
 */
abstract class SessionCommand implements Callable<Integer> {
  /** The context: {@link Main}'s factory sets it as it creates the command. */
  Context ctx;
  @Mixin
  CommonOptions common;
  @Spec
  CommandSpec spec;
  private final Role role;

  /** For a session that acts as the role the {@code --role} flag, then {@code BROKER_ROLE}, then sender names. */
  SessionCommand() {
    this(null);
  }

  /** @param role the role the session acts as, or null as for {@link #SessionCommand()} */
  SessionCommand(Role role) {
    this.role = role;
  }

  /** @return the command's {@code --role} flag (its own or a {@link RoleOption}); null when unset or it has none */
  private String roleFlag() {
    OptionSpec flag = spec.findOption("--role");
    return flag == null ? null : flag.getValue();
  }

  /** Checks the arguments before the session opens; by default there is nothing to check. */
  void check() throws IOException {}

  /**
   * @param s the open session
   * @return the exit code
   */
  abstract int run(Session s) throws IOException, InterruptedException;

  @Override
  public final Integer call() throws IOException, InterruptedException {
    check();
    Role r = role != null ? role : Commands.role(roleFlag(), common, ctx, "sender");
    try (Session s = new Session(common, ctx, r)) {
      return run(s);
    }
  }
}
