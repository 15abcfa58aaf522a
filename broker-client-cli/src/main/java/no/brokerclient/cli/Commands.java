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

  /**
   * @param url a webhook endpoint, possibly carrying the webhook secret as {@code ?code=…}
   * @return the URL with every query value replaced by {@code ****}
   */
  static String redact(String url) {
    if (url == null || url.indexOf('?') < 0) {
      return url;
    }
    int q = url.indexOf('?');
    return url.substring(0, q + 1) + url.substring(q + 1).replaceAll("=[^&]*", "=****");
  }

  /**
   * @param s a subscription
   * @return it as JSON-ready fields, endpoint redacted
   */
  static java.util.Map<String, Object> json(no.brokerclient.events.Subscription s) {
    java.util.Map<String, Object> m = Json.MAPPER.convertValue(s,
        new com.fasterxml.jackson.core.type.TypeReference<java.util.LinkedHashMap<String, Object>>() {});
    m.put("endPoint", redact(s.endPoint()));
    return m;
  }
}
