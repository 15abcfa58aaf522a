package no.brokerclient.spring.boot;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.brokerclient.events.WebhookHandler;

/** Serves {@code broker.events.webhook.path} with the {@link WebhookHandler}: any servlet container, no MVC needed. */
final class WebhookServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient WebhookHandler handler;

  WebhookServlet(WebhookHandler handler) {
    this.handler = handler;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String query = req.getQueryString();
    URI uri = URI.create(req.getRequestURI() + (query == null ? "" : "?" + query));
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      headers.put(name, Collections.list(req.getHeaders(name)));
    }
    WebhookHandler.Response r = handler.handle(req.getMethod(), uri, headers, req.getInputStream());
    resp.setStatus(r.status());
    if (r.body() != null && !r.body().isEmpty()) {
      resp.setContentType("text/plain;charset=utf-8");
      resp.getOutputStream().write(r.body().getBytes(StandardCharsets.UTF_8));
    }
  }
}
