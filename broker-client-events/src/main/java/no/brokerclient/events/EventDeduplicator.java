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
  private enum State {
    /** Not seen: the caller now owns it and must call {@link #complete} or {@link #abort}. */
    NEW,
    /** Handled before. */
    DONE,
    /** Being handled right now by another thread. */
    IN_PROGRESS
  }

  /** What {@link #deliver} did with an event. */
  enum Outcome {
    /** The listener handled it; it is remembered. */
    HANDLED,
    /** Handled before; the listener was not called. */
    DUPLICATE,
    /** Another thread is handling it right now; the listener was not called. */
    IN_PROGRESS,
    /** The listener threw (anything, {@code Error}s included); the event is not remembered and is offered again. */
    FAILED
  }

  /**
   * The result of {@link #deliver}.
   *
   * @param outcome what happened
   * @param failure what the listener threw when {@code FAILED}, else {@code null}
   */
  record Delivery(Outcome outcome, Throwable failure) {}

  /**
   * Calls the listener unless an event with the same {@link BrokerEvent#dedupeKey()} was handled or is being
   * handled, and remembers the event only when the listener returned.
   */
  Delivery deliver(BrokerEvent event, BrokerEventListener listener) {
    String key = event.dedupeKey();
    State state = begin(key);
    if (state != State.NEW) {
      return new Delivery(state == State.DONE ? Outcome.DUPLICATE : Outcome.IN_PROGRESS, null);
    }
    try {
      listener.onEvent(event);
      complete(key);
      return new Delivery(Outcome.HANDLED, null);
    } catch (Throwable t) { // any failure of the listener's is about this one event; the caller logs and moves on
      abort(key);
      return new Delivery(Outcome.FAILED, t);
    }
  }

  private synchronized State begin(String key) {
    if (done.containsKey(key)) {
      return State.DONE;
    }
    return inProgress.add(key) ? State.NEW : State.IN_PROGRESS;
  }

  private synchronized void complete(String key) {
    inProgress.remove(key);
    done.put(key, Boolean.TRUE);
  }

  private synchronized void abort(String key) {
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
