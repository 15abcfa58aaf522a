package no.brokerclient.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that follows the system clock (or, {@link #frozen}, stands still) plus an offset the test moves forward. */
public final class MutableClock extends Clock {
  private final AtomicLong offsetMillis = new AtomicLong();
  private final Instant frozenAt;

  /** Follows the system clock. */
  public MutableClock() {
    this(null);
  }

  private MutableClock(Instant frozenAt) {
    this.frozenAt = frozenAt;
  }

  /**
   * @param at the time it shows until the test moves it
   * @return a clock that moves only by {@link #advance}
   */
  public static MutableClock frozen(Instant at) {
    return new MutableClock(at);
  }

  /** @param d how far to move time forward */
  public void advance(Duration d) {
    offsetMillis.addAndGet(d.toMillis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return (frozenAt != null ? frozenAt : Instant.now()).plusMillis(offsetMillis.get());
  }
}
