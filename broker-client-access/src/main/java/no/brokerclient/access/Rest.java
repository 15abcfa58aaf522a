package no.brokerclient.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import no.brokerclient.ApiError;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerIOException;
import no.brokerclient.BrokerInvalidResponseException;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.internal.Json;
import no.brokerclient.internal.Text;
import no.brokerclient.internal.Transport;
import no.brokerclient.internal.Transport.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One API root ({@code resourceregistry/api/v1} or {@code authentication/api/v1}) over core's {@link Transport}:
 * JSON bodies, ETags, bounded reads, 304/412 kept as statuses for the callers to type, and next links rebased onto
 * the configured platform URL so a token never follows a link to another origin. Thread-safe. Internal.
 */
final class Rest {
  static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  /** Largest JSON answer read; a members page of 100 is about 30 KiB. */
  static final int MAX_BODY = 4 * 1024 * 1024;

  /** An answer: status, parsed body (missing when empty), ETag or {@code null}, and the call it answers. */
  record Reply(int status, JsonNode body, String etag, Call call) {
    Version version() {
      return etag == null ? null : new Version(etag);
    }

    /** Maps the body; a value the mapping cannot accept (see {@link Rest#map}) is an invalid response. */
    <T> T as(Function<JsonNode, T> map) {
      return Rest.map(call, body, map);
    }
  }

  private final Transport transport;
  private final HttpUrl root;
  private final String rootPath;

  Rest(Transport transport, HttpUrl platform, String rootPath) {
    this.transport = transport;
    this.rootPath = rootPath;
    HttpUrl.Builder b = platform.newBuilder();
    for (String s : rootPath.split("/")) {
      b.addPathSegment(s);
    }
    this.root = b.build();
  }

  HttpUrl.Builder url(String... segments) {
    HttpUrl.Builder b = root.newBuilder();
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b;
  }

  static Call call(String method, HttpUrl url, Set<String> scopes, boolean idempotent, Object jsonBody) {
    Call c = Call.of(method, url, scopes, idempotent);
    if (jsonBody != null) {
      String json = jsonBody instanceof String s ? s : Json.write(jsonBody);
      c.body(() -> RequestBody.create(json, JSON), true);
    }
    return c;
  }

  /**
   * Executes; a 304 or 412 answer comes back as a {@link Reply} with that status, every other error as the core
   * exception tree.
   */
  Reply send(Call call) {
    try (Response r = transport.execute(call)) {
      return new Reply(r.code(), read(call, r), r.header("ETag"), call);
    } catch (BrokerApiException e) {
      if (e.statusCode() == 304 || e.statusCode() == 412) {
        return new Reply(e.statusCode(), MissingNode.getInstance(), null, call);
      }
      throw e;
    }
  }

  private static JsonNode read(Call call, Response r) {
    try (InputStream in = r.body().byteStream()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw new BrokerIOException(call.method() + " " + r.request().url().encodedPath() + " answered more than "
            + MAX_BODY + " bytes", new IOException("body too large"), true);
      }
      if (b.length == 0) {
        return MissingNode.getInstance();
      }
      JsonNode n = Json.tree(new ByteArrayInputStream(b));
      return n == null ? MissingNode.getInstance() : n;
    } catch (IOException e) {
      throw new BrokerIOException(call.method() + " " + r.request().url().encodedPath() + " returned an unreadable"
          + " body", e, true);
    }
  }

  /**
   * The server's {@code links.next} as a URL under the configured root: its path below the API root and its query,
   * whatever host the server put in it; {@code null} when absent.
   */
  HttpUrl next(JsonNode page) {
    JsonNode n = page.path("links").path("next");
    if (!n.isTextual() || n.asText().isBlank()) {
      return null;
    }
    HttpUrl link = root.resolve(n.asText());
    String path = link == null ? null : link.encodedPath();
    int at = path == null ? -1 : path.indexOf("/" + rootPath + "/");
    if (at < 0) {
      throw new no.brokerclient.BrokerException("next link outside " + rootPath + ": " + (path == null ? "?" : path));
    }
    HttpUrl.Builder b = root.newBuilder().encodedPath(root.encodedPath().replaceAll("/$", "")
        + path.substring(at + rootPath.length() + 1));
    b.encodedQuery(link.encodedQuery());
    return b.build();
  }

  /**
   * Follows every page from {@code first}. {@code fix} may amend each next link (server bugs).
   */
  <T> List<T> all(Function<HttpUrl, Call> callFor, HttpUrl first, Function<HttpUrl, HttpUrl> fix,
      Function<JsonNode, T> map, int maxPages) {
    List<T> out = new ArrayList<>();
    HttpUrl url = first;
    for (int page = 0; url != null; page++) {
      if (page >= maxPages) {
        throw new no.brokerclient.BrokerException("more than " + maxPages + " pages from " + first.encodedPath());
      }
      Reply r = send(callFor.apply(url));
      if (r.status() == 412) {
        throw new VersionConflictException(error("GET", url, 412),
            "the list changed while its pages were read");
      }
      for (JsonNode item : r.body().path("data")) {
        out.add(map(r.call(), item, map));
      }
      HttpUrl next = next(r.body());
      url = next == null ? null : fix.apply(next);
    }
    return out;
  }

  /**
   * Maps a server value; what the mapping throws for a value it cannot accept (an id that is not a UUID, a date
   * that is not one, an invalid organisation number, a missing field) becomes a {@link
   * BrokerInvalidResponseException} naming the call, never a raw {@link IllegalArgumentException}.
   */
  static <T> T map(Call call, JsonNode body, Function<JsonNode, T> map) {
    try {
      return map.apply(body);
    } catch (IllegalArgumentException | DateTimeException | NullPointerException | BrokerValidationException e) {
      throw Transport.invalid(call, "holds a value the SDK cannot accept: " + Text.clean(String.valueOf(
          e.getMessage()), 200), e);
    }
  }

  /** An {@link ApiError} for a bodiless status the caller types itself (304, 412). */
  static ApiError error(String method, HttpUrl url, int status) {
    return new ApiError(method, url.encodedPath(), status, null, null, null, null, null, "");
  }

  /** The {@code validationErrors[].code} values of an Altinn problem-details body (e.g. {@code RR.VLD-00001}). */
  static java.util.Set<String> validationCodes(ApiError e) {
    return e.validationErrors().keySet();
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
