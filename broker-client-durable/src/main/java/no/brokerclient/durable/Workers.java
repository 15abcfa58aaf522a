package no.brokerclient.durable;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker threads of an inbox or outbox: each claims one due row at a time and runs the job on it; a heartbeat
 * renews the leases of rows being worked on; {@link #close} stops claiming, lets running jobs finish for a while,
 * then interrupts them and releases their claims. A job that throws is logged; the thread carries on.
 */
final class Workers<E> {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

  interface Job<E> {
    void run(E entry, Held held) throws Exception;
  }

  /** A row being worked on: its current claim, and whether another instance has taken it. */
  static final class Held {
    final UUID key;
    private volatile Claim claim;
    private volatile boolean lost;

    Held(UUID key, Claim claim) {
      this.key = key;
      this.claim = claim;
    }

    Claim claim() {
      return claim;
    }

    /** @return whether the lease was lost: stop without writing or calling Broker */
    boolean lost() {
      return lost;
    }
  }

  private final String name;
  private final String table;
  private final DurableStore store;
  private final Settings settings;
  private final Clock clock;
  private final Function<Integer, List<E>> claimer;
  private final Function<E, UUID> key;
  private final Function<E, Claim> claimOf;
  private final Job<E> job;
  private final Map<UUID, Held> held = new ConcurrentHashMap<>();
  private final Object wake = new Object();
  private final List<Thread> threads = new ArrayList<>();
  private ScheduledExecutorService heartbeat;
  private volatile boolean running;

  Workers(String name, String table, DurableStore store, Settings settings, Clock clock,
      Function<Integer, List<E>> claimer, Function<E, UUID> key, Function<E, Claim> claimOf, Job<E> job) {
    this.name = name;
    this.table = table;
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.claimer = claimer;
    this.key = key;
    this.claimOf = claimOf;
    this.job = job;
  }

  synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-lease"));
    long every = Math.max(10, settings.lease().toMillis() / 3);
    heartbeat.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
    for (int i = 0; i < settings.concurrency(); i++) {
      Thread t = daemon(this::loop, name + "-worker-" + i);
      threads.add(t);
      t.start();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Wakes idle workers (new work was offered in this process). */
  void wake() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private void loop() {
    Duration storeBackoff = settings.pollInterval();
    while (running) {
      List<E> claimed;
      try {
        claimed = claimer.apply(1);
        storeBackoff = settings.pollInterval();
      } catch (RuntimeException e) {
        LOG.warn("{}: cannot claim work, retrying in {}: {}", name, storeBackoff, e.toString());
        idle(storeBackoff);
        storeBackoff = min(storeBackoff.multipliedBy(2), Duration.ofSeconds(30));
        continue;
      }
      if (claimed.isEmpty()) {
        idle(settings.pollInterval());
        continue;
      }
      for (E e : claimed) {
        Held h = new Held(key.apply(e), claimOf.apply(e));
        held.put(h.key, h);
        try {
          job.run(e, h);
        } catch (VirtualMachineError fatal) {
          throw fatal;
        } catch (Throwable t) {
          LOG.error("{}: unexpected failure on {}; the lease will lapse and it is retried: {}", name, h.key,
              t.toString(), t);
        } finally {
          held.remove(h.key);
        }
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private void idle(Duration d) {
    synchronized (wake) {
      if (!running) {
        return;
      }
      try {
        wake.wait(Math.max(1, d.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  private void renewAll() {
    for (Held h : held.values()) {
      Claim next = new Claim(h.claim.owner(), h.claim.token(), clock.instant().plus(settings.lease()));
      try {
        if (store.renew(table, h.key, next)) {
          h.claim = next;
        } else {
          h.lost = true;
          LOG.warn("{}: lost the claim on {} (lease ran out and another instance took it); stopping work on it",
              name, h.key);
        }
      } catch (RuntimeException e) {
        LOG.warn("{}: cannot renew the lease on {}: {}", name, h.key, e.toString());
      }
    }
  }

  /**
   * Stops: no new claims; running jobs get {@code timeout} to finish, then are interrupted; claims still held are
   * released so another instance can take them at once.
   */
  synchronized void close(Duration timeout) {
    if (!running && threads.isEmpty()) {
      return;
    }
    running = false;
    wake();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : threads) {
      join(t, Math.max(0, deadline - System.nanoTime()));
    }
    for (Thread t : threads) {
      if (t.isAlive()) {
        t.interrupt();
        join(t, TimeUnit.SECONDS.toNanos(5));
      }
    }
    threads.clear();
    heartbeat.shutdownNow();
    held.values().forEach(h -> release(h.key, h.claim));
    held.clear();
  }

  /** Drops a claim so another instance may take the row at once; if the store is down the lease lapses instead. */
  void release(UUID key, Claim claim) {
    try {
      store.release(table, key, claim.token());
    } catch (RuntimeException e) {
      LOG.warn("{}: could not release {} (its lease will lapse): {}", name, key, e.toString());
    }
  }

  private static void join(Thread t, long nanos) {
    try {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
