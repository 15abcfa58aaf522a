package no.brokerclient;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.SearchRole;
import no.brokerclient.model.UploadResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out what happened when a non-idempotent call's answer was lost: {@link BrokerClient#findInitialized} (which
 * transfers an initialize created) and an upload answered 409 (an earlier attempt may have succeeded: the overview
 * and the MD5 say). Immutable.
 */
final class UploadReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerClient.class);

  /** The MD5 of the local bytes, computed only when a 409 needs it. */
  interface Md5Source {
    String md5() throws IOException;
  }

  private final Function<FileTransferSearch, Stream<UUID>> searchAll;
  private final Function<UUID, FileTransferOverview> overview;

  /**
   * @param searchAll the client's {@code searchAll}
   * @param overview an overview call with the sender's scopes
   */
  UploadReconciler(Function<FileTransferSearch, Stream<UUID>> searchAll,
      Function<UUID, FileTransferOverview> overview) {
    this.searchAll = searchAll;
    this.overview = overview;
  }

  List<FileTransferOverview> findInitialized(FileTransferInitialize request, Instant since) {
    FileTransferSearch search = FileTransferSearch.builder(request.resourceId().id())
        .role(SearchRole.SENDER).from(since).build();
    List<FileTransferOverview> matches = new ArrayList<>();
    try (Stream<UUID> ids = searchAll.apply(search)) {
      ids.forEach(id -> {
        FileTransferOverview o = overview.apply(id);
        if (request.sendersFileTransferReference().equals(o.sendersFileTransferReference())
            && request.fileName().equals(o.fileName())) {
          matches.add(o);
        }
      });
    }
    return matches;
  }

  /**
   * @param id the transfer the upload went to
   * @param e the 409
   * @param localMd5 the local bytes' MD5, or {@code null} when they cannot be read again (a stream)
   * @return the result of the earlier attempt, when the overview shows the upload done with the same MD5 (or no MD5
   *     to compare)
   * @throws BrokerConflictException otherwise, saying the transfer's status
   */
  UploadResult afterConflict(UUID id, BrokerConflictException e, Md5Source localMd5) {
    FileTransferOverview o = overview.apply(id);
    FileTransferStatus s = o.fileTransferStatus();
    boolean uploaded = s.equals(FileTransferStatus.UPLOAD_PROCESSING) || s.equals(FileTransferStatus.PUBLISHED)
        || s.equals(FileTransferStatus.ALL_CONFIRMED_DOWNLOADED);
    if (uploaded) {
      String ours = null;
      if (localMd5 != null) {
        try {
          ours = localMd5.md5();
        } catch (IOException io) {
          LOG.debug("could not hash local file after 409: {}", io.toString());
        }
      }
      String theirs = o.checksum() == null || o.checksum().isBlank() ? null : o.checksum();
      if (ours == null || theirs == null || ours.equals(theirs)) {
        LOG.info("Upload to file transfer {} got 409, but the overview shows {}: an earlier attempt succeeded", id, s);
        return new UploadResult(id, o.fileTransferSize(), theirs);
      }
    }
    throw new BrokerConflictException(e.error(), "The transfer is " + s + " (" + o.fileTransferStatusText()
        + "); a transfer takes one upload: initialize a new file transfer and upload again");
  }
}
