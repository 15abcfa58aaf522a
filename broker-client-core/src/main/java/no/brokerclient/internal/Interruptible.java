package no.brokerclient.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import no.brokerclient.BrokerInterruptedException;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * Makes the SDK's blocking HTTP calls and waits answer {@link Thread#interrupt()}. A blocking socket read does not
 * notice an interrupt, so a thread waiting on a silent peer would otherwise sit until the read timeout (120 s by
 * default). {@link #execute} registers the call with one shared watchdog thread, which polls every {@value
 * #POLL_MILLIS} ms while calls are in flight and {@link Call#cancel() cancels} the call of a thread whose interrupt
 * flag is set; the registration lasts until the response body is closed, so reads of a streamed body are covered
 * too (for the thread that reads it last). The cancelled call's I/O failure, or any failure while the flag is set,
 * becomes a {@link BrokerInterruptedException}; the flag is never cleared. The watchdog is a daemon thread that exits
 * after a second without calls in flight.
 *
 * <p>A callback run inside OkHttp (a request body's progress listener) that must abort the call throws a {@link
 * CallbackAbort}, an {@link IOException} so that OkHttp closes the connection instead of pooling it half-written;
 * {@link #execute} rethrows the exception it carries. Internal.
 */
public final class Interruptible {
  /** How often the watchdog looks at the threads of calls in flight. */
  static final long POLL_MILLIS = 50;
  private static final long LINGER_MILLIS = 1000;

  private static final Set<Watch> WATCHED = ConcurrentHashMap.newKeySet();
  private static final Object LOCK = new Object();
  private static Thread watchdog; // guarded by LOCK

  private Interruptible() {}

  /**
   * Executes the call on the calling thread; an interrupt of that thread cancels it, until the response body is
   * closed.
   *
   * @param call the call, not yet executed
   * @param what names the call for the exception, e.g. {@code GET /broker/api/v1/filetransfer/…}
   * @return the response, whose body reports an interrupt as {@link BrokerInterruptedException}
   * @throws IOException as {@link Call#execute()} does, when the thread was not interrupted
   * @throws BrokerInterruptedException when the thread is or was interrupted during the call
   * @throws RuntimeException what a {@link CallbackAbort} carried
   */
  public static Response execute(Call call, String what) throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted(what, "before it was sent", null);
    }
    Watch w = watch(call);
    Response r;
    try {
      r = call.execute();
    } catch (IOException e) {
      w.close();
      if (w.fired || Thread.currentThread().isInterrupted()) {
        throw interrupted(what, "and the call was cancelled", e);
      }
      if (e instanceof CallbackAbort abort) {
        throw abort.failure;
      }
      throw e;
    } catch (RuntimeException | Error e) {
      w.close();
      throw e;
    }
    return r.newBuilder().body(new WatchedBody(r.body(), w, what)).build();
  }

  /**
   * Sleeps, turning an interrupt into {@link BrokerInterruptedException} with the flag set.
   *
   * @param sleeper the sleeper
   * @param wait how long
   * @param what what the wait is for, e.g. {@code "waiting to retry"}
   */
  public static void sleep(Sleeper sleeper, Duration wait, String what) {
    if (Thread.currentThread().isInterrupted()) {
      throw new BrokerInterruptedException("interrupted while " + what, null);
    }
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerInterruptedException("interrupted while " + what, e);
    }
  }

  private static BrokerInterruptedException interrupted(String what, String how, IOException cause) {
    return new BrokerInterruptedException("interrupted during " + what + " " + how
        + " (the thread's interrupt flag stays set)", cause);
  }

  private static Watch watch(Call call) {
    Watch w = new Watch(Thread.currentThread(), call);
    synchronized (LOCK) {
      WATCHED.add(w);
      if (watchdog == null) {
        Thread t = new Thread(Interruptible::watchLoop, "broker-client-interrupt-watchdog");
        t.setDaemon(true);
        t.setContextClassLoader(null);
        watchdog = t;
        t.start();
      }
    }
    return w;
  }

  private static void watchLoop() {
    long idleSince = System.nanoTime();
    while (true) {
      for (Watch w : WATCHED) {
        if (!w.fired && w.thread.isInterrupted()) {
          w.fired = true;
          w.call.cancel();
        }
      }
      synchronized (LOCK) {
        if (!WATCHED.isEmpty()) {
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince > LINGER_MILLIS * 1_000_000) {
          watchdog = null;
          return;
        }
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        // Nobody interrupts this thread; keep watching so registered calls stay covered.
      }
    }
  }

  /** @return the number of calls whose thread is watched (for tests) */
  static int watched() {
    return WATCHED.size();
  }

  /** Carries a callback's failure through OkHttp, which only handles {@link IOException}s cleanly. */
  public static final class CallbackAbort extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient RuntimeException failure;

    /**
     * @param failure what {@link #execute} rethrows
     */
    public CallbackAbort(RuntimeException failure) {
      super("aborted by a callback: " + failure.getClass().getName(), failure);
      this.failure = failure;
    }
  }

  private static final class Watch {
    volatile Thread thread;
    final Call call;
    volatile boolean fired;

    Watch(Thread thread, Call call) {
      this.thread = thread;
      this.call = call;
    }

    void close() {
      WATCHED.remove(this);
    }
  }

  /** The response body, watched until closed; an I/O failure after an interrupt becomes the typed exception. */
  private static final class WatchedBody extends ResponseBody {
    private final ResponseBody delegate;
    private final Watch watch;
    private final String what;
    private BufferedSource source;

    WatchedBody(ResponseBody delegate, Watch watch, String what) {
      this.delegate = delegate;
      this.watch = watch;
      this.what = what;
    }

    @Override
    public MediaType contentType() {
      return delegate.contentType();
    }

    @Override
    public long contentLength() {
      return delegate.contentLength();
    }

    @Override
    public synchronized BufferedSource source() {
      if (source == null) {
        source = Okio.buffer(new ForwardingSource(delegate.source()) {
          @Override
          public long read(Buffer sink, long byteCount) throws IOException {
            watch.thread = Thread.currentThread(); // a stream may be read by another thread than the caller's
            try {
              return super.read(sink, byteCount);
            } catch (IOException e) {
              if (watch.fired || Thread.currentThread().isInterrupted()) {
                throw interrupted(what, "while reading the response, and the call was cancelled", e);
              }
              throw e;
            }
          }

          @Override
          public void close() throws IOException {
            watch.close();
            super.close();
          }
        });
      }
      return source;
    }

    @Override
    public void close() {
      watch.close();
      delegate.close();
    }
  }
}
