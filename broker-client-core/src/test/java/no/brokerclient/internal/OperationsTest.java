package no.brokerclient.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.UUID;
import no.brokerclient.TelemetryListener.Operation;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class OperationsTest {
  static final String ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

  static Operation op(String method, String url) {
    return Operations.of(method, HttpUrl.get(url));
  }

  @Test
  void idsBecomePlaceholdersAndQueriesAreDropped() {
    assertEquals(new Operation("download", "GET", "/broker/api/v1/filetransfer/{fileTransferId}/download"),
        op("GET", "https://platform.tt02.altinn.no/broker/api/v1/filetransfer/" + ID + "/download"));
    assertEquals(new Operation("search", "GET", "/broker/api/v1/filetransfer"),
        op("GET", "https://x.no/broker/api/v1/filetransfer?resourceId=secret-looking&status=Published"));
    assertEquals(new Operation("updateResource", "PUT", "/broker/api/v1/resource/{resourceId}"),
        op("PUT", "https://x.no/broker/api/v1/resource/my-resource"));
    assertEquals(new Operation("deleteSubscription", "DELETE", "/events/api/v1/subscriptions/{subscriptionId}"),
        op("DELETE", "https://x.no/events/api/v1/subscriptions/1234"));
  }

  @Test
  void aBaseUrlPrefixIsDropped() {
    assertEquals("confirmDownload",
        op("POST", "https://proxy.example.no/altinn/broker/api/v1/filetransfer/" + ID + "/confirmdownload").name());
  }

  @Test
  void unknownPathsAndMethodsAreOtherSoTagsStayBounded() {
    Operation other = new Operation("other", "other", "other");
    assertEquals(other, op("GET", "https://x.no/broker/api/v1/filetransfer/" + ID + "/something/" + ID));
    assertEquals(other, op("DELETE", "https://x.no/broker/api/v1/filetransfer/" + ID));
    assertEquals(other, op("GET", "https://x.no/token"));
    assertEquals(other, op("GET", "https://x.no/broker/api/v1/filetransfer/not-a-uuid"));
  }

  @Test
  void fileTransferIdFromThePath() {
    assertEquals(UUID.fromString(ID), Operations.fileTransferId(HttpUrl.get("https://x.no/broker/api/v1/filetransfer/"
        + ID + "/upload")));
    assertNull(Operations.fileTransferId(HttpUrl.get("https://x.no/broker/api/v1/filetransfer")));
  }
}
