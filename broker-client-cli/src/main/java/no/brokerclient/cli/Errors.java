package no.brokerclient.cli;

import no.brokerclient.BrokerAccessDeniedException;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerConflictException;
import no.brokerclient.BrokerIOException;
import no.brokerclient.BrokerNotFoundException;
import no.brokerclient.BrokerRateLimitedException;
import no.brokerclient.BrokerServerException;
import no.brokerclient.BrokerTimeoutException;
import no.brokerclient.BrokerUnauthorizedException;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.ChecksumMismatchException;
import no.brokerclient.auth.AccessTokenException;
import no.brokerclient.auth.MaskinportenException;

/** The one place that maps a failure to an exit code and a readable line. SDK messages carry no secrets. */
final class Errors {
  private Errors() {}

  static ExitCode exitCode(Throwable t) {
    if (t instanceof CliException c) {
      return c.exit;
    }
    if (t instanceof ChecksumMismatchException) {
      return ExitCode.CHECKSUM;
    }
    if (t instanceof BrokerValidationException || t instanceof IllegalArgumentException) {
      return ExitCode.USAGE;
    }
    if (t instanceof MaskinportenException m) {
      return m.retryable() ? ExitCode.TRANSIENT : ExitCode.AUTH;
    }
    if (t instanceof AccessTokenException || t instanceof BrokerUnauthorizedException) {
      return ExitCode.AUTH;
    }
    if (t instanceof BrokerAccessDeniedException) {
      return ExitCode.ACCESS;
    }
    if (t instanceof BrokerNotFoundException) {
      return ExitCode.NOT_FOUND;
    }
    if (t instanceof BrokerConflictException) {
      return ExitCode.CONFLICT;
    }
    if (t instanceof BrokerApiException a) {
      // Other APIs' errors (Resource Registry, Authentication) by status: 412 is a version conflict.
      int st = a.statusCode();
      if (st == 409 || st == 412) {
        return ExitCode.CONFLICT;
      }
      if (st == 404) {
        return ExitCode.NOT_FOUND;
      }
      if (st == 403) {
        return ExitCode.ACCESS;
      }
      if (st == 401) {
        return ExitCode.AUTH;
      }
      if (st == 429 || st >= 500) {
        return ExitCode.TRANSIENT;
      }
    }
    if (t instanceof BrokerServerException || t instanceof BrokerRateLimitedException
        || t instanceof BrokerTimeoutException || t instanceof BrokerIOException
        || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
      return ExitCode.TRANSIENT;
    }
    return ExitCode.FAILED;
  }

  /** @return one line: what failed, and for 403 what to do */
  static String line(Throwable t) {
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    msg = msg.replace('\n', ' ').replace('\r', ' ');
    if (msg.contains("step ")) {
      return "broker: " + msg; // the SDK already says which of Altinn's common steps to look at
    }
    if (t instanceof BrokerAccessDeniedException) {
      msg += " — " + Hints.ACCESS;
    } else if (t instanceof BrokerUnauthorizedException) {
      msg += " — " + Hints.UNAUTHORIZED;
    }
    return "broker: " + msg;
  }

  /**
   * @param t the failure
   * @return the cause chain, one cause per line, each Altinn answer with its HTTP status, request and trace id (for
   *     --verbose); messages carry no secrets, and neither do the request paths
   */
  static String verbose(Throwable t) {
    StringBuilder b = new StringBuilder();
    java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
      b.append("  caused by ").append(c.getClass().getName());
      String m = c.getMessage();
      if (m != null) {
        b.append(": ").append(m.replace('\n', ' ').replace('\r', ' '));
      }
      if (c instanceof BrokerApiException a) {
        no.brokerclient.ApiError e = a.error();
        b.append(" [HTTP ").append(e.status()).append(' ').append(e.method()).append(' ').append(e.path());
        if (e.code() != null) {
          b.append(", code ").append(e.code());
        }
        b.append(", trace id ").append(e.traceId() != null ? e.traceId() : "none").append(']');
      } else if (c instanceof MaskinportenException mp && mp.traceId() != null) {
        b.append(" [trace id ").append(mp.traceId()).append(']');
      }
      b.append('\n');
    }
    return b.toString();
  }
}
