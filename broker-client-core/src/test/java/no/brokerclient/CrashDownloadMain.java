package no.brokerclient;

import java.nio.file.Path;
import java.util.UUID;
import no.brokerclient.auth.AccessTokenProvider;

/**
 * Run in a child JVM by {@link CrashResumeTest}, which kills it with {@code destroyForcibly} in the middle of the
 * download. Args: baseUrl, fileTransferId, target.
 */
public final class CrashDownloadMain {
  private CrashDownloadMain() {}

  public static void main(String[] args) {
    try (BrokerClient client = BrokerClient.builder().baseUrl(args[0])
        .accessTokenProvider(AccessTokenProvider.fixed("test-token")).roles(Role.RECIPIENT).build()) {
      client.download(UUID.fromString(args[1]), Path.of(args[2]));
      System.out.println("finished: the test should have killed this process first");
    }
  }
}
