package no.brokerclient.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import me.desair.tus.server.TusFileUploadService;
import me.desair.tus.server.upload.UploadInfo;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * {@code me.desair.tus:tus-java-server} (a TUS server nobody here wrote) on embedded Jetty, on loopback, dressed as
 * Broker: a minimal stand-in for initialize and the overview, and Broker's TUS URL scheme mapped onto
 * tus-java-server's own in this harness (the SDK is not adapted):
 *
 * <ul>
 *   <li>Broker's create URL {@code …/upload/tus/{fileTransferId}} already holds the id; tus-java-server creates at
 *       {@code /files} and makes its own UUIDs. A create of the single upload answers {@code Location:
 *       …/tus/{fileTransferId}} (relative, as Broker), a part {@code …/tus/{fileTransferId}/partial/{32 hex}};
 *       HEAD, PATCH and DELETE on those are passed to {@code /files/{uuid}}.</li>
 *   <li>{@code Upload-Concat: final;…} references (absolute paths or URLs, as Broker requires; relative → 400) are
 *       rewritten to tus-java-server's {@code /files/{uuid}}.</li>
 *   <li>A request meeting an upload another request holds gets Broker's {@code 423}: tus-java-server 1.0.0-3.0
 *       logs its own lock failure and leaves the answer empty (a bare {@code 200} without {@code Upload-Offset}).</li>
 *   <li>The overview is {@code Initialized}, {@code UploadStarted} once created, and {@code Published} (or {@code
 *       Failed} "Checksum mismatch" against the initialize checksum) once tus-java-server has the whole upload,
 *       with the MD5 of the stored bytes as {@code checksum}.</li>
 * </ul>
 *
 * {@link #patchBytesReceived} counts PATCH body bytes the server read; {@link #sha256} hashes what it stored.
 */
public final class TusJavaServerBroker implements AutoCloseable {
  public static final String API = "/broker/api/v1/filetransfer";
  public static final String TUS = API + "/upload/tus/";
  private static final String FILES = "/files";
  private static final Pattern TUS_PATH = Pattern.compile(
      Pattern.quote(TUS) + "([0-9a-fA-F-]{36})(?:/partial/([0-9a-f]{32}))?/?");
  private static final Pattern OVERVIEW_PATH = Pattern.compile(Pattern.quote(API) + "/([0-9a-fA-F-]{36})");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TusFileUploadService tus;
  private final Server jetty;
  private final ServerConnector connector;
  private final Map<UUID, Transfer> transfers = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final AtomicLong patchBytes = new AtomicLong();

  /** One transfer: its initialize checksum and the tus-java-server uploads behind Broker's URLs. */
  private static final class Transfer {
    final UUID id;
    final String checksum;
    final Instant created = Instant.now();
    final Map<String, String> parts = new ConcurrentHashMap<>(); // 32 hex → /files/{uuid}
    volatile String main; // the single upload or the final concatenation: /files/{uuid}
    volatile String md5;
    volatile String sha256;

    Transfer(UUID id, String checksum) {
      this.id = id;
      this.checksum = checksum;
    }
  }

  public TusJavaServerBroker(Path storage) throws Exception {
    tus = new TusFileUploadService().withUploadUri(FILES).withStoragePath(storage.toString())
        .withUploadExpirationPeriod(24L * 3600 * 1000);
    jetty = new Server();
    connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new Front()), "/*");
    jetty.setHandler(context);
    jetty.start();
  }

  public int port() {
    return connector.getLocalPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** @return PATCH body bytes read by the server, over all uploads */
  public long patchBytesReceived() {
    return patchBytes.get();
  }

  /** @return the number of parts created for the transfer */
  public int partCount(UUID fileTransferId) {
    return transfer(fileTransferId).parts.size();
  }

  /** @return the SHA-256 of the bytes tus-java-server stored for the transfer (joined parts included) */
  public String sha256(UUID fileTransferId) throws Exception {
    Transfer t = transfer(fileTransferId);
    return complete(t) ? t.sha256 : null;
  }

  private Transfer transfer(UUID id) {
    Transfer t = transfers.get(id);
    if (t == null) {
      throw new IllegalArgumentException("no transfer " + id);
    }
    return t;
  }

  @Override
  public void close() {
    try {
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    }
  }

  /** Computes the digests once the main upload is whole. */
  private boolean complete(Transfer t) throws Exception {
    String main = t.main;
    if (main == null) {
      return false;
    }
    if (t.md5 != null) {
      return true;
    }
    synchronized (t) {
      if (t.md5 != null) {
        return true;
      }
      UploadInfo info = tus.getUploadInfo(main);
      if (info == null || info.isUploadInProgress()) {
        return false;
      }
      MessageDigest md5 = digest("MD5");
      MessageDigest sha = digest("SHA-256");
      try (InputStream in = new DigestInputStream(new DigestInputStream(tus.getUploadedBytes(main), md5), sha)) {
        byte[] buf = new byte[1 << 16];
        while (in.read(buf) >= 0) {
          // digests only
        }
      }
      t.sha256 = HexFormat.of().formatHex(sha.digest());
      t.md5 = HexFormat.of().formatHex(md5.digest());
      return true;
    }
  }

  private static MessageDigest digest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Routes Broker's paths: initialize and overview here, TUS to tus-java-server under its own scheme. */
  private final class Front extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String path = req.getRequestURI();
      try {
        Matcher m = TUS_PATH.matcher(path);
        if (m.matches()) {
          tusRequest(req, resp, UUID.fromString(m.group(1)), m.group(2));
        } else if (path.equals(API) && req.getMethod().equals("POST")) {
          initialize(req, resp);
        } else if ((m = OVERVIEW_PATH.matcher(path)).matches() && req.getMethod().equals("GET")) {
          overview(resp, UUID.fromString(m.group(1)));
        } else {
          text(resp, 404, null);
        }
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
  }

  private void initialize(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    JsonNode body = JSON.readTree(req.getInputStream());
    JsonNode checksum = body.get("checksum");
    UUID id = UUID.randomUUID();
    transfers.put(id, new Transfer(id, checksum == null || checksum.isNull() ? null : checksum.asText()));
    json(resp, JSON.createObjectNode().put("fileTransferId", id.toString()));
  }

  private void overview(HttpServletResponse resp, UUID id) throws Exception {
    Transfer t = transfers.get(id);
    if (t == null) {
      text(resp, 404, null);
      return;
    }
    String status = "Initialized";
    String text = "Initialized";
    if (complete(t)) {
      boolean ok = t.checksum == null || t.checksum.equalsIgnoreCase(t.md5);
      status = ok ? "Published" : "Failed";
      text = ok ? "Published" : "Checksum mismatch";
    } else if (t.main != null || !t.parts.isEmpty()) {
      status = "UploadStarted";
      text = "Upload started";
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("fileTransferId", id.toString()).put("resourceId", "interop").put("fileName", "file.bin")
        .put("checksum", t.md5).put("useVirusScan", false).put("fileTransferSize", 0L)
        .put("fileTransferStatus", status).put("fileTransferStatusText", text)
        .put("fileTransferStatusChanged", Instant.now().toString()).put("created", t.created.toString())
        .put("expirationTime", t.created.plusSeconds(30L * 86_400).toString()).put("sender", "0192:991825827");
    n.putArray("recipients");
    n.putObject("propertyList");
    json(resp, n);
  }

  private void tusRequest(HttpServletRequest req, HttpServletResponse resp, UUID id, String part) throws Exception {
    Transfer t = transfers.get(id);
    String method = method(req);
    if (method.equals("OPTIONS")) {
      tus.process(new Mapped(req, FILES, null), resp);
      return;
    }
    if (t == null) {
      text(resp, 404, null);
      return;
    }
    if (method.equals("POST") && part == null) {
      create(req, resp, t);
      return;
    }
    String upload = part != null ? t.parts.get(part) : t.main;
    if (upload == null) {
      text(resp, 404, null);
      return;
    }
    ReentrantLock lock = locks.computeIfAbsent(upload, u -> new ReentrantLock());
    if (!lock.tryLock()) {
      resp.setHeader("Tus-Resumable", "1.0.0");
      text(resp, 423, "File is currently being updated. Please try again later");
      return;
    }
    try {
      tus.process(new Mapped(req, upload, null), resp);
    } finally {
      lock.unlock();
    }
  }

  private void create(HttpServletRequest req, HttpServletResponse resp, Transfer t) throws Exception {
    String concat = req.getHeader("Upload-Concat");
    String rewritten = null;
    boolean partial = "partial".equals(concat);
    if (concat != null && concat.startsWith("final;")) {
      List<String> files = new ArrayList<>();
      for (String ref : concat.substring(6).trim().split(" +")) {
        String p = ref.startsWith("http://") || ref.startsWith("https://") ? ref.replaceFirst("^https?://[^/]+", "")
            : ref;
        Matcher m = TUS_PATH.matcher(p);
        if (!p.startsWith("/") || !m.matches() || m.group(2) == null || !m.group(1).equals(t.id.toString())
            || !t.parts.containsKey(m.group(2))) {
          resp.setHeader("Tus-Resumable", "1.0.0");
          text(resp, 400, "Upload-Concat header is invalid: " + ref); // Broker: relative references → 400
          return;
        }
        files.add(t.parts.get(m.group(2)));
      }
      rewritten = "final;" + String.join(" ", files);
    }
    LocationCapture capture = new LocationCapture(resp);
    tus.process(new Mapped(req, FILES, rewritten), capture);
    if (capture.location == null) {
      return; // tus-java-server answered an error as it is
    }
    String file = capture.location.replaceFirst("^https?://[^/]+", "");
    if (partial) {
      String hex = file.substring(file.lastIndexOf('/') + 1).replace("-", "");
      t.parts.put(hex, file);
      resp.setHeader("Location", TUS + t.id + "/partial/" + hex);
    } else {
      t.main = file;
      resp.setHeader("Location", TUS + t.id);
    }
  }

  /** The method, honouring {@code X-HTTP-Method-Override} (TUS; tus-java-client sends PATCH as an overridden POST). */
  private static String method(HttpServletRequest req) {
    String override = req.getHeader("X-HTTP-Method-Override");
    return override != null && !override.isBlank()
        ? override.trim().toUpperCase(java.util.Locale.ROOT) : req.getMethod();
  }

  private static void text(HttpServletResponse resp, int status, String body) throws IOException {
    resp.setStatus(status);
    if (body != null) {
      resp.setContentType("text/plain; charset=utf-8");
      resp.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void json(HttpServletResponse resp, JsonNode node) throws IOException {
    resp.setStatus(200);
    resp.setContentType("application/json; charset=utf-8");
    resp.getOutputStream().write(JSON.writeValueAsBytes(node));
  }

  /** The request as tus-java-server should see it: its own URI, the rewritten final list, a counted body. */
  private final class Mapped extends HttpServletRequestWrapper {
    private final String uri;
    private final String concat;

    Mapped(HttpServletRequest req, String uri, String concat) {
      super(req);
      this.uri = uri;
      this.concat = concat;
    }

    @Override
    public String getRequestURI() {
      return uri;
    }

    @Override
    public StringBuffer getRequestURL() {
      return new StringBuffer("http://127.0.0.1:").append(port()).append(uri);
    }

    @Override
    public String getServletPath() {
      return uri;
    }

    @Override
    public String getPathInfo() {
      return null;
    }

    @Override
    public String getHeader(String name) {
      if (concat != null && name.equalsIgnoreCase("Upload-Concat")) {
        return concat;
      }
      return super.getHeader(name);
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      ServletInputStream in = super.getInputStream();
      if (!method(this).equals("PATCH")) {
        return in;
      }
      return new ServletInputStream() {
        @Override
        public int read() throws IOException {
          int b = in.read();
          if (b >= 0) {
            patchBytes.incrementAndGet();
          }
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = in.read(b, off, len);
          if (n > 0) {
            patchBytes.addAndGet(n);
          }
          return n;
        }

        @Override
        public boolean isFinished() {
          return in.isFinished();
        }

        @Override
        public boolean isReady() {
          return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
          in.setReadListener(listener);
        }
      };
    }
  }

  /** Keeps tus-java-server's {@code Location} for the harness to map (Broker's form is set instead). */
  private static final class LocationCapture extends HttpServletResponseWrapper {
    String location;

    LocationCapture(HttpServletResponse resp) {
      super(resp);
    }

    @Override
    public void setHeader(String name, String value) {
      if (name.equalsIgnoreCase("Location")) {
        location = value;
      } else {
        super.setHeader(name, value);
      }
    }

    @Override
    public void addHeader(String name, String value) {
      setHeader(name, value);
    }
  }
}
