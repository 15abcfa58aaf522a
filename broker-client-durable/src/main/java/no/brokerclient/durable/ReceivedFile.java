package no.brokerclient.durable;

import java.nio.file.Path;
import java.util.UUID;
import no.brokerclient.model.FileTransferOverview;

/**
 * A downloaded, verified file handed to the {@link InboxHandler}.
 *
 * @param fileTransferId the transfer
 * @param path the file (size and MD5 checked against Broker's overview); the inbox deletes it after confirming
 *     unless {@link Inbox.Builder#deleteAfterConfirm} is off, so move or copy it
 * @param size its size in bytes
 * @param md5 its MD5, lower-case hex
 * @param overview the transfer's overview (file name, sender, properties)
 * @param attempt 1 the first time the handler sees this transfer; more after failures or crashes
 */
public record ReceivedFile(UUID fileTransferId, Path path, long size, String md5, FileTransferOverview overview,
    int attempt) {

  /** @return the key to deduplicate on: the file transfer id, the same on every delivery to the handler */
  public String idempotencyKey() {
    return fileTransferId.toString();
  }
}
