package no.brokerclient.events;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Serves a {@link WebhookHandler} from the JDK's built-in {@code com.sun.net.httpserver} server.
 *
 * <pre>{@code
 * HttpServer server = JdkHttpServerAdapter.start(new InetSocketAddress(8080), "/altinn/events", handler);
 * }</pre>
 *
 * Put TLS in front (a reverse proxy or {@code HttpsServer}): Altinn pushes only to https endpoints.
 */
public final class JdkHttpServerAdapter implements HttpHandler {
  private final WebhookHandler handler;

  /**
   * @param handler the webhook handler
   */
  public JdkHttpServerAdapter(WebhookHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /**
   * Starts a server on {@code address} with the handler at {@code path}.
   *
   * @param address where to listen
   * @param path the context path, e.g. {@code /altinn/events}
   * @param handler the webhook handler
   * @return the started server; stop it with {@code stop(0)}
   * @throws IOException if the address cannot be bound
   */
  public static HttpServer start(InetSocketAddress address, String path, WebhookHandler handler) throws IOException {
    HttpServer server = HttpServer.create(address, 128);
    server.createContext(path, new JdkHttpServerAdapter(handler));
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "broker-client-webhook");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return server;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
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
