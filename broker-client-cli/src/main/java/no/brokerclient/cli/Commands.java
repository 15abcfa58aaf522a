package no.brokerclient.cli;

import java.util.UUID;
import no.brokerclient.Role;

/** Small helpers the commands share. */
final class Commands {
  private Commands() {}

  /**
   * @param flag the {@code --role} flag or null
   * @param common the common options (for {@code BROKER_ROLE} from the profile)
   * @param ctx the context
   * @param fallback the command's default role
   * @return the role: flag, then BROKER_ROLE, then the fallback
   */
  static Role role(String flag, CommonOptions common, Context ctx, String fallback) {
    if (flag != null) {
      return Main.role(flag);
    }
    String r = Settings.resolve(common.flags(), ctx.env(), common.config, common.profile).get("BROKER_ROLE");
    return Main.role(r != null ? r : fallback);
  }

  /**
   * @param id a file transfer id
   * @return the UUID
   * @throws CliException (usage) when it is not one
   */
  static UUID id(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "not a file transfer id (UUID): " + id);
    }
  }
}
