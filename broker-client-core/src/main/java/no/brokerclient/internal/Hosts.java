package no.brokerclient.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import okhttp3.HttpUrl;

/** Host checks shared by the builders. Internal. */
public final class Hosts {
  private Hosts() {}

  /**
   * The one rule for every URL a token, key or grant is sent to (Broker and Events platform URLs, Maskinporten's
   * issuer and token endpoint, the Altinn exchange): {@code https}, or plain {@code http} to a loopback host only
   * (local fakes and tests).
   *
   * @param setting the builder setting, for the message, e.g. {@code baseUrl}
   * @param url the configured URL
   * @return the parsed URL
   * @throws IllegalStateException when it is not an http(s) URL, or plain http to a host that is not loopback
   */
  public static HttpUrl requireSecure(String setting, String url) {
    HttpUrl u = url == null ? null : HttpUrl.parse(url);
    if (u == null) {
      throw new IllegalStateException(setting + " is not an http(s) URL");
    }
    if (!u.isHttps() && !isLoopback(u.host())) {
      throw new IllegalStateException(setting + " must use https (plain http is allowed only for loopback"
          + " addresses, since tokens would travel in clear text): " + u.scheme() + "://" + u.host());
    }
    return u;
  }

  /**
   * Whether plain http to this host keeps tokens and secrets on the machine: {@code localhost} or a literal
   * loopback address (no DNS lookup is made for names).
   *
   * @param host a host name or literal address, IPv6 with or without brackets
   * @return whether it is loopback
   */
  public static boolean isLoopback(String host) {
    if ("localhost".equalsIgnoreCase(host)) {
      return true;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
