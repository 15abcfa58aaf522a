package no.brokerclient.cli;

/** The documented exit codes of {@code broker}. */
enum ExitCode {
  /** Success (doctor: every check passed). */
  OK(0),
  /** A failure without a more specific code (doctor: a check failed; Broker answered 4xx otherwise). */
  FAILED(1),
  /** Bad command line or configuration (also: {@code fake --port} taken): nothing was sent. */
  USAGE(2),
  /** Authentication: Maskinporten refused, the token exchange failed or Altinn answered 401. */
  AUTH(3),
  /** Access: Altinn answered 403 (the organisation lacks access to the resource or its access list, or a scope). */
  ACCESS(4),
  /** Not found: 404 (unknown file transfer, resource, subscription, access list or system-user request; no TUS
   * checkpoint to resume). */
  NOT_FOUND(5),
  /** Conflict: 409 or 412 (e.g. already uploaded, not yet published, already confirmed; access list exists or
   * changed). */
  CONFLICT(6),
  /** Transient: 5xx, 429, timeout or network failure; trying again later may work. */
  TRANSIENT(7),
  /** A downloaded file's MD5 did not match the checksum Broker has. */
  CHECKSUM(8);

  final int code;

  ExitCode(int code) {
    this.code = code;
  }
}
