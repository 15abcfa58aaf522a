package no.brokerclient.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The SDK's User-Agent value. Internal. */
public final class UserAgent {
  private UserAgent() {}

  /**
   * @param suffix appended after a space, or {@code null}
   * @return {@code broker-client-java/<version> Java/<version>[ suffix]}
   */
  public static String of(String suffix) {
    String version = "unknown";
    try (InputStream in = UserAgent.class.getResourceAsStream("/no/brokerclient/version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        version = p.getProperty("version", version);
      }
    } catch (IOException e) {
      // keep "unknown"
    }
    String ua = "broker-client-java/" + version + " Java/" + System.getProperty("java.version");
    return suffix == null ? ua : ua + " " + suffix;
  }
}
