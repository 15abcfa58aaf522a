package no.brokerclient.cli;

import picocli.CommandLine.Option;

/** {@code --role}, for the commands any role may run; a {@link SessionCommand} reads it. */
final class RoleOption {
  @Option(names = "--role", paramLabel = "ROLE",
      description = "sender, recipient or service-owner (BROKER_ROLE; default sender)")
  String role;
}
