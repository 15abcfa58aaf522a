package no.brokerclient.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import no.brokerclient.testkit.Http.Reject;

/**
 * The fake servers' router: a table of (method, path pattern) → handler under one context path, tried in the order
 * registered, and the one place ({@link #serve}) that turns a {@link Reject} into its answer after reading the rest
 * of the request body.
 *
 * <p>A pattern is a {@code /}-separated list of segments after the base: a literal, {@code {}} for any one segment,
 * or a last {@code **} for any number of further segments (none included); the empty pattern is the base itself.
 * The method {@code *} takes any method. A request whose path matches some route but whose method none of those
 * take gets {@link #methodMismatch} (405 unless set); one whose path matches no route gets 404; both with an empty
 * {@code text/plain} answer. Handlers get the whole path split at {@code /} ({@link #segments}: {@code p[0]} is
 * empty), so that they index it as the server's path reads. Thread-safe; register routes before serving.
 */
final class Routes {
  /** Handles one request; {@code p} is the request path split at {@code /}. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange ex, String[] p) throws Reject, IOException;
  }

  /** Answers one request, or throws the {@link Reject} to answer with. */
  @FunctionalInterface
  interface Endpoint {
    void handle(HttpExchange ex) throws Reject, IOException;
  }

  private record Route(String method, String[] pattern, Handler handler) {
    boolean matches(String[] p, int from) {
      boolean rest = pattern.length > 0 && pattern[pattern.length - 1].equals("**");
      int fixed = rest ? pattern.length - 1 : pattern.length;
      if (rest ? p.length - from < fixed : p.length - from != fixed) {
        return false;
      }
      for (int i = 0; i < fixed; i++) {
        if (!pattern[i].equals("{}") && !pattern[i].equals(p[from + i])) {
          return false;
        }
      }
      return true;
    }
  }

  private final int from;
  private final boolean raw;
  private final List<Route> routes = new CopyOnWriteArrayList<>();
  private volatile int mismatch = 405;

  /**
   * @param base the context path the patterns are relative to, e.g. {@code /broker/api/v1}
   * @param raw whether handlers see the raw (still percent-encoded) path rather than the decoded one
   */
  Routes(String base, boolean raw) {
    this.from = base.replaceAll("/+$", "").split("/").length;
    this.raw = raw;
  }

  /**
   * Adds a route after those registered so far.
   *
   * @param method the HTTP method, or {@code *} for any
   * @param pattern segments after the base (see the class comment)
   * @param handler what answers
   * @return this
   */
  Routes on(String method, String pattern, Handler handler) {
    routes.add(new Route(method, pattern.isEmpty() ? new String[0] : pattern.split("/"), handler));
    return this;
  }

  /**
   * @param status the answer for a known path with a method no route takes; default 405
   * @return this
   */
  Routes methodMismatch(int status) {
    this.mismatch = status;
    return this;
  }

  /** Routes the request and answers it (the {@link HttpExchange} handler of a server context). */
  void handle(HttpExchange ex) throws IOException {
    serve(ex, this::dispatch);
  }

  /** Finds the route and runs it; the caller answers a {@link Reject}. */
  void dispatch(HttpExchange ex) throws Reject, IOException {
    String[] p = segments(ex, raw);
    String method = ex.getRequestMethod();
    boolean pathKnown = false;
    for (Route r : routes) {
      if (r.matches(p, from)) {
        if (r.method.equals("*") || r.method.equals(method)) {
          r.handler.handle(ex, p);
          return;
        }
        pathKnown = true;
      }
    }
    throw Http.text(pathKnown ? mismatch : 404, "");
  }

  /**
   * Runs an endpoint and answers the {@link Reject} it throws, after reading the rest of the request body (so that
   * the connection stays usable).
   */
  static void serve(HttpExchange ex, Endpoint endpoint) throws IOException {
    try {
      endpoint.handle(ex);
    } catch (Reject r) {
      try {
        Http.drain(ex);
      } catch (IOException e) {
        // the client went away; sending will tell
      }
      Http.send(ex, r);
    }
  }

  /**
   * @param raw the raw path rather than the decoded one
   * @return the request path without trailing slashes, split at {@code /} ({@code p[0]} is empty)
   */
  static String[] segments(HttpExchange ex, boolean raw) {
    String path = raw ? ex.getRequestURI().getRawPath() : ex.getRequestURI().getPath();
    return path.replaceAll("/+$", "").split("/");
  }

  /** @return a handler that answers {@code status} with an empty text body */
  static Handler status(int status) {
    return (ex, p) -> {
      throw Http.text(status, "");
    };
  }
}
