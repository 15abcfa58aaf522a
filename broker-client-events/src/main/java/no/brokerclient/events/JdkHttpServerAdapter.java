package no.brokerclient.events;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link WebhookHandler} from a JDK {@code com.sun.net.httpserver.HttpServer} (or {@code HttpsServer}) that
 * you create and configure yourself:
 *
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
 * server.createContext("/altinn/events", new JdkHttpServerAdapter(handler));
 * server.setExecutor(Executors.newFixedThreadPool(32));
 * server.start();
 * }</pre>
 *
 * <p><b>Prefer {@link WebhookServer}</b> (or your Servlet container or Spring Boot). The JDK's server reads request
 * headers with no deadline, never closes connections that send nothing, and bounds neither; its only limits are the
 * JVM-global system properties {@code sun.net.httpserver.maxReqTime} and {@code maxRspTime} (seconds),
 * {@code idleInterval}, {@code maxIdleConnections} and (newer JDKs) {@code jdk.httpserver.maxConnections}, read once
 * when the JVM's first such server is created. If you run it for webhooks, set them on the command line (e.g.
 * {@code -Dsun.net.httpserver.maxReqTime=10 -Dsun.net.httpserver.maxRspTime=60}); this class cannot do it for you.
 * The body is read under the handler's {@link WebhookHandler.Builder#bodyTimeout} either way.
 *
 * <p><b>The secret in the JDK server's log.</b> That server logs each request line, {@code ?code=<secret>}
 * included, at FINE on the {@code java.util.logging} logger {@code com.sun.net.httpserver}. Creating an adapter
 * installs a filter on that logger that replaces every query value in its records with {@code ****} (keeping any
 * filter already there), and checks it is still installed on every request. If you route the JDK's
 * {@code System.Logger} away from {@code java.util.logging} (e.g. {@code slf4j-jdk-platform-logging}), that
 * filter is bypassed: keep {@code com.sun.net.httpserver} at INFO or above in your logging backend; the adapter
 * warns once when it detects such a routing.
 */
public final class JdkHttpServerAdapter implements HttpHandler {
  /** The JDK server's logger, held strongly so that the filter installed on it stays (JUL keeps loggers weakly). */
  private static final Logger JDK_SERVER_LOG = Logger.getLogger("com.sun.net.httpserver");

  static {
    String backend = System.LoggerFinder.getLoggerFinder().getClass().getModule().getName();
    if (!"java.logging".equals(backend) && !"java.base".equals(backend)) {
      LoggerFactory.getLogger(JdkHttpServerAdapter.class).warn("The JDK's System.Logger is routed to {}, so the"
          + " JDK HTTP server's request-line log (webhook secret included) is not redacted: keep the logger"
          + " com.sun.net.httpserver at INFO or above", backend == null ? "an unnamed module" : backend);
    }
  }

  private final WebhookHandler handler;

  /**
   * @param handler the webhook handler
   */
  public JdkHttpServerAdapter(WebhookHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
    redactJdkServerLog();
  }

  /** Installs the redacting filter on the JDK server's logger unless it is there (a logging reset removes it). */
  private static synchronized void redactJdkServerLog() {
    Filter current = JDK_SERVER_LOG.getFilter();
    if (!(current instanceof RedactingFilter)) {
      JDK_SERVER_LOG.setFilter(new RedactingFilter(current));
    }
  }

  /** Replaces query values in a record's message and string parameters, then asks the filter it wraps. */
  private static final class RedactingFilter implements Filter {
    private final Filter next;

    RedactingFilter(Filter next) {
      this.next = next;
    }

    @Override
    public boolean isLoggable(LogRecord r) {
      r.setMessage(Redaction.queries(r.getMessage()));
      Object[] params = r.getParameters();
      if (params != null) {
        Object[] redacted = params.clone();
        for (int i = 0; i < redacted.length; i++) {
          if (redacted[i] instanceof String s) {
            redacted[i] = Redaction.queries(s);
          }
        }
        r.setParameters(redacted);
      }
      return next == null || next.isLoggable(r);
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    redactJdkServerLog();
    try (exchange; InputStream body = exchange.getRequestBody()) {
      WebhookHandler.Response r = handler.handle(exchange.getRequestMethod(), exchange.getRequestURI(),
          exchange.getRequestHeaders(), body);
      byte[] text = r.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(r.status(), text.length == 0 ? -1 : text.length);
      if (text.length > 0) {
        exchange.getResponseBody().write(text);
      }
    }
  }
}
