package no.brokerclient;

import java.util.UUID;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.testing.Heap;

/**
 * Run in a child JVM with a small heap by {@link SmallHeapHostileBodiesTest}: asks for an overview (answered with a
 * gzip bomb) and a search (answered with an endless array) and prints which exception each gave. Args: baseUrl.
 */
public final class HostileBodiesMain {
  private HostileBodiesMain() {}

  public static void main(String[] args) {
    try (BrokerClient client = BrokerClient.builder().baseUrl(args[0])
        .accessTokenProvider(AccessTokenProvider.fixed("test-token")).roles(Role.RECIPIENT).build()) {
      String overview = outcome(() -> client.getOverview(UUID.randomUUID()));
      String search = outcome(() -> client.search(FileTransferSearch.builder("my-resource").build()));
      System.out.println("overview=" + overview + " search=" + search + " max-heap="
          + Runtime.getRuntime().maxMemory() + " peak-heap=" + Heap.peakUsed());
    }
  }

  private static String outcome(Runnable r) {
    try {
      r.run();
      return "accepted";
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName();
    }
  }
}
