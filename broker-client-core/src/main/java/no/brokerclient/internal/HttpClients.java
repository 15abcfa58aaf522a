package no.brokerclient.internal;

import java.util.function.Consumer;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Derives every OkHttp client the SDK uses (Broker, Events, Maskinporten's token endpoint, metadata and Altinn
 * exchange) and decides, in this one place, what they never do: follow redirects (a redirect would carry the
 * subscription key, the request body or a signed grant to another origin; Altinn's APIs never redirect), or
 * silently repeat a request after a connection failure (that could repeat a non-idempotent call). A 3xx is then
 * answered to the caller, which turns it into a typed error naming {@link #location(Response)}. Internal.
 */
public final class HttpClients {
  private HttpClients() {}

  /**
   * @param base the caller's client to derive from (its pool, dispatcher, proxy and TLS), or {@code null} for a
   *     new one
   * @param settings the caller's settings (timeouts, pool); applied before the SDK's rules, so they cannot undo
   *     them
   * @return the derived client: no redirects, no silent retries
   */
  public static OkHttpClient derive(OkHttpClient base, Consumer<OkHttpClient.Builder> settings) {
    OkHttpClient.Builder b = base != null ? base.newBuilder() : new OkHttpClient.Builder();
    settings.accept(b);
    return b.followRedirects(false).followSslRedirects(false).retryOnConnectionFailure(false).build();
  }

  /**
   * @param status an HTTP status
   * @return whether it is a redirection (3xx), which the SDK never follows
   */
  public static boolean isRedirect(int status) {
    return status >= 300 && status < 400;
  }

  /**
   * The redirect target, safe for messages and logs: resolved against the request URL, with user info, query and
   * fragment removed (a hostile server could echo a credential into them), control characters replaced, at most
   * 200 characters.
   *
   * @param response a 3xx response
   * @return {@code scheme://host[:port]/path} (with {@code ?…} when there was a query), or {@code "(none)"}
   */
  public static String location(Response response) {
    String raw = response.header("Location");
    if (raw == null || raw.isBlank()) {
      return "(none)";
    }
    HttpUrl u = response.request().url().resolve(raw.strip());
    String shown;
    if (u != null) {
      shown = u.scheme() + "://" + u.host() + (u.port() == HttpUrl.defaultPort(u.scheme()) ? "" : ":" + u.port())
          + u.encodedPath() + (u.encodedQuery() != null || u.encodedFragment() != null ? "?…" : "");
    } else {
      int cut = indexOfAny(raw, "?#@");
      shown = cut < 0 ? raw : raw.substring(0, cut) + "…";
    }
    return Text.clean(shown, 200);
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
