package no.brokerclient.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tus.java.client.TusClient;
import io.tus.java.client.TusUploader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import no.brokerclient.BrokerClient;
import no.brokerclient.ChecksumMismatchException;
import no.brokerclient.ProgressListener;
import no.brokerclient.ProgressListenerException;
import no.brokerclient.RetryPolicy;
import no.brokerclient.Role;
import no.brokerclient.UploadCheckpointStore;
import no.brokerclient.UploadMode;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.UploadResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's TUS client against {@code me.desair.tus:tus-java-server} (not written here) behind {@link
 * TusJavaServerBroker}, through a {@link LoopbackProxy} that can cut connections: sequential and parallel
 * ({@code Upload-Concat}) uploads, a cut mid-PATCH resumed in-process, a restart resumed from the checkpoint, and a
 * checksum mismatch; and the official tus-java-client through the same harness. Every test compares the SHA-256 of what
 * the server stored with the file's.
 */
class TusJavaServerInteropTest {
  static final int CHUNK = 256 * 1024;
  static final long SIZE = 24L * CHUNK + 4321;

  @TempDir Path dir;
  TusJavaServerBroker server;
  LoopbackProxy proxy;
  Path file;
  String sha256;
  String md5;

  @BeforeEach
  void start() throws Exception {
    server = new TusJavaServerBroker(Files.createDirectories(dir.resolve("tus-storage")));
    proxy = LoopbackProxy.builder(server.port()).start();
    file = dir.resolve("big.bin");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    MessageDigest m = MessageDigest.getInstance("MD5");
    Random random = new Random(11);
    byte[] buf = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = SIZE; left > 0; ) {
        int n = (int) Math.min(buf.length, left);
        random.nextBytes(buf);
        out.write(buf, 0, n);
        sha.update(buf, 0, n);
        m.update(buf, 0, n);
        left -= n;
      }
    }
    sha256 = HexFormat.of().formatHex(sha.digest());
    md5 = HexFormat.of().formatHex(m.digest());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  BrokerClient client(int parts) {
    return client(parts, UploadCheckpointStore.besideFile());
  }

  BrokerClient client(int parts, UploadCheckpointStore checkpoints) {
    RetryPolicy fast = RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(200)).build();
    return BrokerClient.builder().baseUrl(proxy.url()).accessTokenProvider(AccessTokenProvider.fixed("interop"))
        .roles(Role.SENDER).retryPolicy(fast).tusChunkSize(CHUNK).tusParallelParts(parts)
        .uploadCheckpoints(checkpoints).build();
  }

  UUID initialize(BrokerClient c, String checksum) {
    FileTransferInitialize.Builder b = FileTransferInitialize.builder().resourceId("interop").fileName("big.bin")
        .sender(OrganizationNumber.of("991825827")).recipient(OrganizationNumber.of("986252932"));
    if (checksum != null) {
      b.checksum(checksum);
    }
    return c.initialize(b.build());
  }

  UploadResult upload(BrokerClient c, UUID id, UploadMode mode) {
    return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> c.upload(id, file, ProgressListener.NONE, mode));
  }

  @Test
  void sequentialUploadArrivesWholeAndEachByteIsSentOnce() throws Exception {
    try (BrokerClient c = client(1)) {
      UUID id = initialize(c, md5);
      UploadResult r = upload(c, id, UploadMode.TUS);
      assertEquals(SIZE, r.size());
      assertEquals(md5, r.md5(), "the MD5 the server reports for its stored bytes");
      assertEquals(sha256, server.sha256(id), "tus-java-server stored exactly the file");
      assertEquals(0, server.partCount(id));
      assertEquals(SIZE, server.patchBytesReceived());
    }
  }

  @Test
  void parallelPartsAreJoinedByTheConcatenationExtension() throws Exception {
    try (BrokerClient c = client(4)) {
      UUID id = initialize(c, md5);
      upload(c, id, UploadMode.TUS_PARALLEL);
      assertEquals(4, server.partCount(id));
      assertEquals(sha256, server.sha256(id), "the parts joined in file order");
      assertEquals(SIZE, server.patchBytesReceived());
    }
  }

  /**
   * Uploads in {@code parts} with the connection cut once, when the server has half the file, and checks the file
   * arrived whole.
   *
   * @return the bytes the server received twice
   */
  long uploadCutAtHalf(int parts, UploadMode mode) throws Exception {
    try (BrokerClient c = client(parts)) {
      UUID id = initialize(c, md5);
      proxy.cutWhenUpstreamReaches(SIZE / 2);
      upload(c, id, mode);
      assertEquals(1, proxy.cuts(), "the connection was cut once, mid-PATCH");
      assertEquals(sha256, server.sha256(id));
      return server.patchBytesReceived() - SIZE;
    }
  }

  @Test
  void connectionCutMidPatchResumesFromTheServersOffset() throws Exception {
    long resent = uploadCutAtHalf(1, UploadMode.TUS);
    assertTrue(resent >= 0 && resent <= CHUNK, "at most one chunk sent twice, was " + resent);
  }

  @Test
  void everyPartCutAtHalfResumesOnItsOwn() throws Exception {
    long resent = uploadCutAtHalf(4, UploadMode.TUS_PARALLEL);
    assertTrue(resent >= 0 && resent <= 4L * CHUNK, "at most one chunk per part sent twice, was " + resent);
  }

  @Test
  void restartResumesFromTheCheckpointWithoutResendingWhatTheServerHas() throws Exception {
    UploadCheckpointStore store = UploadCheckpointStore.directory(Files.createDirectories(dir.resolve("ckpt")));
    UUID id;
    try (BrokerClient first = client(4, store)) {
      id = initialize(first, md5);
      ProgressListener crash = (done, total) -> {
        if (done > total / 2) {
          throw new IllegalStateException("process dies at half");
        }
      };
      assertThrows(ProgressListenerException.class, () -> first.upload(id, file, crash, UploadMode.TUS_PARALLEL));
    }
    long before = server.patchBytesReceived();
    assertTrue(before < SIZE, "the first process stopped early, after " + before);
    try (BrokerClient second = client(4, store)) {
      UploadResult r = assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> second.resumeUpload(id, file, ProgressListener.NONE));
      assertEquals(md5, r.md5());
    }
    assertEquals(sha256, server.sha256(id));
    long resent = server.patchBytesReceived() - SIZE;
    assertTrue(resent >= 0 && resent <= 4L * CHUNK, "at most one chunk per part sent twice, was " + resent);
  }

  @Test
  void aChecksumTheStoredBytesDoNotMatchIsTyped() {
    try (BrokerClient c = client(1)) {
      UUID id = initialize(c, "0123456789abcdef0123456789abcdef");
      assertThrows(ChecksumMismatchException.class, () -> upload(c, id, UploadMode.TUS));
    }
  }

  /** The harness speaks TUS to a client that is not ours either (so the SDK's results are not the harness's). */
  @Test
  void theOfficialTusJavaClientUploadsThroughTheSameHarness() throws Exception {
    try (BrokerClient c = client(1)) {
      UUID id = initialize(c, md5);
      TusClient tusClient = new TusClient();
      tusClient.setUploadCreationURL(URI.create(proxy.url() + TusJavaServerBroker.TUS + id).toURL());
      TusUploader uploader = tusClient.createUpload(new io.tus.java.client.TusUpload(file.toFile()));
      uploader.setRequestPayloadSize(CHUNK);
      // Stop at the end: one more uploadChunk() sends an empty PATCH with Expect: 100-continue, the server answers
      // 204 at once, and HttpURLConnection takes that for "Server rejected operation".
      while (uploader.getOffset() < SIZE && uploader.uploadChunk() > -1) {
        // until the whole file is sent
      }
      uploader.finish();
      assertEquals(sha256, server.sha256(id));
    }
  }

  @Test
  void optionsAdvertiseTheConcatenationExtension() throws IOException {
    java.net.HttpURLConnection u = (java.net.HttpURLConnection) java.net.URI.create(
        server.url() + TusJavaServerBroker.TUS + UUID.randomUUID()).toURL().openConnection();
    u.setRequestMethod("OPTIONS");
    try {
      assertEquals(204, u.getResponseCode());
      assertNotNull(u.getHeaderField("Tus-Extension"));
      assertTrue(u.getHeaderField("Tus-Extension").contains("concatenation"), u.getHeaderField("Tus-Extension"));
    } finally {
      u.disconnect();
    }
  }
}
