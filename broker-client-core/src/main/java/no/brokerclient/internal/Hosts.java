package no.brokerclient.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Host checks shared by the builders. Internal. */
public final class Hosts {
  private Hosts() {}

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
