package no.brokerclient.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import no.brokerclient.BrokerClient;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.Test;

/** Every published module's jar (or classes directory, in the reactor) carries the MIT licence. */
class LicenseInJarsTest {
  @Test
  void eachModuleCarriesMetaInfLicense() throws Exception {
    for (Class<?> c : List.of(BrokerClient.class, WebhookHandler.class, FakeAltinn.class,
        BrokerAutoConfiguration.class)) {
      Path where = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      String text;
      if (Files.isDirectory(where)) {
        text = Files.readString(where.resolve("META-INF/LICENSE"));
      } else {
        try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + where.toUri()), Map.of());
            InputStream in = Files.newInputStream(jar.getPath("META-INF/LICENSE"))) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      assertThat(text).as(where.toString()).startsWith("MIT License").contains("broker-client contributors");
    }
  }
}
