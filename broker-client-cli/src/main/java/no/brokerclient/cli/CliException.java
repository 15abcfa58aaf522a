package no.brokerclient.cli;

/** A failure the CLI reports as one line with its exit code. The message never contains a secret. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final transient ExitCode exit;

  CliException(ExitCode exit, String message) {
    super(message);
    this.exit = exit;
  }

  CliException(ExitCode exit, String message, Throwable cause) {
    super(message, cause);
    this.exit = exit;
  }
}
