package no.brokerclient.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import no.brokerclient.BrokerInterruptedException;
import no.brokerclient.internal.Bodies;
import no.brokerclient.internal.Hosts;
import no.brokerclient.internal.HttpClients;
import no.brokerclient.internal.Interruptible;
import no.brokerclient.internal.Json;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer and token endpoint, read from {@code <issuer>/.well-known/oauth-authorization-server} and cached 12
 * hours. When discovery fails (unreachable, redirect, not 2xx, no usable {@code issuer}/{@code token_endpoint}), the
 * last discovered metadata is kept for another 5 minutes; without one, built-in values ({@code aud} = the configured
 * issuer, {@code <issuer>/token}) are used for 5 minutes.
 *
 * <p>One discovery runs at a time, and never under a lock: while it runs, callers use the metadata they had; only
 * the very first callers wait for it (bounded by the HTTP client's call timeout).
 */
final class AuthorizationServerMetadata {
  private static final Logger LOG = LoggerFactory.getLogger(Maskinporten.class);
  static final Duration TTL = Duration.ofHours(12);
  static final Duration FALLBACK_TTL = Duration.ofMinutes(5);

  /** What grants and token requests need; {@code discovered}: read from the server, not built in. */
  record Metadata(String issuer, HttpUrl tokenEndpoint, Instant validUntil, boolean discovered) {}

  private final String issuer;
  private final String base;
  private final OkHttpClient http;
  private final Clock clock;
  private final int maxResponseSize;
  private final AtomicReference<CompletableFuture<Metadata>> running = new AtomicReference<>();
  private volatile Metadata current;

  AuthorizationServerMetadata(String issuer, OkHttpClient http, Clock clock, int maxResponseSize) {
    this.issuer = issuer;
    this.base = issuer.endsWith("/") ? issuer : issuer + "/";
    this.http = http;
    this.clock = clock;
    this.maxResponseSize = maxResponseSize;
  }

  /** @return metadata to use now; discovers it when there is none or it is out of date */
  Metadata get() {
    while (true) {
      Metadata m = current;
      if (m != null && !clock.instant().isAfter(m.validUntil())) {
        return m;
      }
      CompletableFuture<Metadata> mine = new CompletableFuture<>();
      CompletableFuture<Metadata> other = running.compareAndExchange(null, mine);
      if (other == null) {
        try {
          Metadata d = discover(m);
          current = d;
          mine.complete(d);
          return d;
        } catch (RuntimeException e) {
          mine.completeExceptionally(e);
          throw e;
        } finally {
          running.set(null);
        }
      }
      if (m != null) {
        return m; // another thread is refreshing: the old metadata is still the best we have
      }
      try {
        return other.get();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new BrokerInterruptedException("interrupted while waiting for Maskinporten metadata", ie);
      } catch (ExecutionException ee) {
        // Only an interrupt of the discovering thread fails a discovery: this thread tries on its own.
      }
    }
  }

  private Metadata discover(Metadata last) {
    HttpUrl url = HttpUrl.parse(base + ".well-known/oauth-authorization-server");
    Instant now = clock.instant();
    String why;
    try (Response r = Interruptible.execute(http.newCall(new Request.Builder().url(url)
        .header("Accept", "application/json").build()), "GET " + url.encodedPath())) {
      if (HttpClients.isRedirect(r.code())) {
        why = "answered HTTP " + r.code() + " redirecting to " + HttpClients.location(r) + ", which is not followed";
      } else {
        if (r.isSuccessful()) {
          JsonNode n;
          try (InputStream in = Bodies.bounded(r.body(), maxResponseSize)) {
            n = Json.tree(in);
          }
          String iss = n == null ? null : n.path("issuer").asText(null);
          HttpUrl endpoint = n == null ? null : secureOrNull(n.path("token_endpoint").asText(""));
          if (iss != null && endpoint != null) {
            if (!iss.equals(issuer)) {
              LOG.warn("Maskinporten metadata at {} names issuer {} (configured {}); using the metadata's", url, iss,
                  issuer);
            }
            LOG.debug("Maskinporten metadata: issuer {}, token endpoint {}", iss, endpoint);
            return new Metadata(iss, endpoint, now.plus(TTL), true);
          }
        }
        why = "answered HTTP " + r.code() + " without a usable issuer and token_endpoint";
      }
    } catch (BrokerInterruptedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      why = "unavailable (" + e + ")";
    }
    if (last != null && last.discovered()) {
      LOG.warn("Maskinporten metadata at {} {}; keeping the last discovered metadata for 5 minutes", url, why);
      return new Metadata(last.issuer(), last.tokenEndpoint(), now.plus(FALLBACK_TTL), true);
    }
    LOG.warn("Maskinporten metadata at {} {}; using built-in values for 5 minutes", url, why);
    return new Metadata(issuer, HttpUrl.parse(base + "token"), now.plus(FALLBACK_TTL), false);
  }

  /** The metadata's token endpoint under the same rule as the issuer, else {@code null} (then: built-in). */
  private static HttpUrl secureOrNull(String url) {
    try {
      return Hosts.requireSecure("token_endpoint", url);
    } catch (IllegalStateException e) {
      LOG.warn("Maskinporten metadata names an unusable token endpoint: {}", e.getMessage());
      return null;
    }
  }
}
