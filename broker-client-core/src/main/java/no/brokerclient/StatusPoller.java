package no.brokerclient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import no.brokerclient.internal.Interruptible;
import no.brokerclient.internal.Sleeper;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferStatus;

/**
 * {@link BrokerClient#awaitStatus}: polls the overview until a status on the normal path is reached, after 1 s, then
 * 1.5 times longer each time up to 15 s, never more often than every 500 ms (Broker allows 120 overviews a minute).
 * Immutable; the clock and sleeper are the client's (replaceable in tests).
 */
final class StatusPoller {
  /** Shortest interval between overview polls: Broker allows 120 overview calls a minute. */
  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(500);
  static final Duration FIRST_POLL_INTERVAL = Duration.ofSeconds(1);
  static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(15);

  private static final List<FileTransferStatus> HAPPY_PATH = List.of(
      FileTransferStatus.INITIALIZED, FileTransferStatus.UPLOAD_STARTED, FileTransferStatus.UPLOAD_PROCESSING,
      FileTransferStatus.PUBLISHED, FileTransferStatus.ALL_CONFIRMED_DOWNLOADED);

  private final Function<UUID, FileTransferOverview> overview;
  private final Clock clock;
  private final Sleeper sleeper;

  StatusPoller(Function<UUID, FileTransferOverview> overview, Clock clock, Sleeper sleeper) {
    this.overview = overview;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  FileTransferOverview await(UUID fileTransferId, FileTransferStatus target, Duration timeout) {
    Instant deadline = clock.instant().plus(timeout);
    Duration interval = FIRST_POLL_INTERVAL;
    while (true) {
      FileTransferOverview o = overview.apply(fileTransferId);
      FileTransferStatus s = o.fileTransferStatus();
      if (reached(s, target)) {
        return o;
      }
      if (FileTransferStatus.FAILED.equals(s) || FileTransferStatus.CANCELLED.equals(s)
          || FileTransferStatus.PURGED.equals(s)) {
        throw new FileTransferFailedException(o);
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) {
        throw new BrokerTimeoutException("File transfer " + fileTransferId + " did not reach " + target + " within "
            + timeout + "; last status " + s, o);
      }
      Duration wait = interval.compareTo(left) < 0 ? interval : left;
      if (wait.compareTo(MIN_POLL_INTERVAL) < 0) {
        wait = MIN_POLL_INTERVAL;
      }
      Interruptible.sleep(sleeper, wait, "waiting for file transfer " + fileTransferId + " to reach " + target);
      interval = Duration.ofMillis(Math.min(MAX_POLL_INTERVAL.toMillis(), (long) (interval.toMillis() * 1.5)));
    }
  }

  /** @return whether {@code current} is {@code target} or past it on the normal path */
  static boolean reached(FileTransferStatus current, FileTransferStatus target) {
    if (current.equals(target)) {
      return true;
    }
    int c = HAPPY_PATH.indexOf(current);
    int t = HAPPY_PATH.indexOf(target);
    return c >= 0 && t >= 0 && c >= t;
  }
}
