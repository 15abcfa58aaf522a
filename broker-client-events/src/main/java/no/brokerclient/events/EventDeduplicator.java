package no.brokerclient.events;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Remembers the {@link BrokerEvent#dedupeKey() keys} of the last {@code capacity} events handled, so redeliveries
 * and events found both by webhook and by polling reach the listener once. Share one instance between a {@link
 * WebhookHandler} and a {@link BrokerEventPoller}. An event whose handling failed is not remembered (it will be
 * handled again). In memory only: after a restart, expect repeats. Thread-safe.
 */
public final class EventDeduplicator {
  private final Map<String, Boolean> done;
  private final Set<String> inProgress = new HashSet<>();

  /** A window of 10,000 events. */
  public EventDeduplicator() {
    this(10_000);
  }

  /**
   * @param capacity how many handled events to remember
   */
  public EventDeduplicator(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.done = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** What {@link #begin} found. */
  enum State {
    /** Not seen: the caller now owns it and must call {@link #complete} or {@link #abort}. */
    NEW,
    /** Handled before. */
    DONE,
    /** Being handled right now by another thread. */
    IN_PROGRESS
  }

  synchronized State begin(String key) {
    if (done.containsKey(key)) {
      return State.DONE;
    }
    return inProgress.add(key) ? State.NEW : State.IN_PROGRESS;
  }

  synchronized void complete(String key) {
    inProgress.remove(key);
    done.put(key, Boolean.TRUE);
  }

  synchronized void abort(String key) {
    inProgress.remove(key);
  }

  /**
   * @param key a dedupe key
   * @return whether an event with this key was handled
   */
  public synchronized boolean handled(String key) {
    return done.containsKey(key);
  }
}
