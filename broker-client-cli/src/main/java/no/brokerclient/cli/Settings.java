package no.brokerclient.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where every setting comes from, in order: a command-line flag, then the environment variable of the same name, then
 * the chosen profile of the config file. The names are the ones the examples use ({@code MASKINPORTEN_CLIENT_ID},
 * {@code MASKINPORTEN_JWK_FILE}, {@code BROKER_RESOURCE}, ...).
 *
 * <p>The config file ({@code --config}, else {@code BROKER_CONFIG}, else {@code ~/.config/broker/config} when it
 * exists) has one section per profile, chosen with {@code --profile} or {@code BROKER_PROFILE} (default {@code
 * default}):
 *
 * <pre>
 * [tt02-sender]
 * BROKER_ENV=tt02
 * MASKINPORTEN_CLIENT_ID=...
 * MASKINPORTEN_JWK_FILE=/home/me/keys/tt02.jwk
 * </pre>
 *
 * Secrets ({@code MASKINPORTEN_P12_PASSWORD}, {@code BROKER_SUBSCRIPTION_KEY}) come only from the environment
 * variable or from a file named by {@code <NAME>_FILE}; never from a flag (visible in {@code ps}) and never inline in
 * the config file. No value of a secret ever appears in output or errors.
 */
final class Settings {
  /** Settings whose values are secret. */
  static final Set<String> SECRETS = Set.of("MASKINPORTEN_P12_PASSWORD", "BROKER_SUBSCRIPTION_KEY",
      "BROKER_WEBHOOK_SECRET");

  private final Map<String, String> flags;
  private final Map<String, String> env;
  private final Map<String, String> profile;
  private final String profileName;
  private final Path configFile;

  private Settings(Map<String, String> flags, Map<String, String> env, Map<String, String> profile,
      String profileName, Path configFile) {
    this.flags = flags;
    this.env = env;
    this.profile = profile;
    this.profileName = profileName;
    this.configFile = configFile;
  }

  /**
   * @param flags settings given as flags, by setting name (absent or null: not given)
   * @param env the environment
   * @param configFlag the {@code --config} flag, or null
   * @param profileFlag the {@code --profile} flag, or null
   * @return the resolved settings
   * @throws CliException (usage) when the config file or profile is unusable
   */
  static Settings resolve(Map<String, String> flags, Map<String, String> env, String configFlag, String profileFlag) {
    Map<String, String> f = new LinkedHashMap<>();
    flags.forEach((k, v) -> {
      if (v != null) {
        f.put(k, v);
      }
    });
    String explicit = configFlag != null ? configFlag : env.get("BROKER_CONFIG");
    Path file = null;
    if (explicit != null && !explicit.isBlank()) {
      file = Path.of(explicit);
      if (!Files.isReadable(file)) {
        throw new CliException(ExitCode.USAGE, "config file " + file + " is not readable");
      }
    } else {
      String xdg = env.get("XDG_CONFIG_HOME");
      String home = env.get("HOME");
      Path dflt = xdg != null && !xdg.isBlank() ? Path.of(xdg, "broker", "config")
          : home != null && !home.isBlank() ? Path.of(home, ".config", "broker", "config") : null;
      if (dflt != null && Files.isReadable(dflt)) {
        file = dflt;
      }
    }
    String name = profileFlag != null ? profileFlag : env.getOrDefault("BROKER_PROFILE", "default");
    Map<String, String> section = Map.of();
    if (file != null) {
      Map<String, Map<String, String>> all = parse(file);
      section = all.getOrDefault(name, Map.of());
      if (!all.containsKey(name) && (profileFlag != null || env.containsKey("BROKER_PROFILE"))) {
        throw new CliException(ExitCode.USAGE, "profile [" + name + "] not found in " + file + " (it has "
            + String.join(", ", all.keySet()) + ")");
      }
      for (String secret : SECRETS) {
        if (section.containsKey(secret)) {
          throw new CliException(ExitCode.USAGE, "profile [" + name + "] in " + file + " sets " + secret
              + " inline; put the secret in a file of its own and set " + secret + "_FILE instead");
        }
      }
    } else if (profileFlag != null) {
      throw new CliException(ExitCode.USAGE, "--profile " + profileFlag + " given but no config file found (use "
          + "--config FILE or BROKER_CONFIG)");
    }
    return new Settings(f, env, section, name, file);
  }

  private static Map<String, Map<String, String>> parse(Path file) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> current = out.computeIfAbsent("default", k -> new LinkedHashMap<>());
    int n = 0;
    for (String raw : lines) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = out.computeIfAbsent(line.substring(1, line.length() - 1).strip(), k -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new CliException(ExitCode.USAGE, file + " line " + n + ": expected NAME=value or [profile]");
      }
      current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
    }
    if (out.get("default").isEmpty()) {
      out.remove("default");
    }
    return out;
  }

  /**
   * @param name a setting name, e.g. {@code BROKER_RESOURCE}
   * @return its value from flag, environment or profile, or null
   */
  String get(String name) {
    if (SECRETS.contains(name)) {
      throw new IllegalArgumentException(name + " is a secret: use secret()");
    }
    String v = flags.get(name);
    if (v == null) {
      v = env.get(name);
    }
    if (v == null) {
      v = profile.get(name);
    }
    return v == null || v.isBlank() ? null : v;
  }

  /**
   * @param name a setting name
   * @param fallback the value when it is not set
   * @return the value or the fallback
   */
  String get(String name, String fallback) {
    String v = get(name);
    return v != null ? v : fallback;
  }

  /**
   * @param name a setting name
   * @param why what needs it
   * @return the value
   * @throws CliException (usage) naming the setting when it is not set
   */
  String require(String name, String why) {
    String v = get(name);
    if (v == null) {
      throw new CliException(ExitCode.USAGE, why + " needs " + name + " (flag, environment variable or config"
          + " profile" + (configFile != null ? " [" + profileName + "] in " + configFile : "") + ")");
    }
    return v;
  }

  /**
   * A secret: the environment variable {@code name}, else the file named by {@code name_FILE} (flag, environment or
   * profile), trailing newline removed.
   *
   * @param name e.g. {@code BROKER_SUBSCRIPTION_KEY}
   * @return the secret, or null when not set
   */
  String secret(String name) {
    String v = env.get(name);
    if (v != null && !v.isBlank()) {
      return v;
    }
    String file = get(name + "_FILE");
    if (file == null) {
      return null;
    }
    return readSecret(name + "_FILE", file);
  }

  /**
   * @param what the setting or flag naming the file, for the message
   * @param file the file
   * @return its content, surrounding whitespace removed
   */
  static String readSecret(String what, String file) {
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw new CliException(ExitCode.USAGE, what + " " + file + " is not readable ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** @return the profile in use and where it came from, for messages */
  String describe() {
    return configFile == null ? "no config file" : "profile [" + profileName + "] of " + configFile;
  }
}
