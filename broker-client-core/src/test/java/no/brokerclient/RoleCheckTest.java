package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.MonthlyStatisticsRequest;
import no.brokerclient.model.ResourceSettingsUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operation on a client without the role it needs throws {@link IllegalStateException} naming the role and the
 * builder call, before any token is asked for or any request is sent (counted at the mock server).
 */
class RoleCheckTest extends MockServerTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");

  @TempDir Path dir;

  record Op(String name, Role needs, Consumer<BrokerClient> call) {}

  List<Op> operations() throws Exception {
    Path file = Files.write(dir.resolve("f.bin"), new byte[] {1, 2, 3});
    Path target = dir.resolve("out.bin");
    FileTransferInitialize init = FileTransferInitialize.builder().resourceId("my-resource").fileName("f.bin")
        .sender("991825827").recipient("986252932").build();
    FileTransferSearch search = FileTransferSearch.builder("my-resource").build();
    MonthlyStatisticsRequest month = MonthlyStatisticsRequest.builder(YearMonth.of(2026, 1)).build();
    List<Op> ops = new ArrayList<>();
    ops.add(new Op("initialize", Role.SENDER, c -> c.initialize(init)));
    ops.add(new Op("upload(Path)", Role.SENDER, c -> c.upload(ID, file)));
    ops.add(new Op("upload(Path, TUS)", Role.SENDER, c -> c.upload(ID, file, ProgressListener.NONE, UploadMode.TUS)));
    ops.add(new Op("upload(stream)", Role.SENDER,
        c -> c.upload(ID, new ByteArrayInputStream(new byte[3]), 3, ProgressListener.NONE)));
    ops.add(new Op("resumeUpload", Role.SENDER, c -> c.resumeUpload(ID, file, ProgressListener.NONE)));
    ops.add(new Op("initializeAndUpload", Role.SENDER, c -> c.initializeAndUpload(init, file, ProgressListener.NONE)));
    ops.add(new Op("send", Role.SENDER, c -> c.send(init, file)));
    ops.add(new Op("findInitialized", Role.SENDER, c -> c.findInitialized(init, Instant.now())));
    ops.add(new Op("download", Role.RECIPIENT, c -> c.download(ID, target)));
    ops.add(new Op("openDownload", Role.RECIPIENT, c -> c.openDownload(ID)));
    ops.add(new Op("confirmDownload", Role.RECIPIENT, c -> c.confirmDownload(ID)));
    ops.add(new Op("getResource", Role.SERVICE_OWNER, c -> c.serviceOwner().getResource("my-resource")));
    ops.add(new Op("updateResource", Role.SERVICE_OWNER, c -> c.serviceOwner().updateResource("my-resource",
        ResourceSettingsUpdate.builder().fileTransferTimeToLive(Duration.ofDays(1)).build())));
    ops.add(new Op("registerServiceOwner", Role.SERVICE_OWNER, c -> c.serviceOwner().registerServiceOwner("x")));
    ops.add(new Op("getServiceOwner", Role.SERVICE_OWNER, c -> c.serviceOwner().getServiceOwner()));
    ops.add(new Op("openMonthlyStatistics", Role.SERVICE_OWNER, c -> c.serviceOwner().openMonthlyStatistics(month)));
    ops.add(new Op("downloadMonthlyStatistics", Role.SERVICE_OWNER,
        c -> c.serviceOwner().downloadMonthlyStatistics(month, target)));
    // Either party: refused only without SENDER and RECIPIENT (needs == null).
    ops.add(new Op("getOverview", null, c -> c.getOverview(ID)));
    ops.add(new Op("getDetails", null, c -> c.getDetails(ID)));
    ops.add(new Op("search", null, c -> c.search(search)));
    ops.add(new Op("searchAll", null, c -> c.searchAll(search).close()));
    ops.add(new Op("awaitStatus", null, c -> c.awaitStatus(ID, FileTransferStatus.PUBLISHED, Duration.ofSeconds(1))));
    return ops;
  }

  @Test
  void everyOperationWithoutItsRoleThrowsBeforeAnyTokenOrRequest() throws Exception {
    int refused = 0;
    for (Role only : Role.values()) {
      try (BrokerClient c = builder().roles(only).build()) {
        for (Op op : operations()) {
          boolean allowed = op.needs() == null ? only != Role.SERVICE_OWNER : op.needs() == only;
          if (allowed) {
            continue;
          }
          IllegalStateException e = assertThrows(IllegalStateException.class, () -> op.call().accept(c),
              op.name() + " with only " + only);
          String needed = op.needs() == null ? "SENDER" : op.needs().name();
          assertTrue(e.getMessage().contains("roles(Role." + needed), op.name() + ": " + e.getMessage());
          assertTrue(e.getMessage().contains("[" + only + "]"), "names the roles it has: " + e.getMessage());
          refused++;
        }
      }
    }
    assertEquals(0, server.getRequestCount(), "no request reached the server");
    assertEquals(List.of(), tokens.requested, "no token was asked for");
    // SENDER lacks 3 recipient + 6 service-owner calls; RECIPIENT 8 sender + 6; SERVICE_OWNER 8 + 3 + 5 either-party.
    assertEquals(9 + 14 + 16, refused, "every pair of operation and missing role was tried");
  }

  @Test
  void serviceOwnerMessageNamesTheScopeAndTheBuilderCall() {
    try (BrokerClient sender = builder().roles(Role.SENDER).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> sender.serviceOwner().getResource("my-resource"));
      assertTrue(e.getMessage().contains("altinn:serviceowner"), e.getMessage());
      assertTrue(e.getMessage().contains("BrokerClient.builder().roles(Role.SERVICE_OWNER"), e.getMessage());
    }
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void withTheRoleTheSameCallGoesOut() {
    try (BrokerClient recipient = builder().roles(Role.RECIPIENT).build()) {
      server.enqueue(empty(200));
      recipient.confirmDownload(ID);
      assertEquals(1, server.getRequestCount());
      assertEquals(List.of(Role.RECIPIENT.scopes()), tokens.requested);
    }
  }
}
