package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class HttpClientsTest {
  static Response redirect(String location) {
    Response.Builder b = new Response.Builder().request(new Request.Builder().url("https://platform.tt02.altinn.no/a/b")
        .build()).protocol(Protocol.HTTP_1_1).code(302).message("Found");
    if (location != null) {
      b.headers(new Headers.Builder().addUnsafeNonAscii("Location", location).build());
    }
    return b.build();
  }

  @Test
  void derivedClientsNeverFollowRedirectsNorRetrySilentlyWhateverTheBaseOrSettingsSay() {
    OkHttpClient base = new OkHttpClient.Builder().followRedirects(true).followSslRedirects(true)
        .retryOnConnectionFailure(true).build();
    OkHttpClient d = HttpClients.derive(base, b -> b.followRedirects(true).readTimeout(Duration.ofSeconds(3)));
    assertFalse(d.followRedirects());
    assertFalse(d.followSslRedirects());
    assertFalse(d.retryOnConnectionFailure());
    assertEquals(3_000, d.readTimeoutMillis(), "the caller's settings are kept");
    assertEquals(base.dispatcher(), d.dispatcher(), "derived, so the pool and dispatcher are shared");
    assertFalse(HttpClients.derive(null, b -> { }).followRedirects());
  }

  @Test
  void locationIsResolvedAndStrippedOfUserInfoQueryAndFragment() {
    assertEquals("https://evil.example/x?…",
        HttpClients.location(redirect("https://user:secret@evil.example/x?code=s3cret#f")));
    assertEquals("http://evil.example:8080/y", HttpClients.location(redirect("http://evil.example:8080/y")));
    assertEquals("https://platform.tt02.altinn.no/a/c", HttpClients.location(redirect("c")));
    assertEquals("(none)", HttpClients.location(redirect(null)));
    String odd = HttpClients.location(redirect("ht!tp://x/\tp\u2028q?key=s3cret"));
    assertFalse(odd.contains("s3cret") || odd.contains("\t") || odd.contains("\u2028"), odd);
    assertTrue(HttpClients.location(redirect("https://evil.example/" + "p".repeat(500))).length() <= 200);
    assertTrue(HttpClients.isRedirect(307) && HttpClients.isRedirect(300) && !HttpClients.isRedirect(200)
        && !HttpClients.isRedirect(400));
  }

  @Test
  void httpsOrLoopbackIsTheOneRuleForTokenBearingUrls() {
    assertEquals("platform.tt02.altinn.no", Hosts.requireSecure("x", "https://platform.tt02.altinn.no").host());
    Hosts.requireSecure("x", "http://127.0.0.1:8080");
    Hosts.requireSecure("x", "http://localhost/");
    Hosts.requireSecure("x", "http://[::1]:1/");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Hosts.requireSecure("baseUrl", "http://platform.altinn.no"));
    assertEquals("baseUrl must use https (plain http is allowed only for loopback addresses, since tokens would"
        + " travel in clear text): http://platform.altinn.no", e.getMessage());
    assertThrows(IllegalStateException.class, () -> Hosts.requireSecure("x", "http://127.0.0.1.evil.example/"));
    assertThrows(IllegalStateException.class, () -> Hosts.requireSecure("x", "http://10.0.0.1/"));
    assertThrows(IllegalStateException.class, () -> Hosts.requireSecure("x", "file:///etc/passwd"));
    assertThrows(IllegalStateException.class, () -> Hosts.requireSecure("x", null));
  }
}
