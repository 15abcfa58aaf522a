package no.brokerclient.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback Maskinporten that verifies grants the way Maskinporten does (signature against the registered key
 * or certificate, {@code aud} = issuer, {@code iss} = client id, {@code exp − iat ≤ 120 s}, {@code iat} within
 * ±10 s, no reused {@code jti}, registered scopes), answers with MP-coded errors, and also serves the metadata
 * document and Altinn's token-exchange endpoint. Knobs: latency, queued failures, token lifetime, exchange body
 * form. Records every grant's claims and the peak number of concurrent token requests.
 *
 * <p>Size: grant verification (the bulk) is one set of rules Maskinporten applies together; metadata, the exchange and
 * the knobs are small. Splitting the rules would scatter what a reader checks against Maskinporten's docs.
 */
public final class FakeMaskinporten implements AutoCloseable {
  /** How the exchange endpoint writes the Altinn token. */
  public enum ExchangeForm { RAW, QUOTED, JSON }

  private final HttpServer server;
  private final ExecutorService executor;
  private final boolean ownsServer;
  private final RSAKey serverKey;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();
  private final Map<String, PublicKey> keysById = new ConcurrentHashMap<>();
  private final Set<PublicKey> trustedCertificateKeys = ConcurrentHashMap.newKeySet();
  private final Set<String> usedJti = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<int[]> tokenFailureStatus = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> tokenFailureBody = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Integer> exchangeFailures = new ConcurrentLinkedQueue<>();
  private final List<JWTClaimsSet> grants = Collections.synchronizedList(new ArrayList<>());
  private final List<JWSHeader> grantHeaders = Collections.synchronizedList(new ArrayList<>());
  private final List<String> assertions = Collections.synchronizedList(new ArrayList<>());
  private final List<Map<String, String>> exchangeRequests = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final AtomicInteger metadataRequests = new AtomicInteger();
  private final AtomicInteger exchangeCount = new AtomicInteger();
  private volatile Clock clock = Clock.systemUTC();
  private volatile long latencyMillis;
  private volatile int holdUntilInFlight;
  private volatile long holdMillis;
  private volatile long tokenLifetimeSeconds = 120;
  private volatile Duration altinnLifetime = Duration.ofMinutes(30);
  private volatile ExchangeForm exchangeForm = ExchangeForm.RAW;
  private volatile boolean metadataAvailable = true;

  /** A registered Maskinporten client: its organisation and scopes. */
  private record Client(String org, Set<String> scopes) {}

  /**
   * Starts a stand-alone fake on an ephemeral loopback port with one client owned by organisation 991825827.
   *
   * @param clientId the registered client id
   * @param scopes scopes registered on the client
   * @throws IOException if the server cannot start
   */
  public FakeMaskinporten(String clientId, String... scopes) throws IOException {
    this((HttpServer) null, null);
    registerClient(clientId, "991825827", scopes);
  }

  /** Mounts the fake on a server owned by someone else (FakeAltinn), or starts its own when {@code shared} is null. */
  FakeMaskinporten(HttpServer shared, com.sun.net.httpserver.Filter filter) throws IOException {
    try {
      serverKey = new RSAKeyGenerator(2048).keyID("fake-mp").generate();
    } catch (JOSEException e) {
      throw new IOException(e);
    }
    ownsServer = shared == null;
    if (ownsServer) {
      executor = Executors.newFixedThreadPool(256);
      Http.preferNoDelay();
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      server.setExecutor(executor);
    } else {
      executor = null;
      server = shared;
    }
    List<com.sun.net.httpserver.HttpContext> contexts = List.of(
        server.createContext("/.well-known/oauth-authorization-server", this::metadata),
        server.createContext("/token", this::token),
        server.createContext("/authentication/api/v1/exchange/maskinporten", this::exchange));
    if (filter != null) {
      contexts.forEach(c -> c.getFilters().add(filter));
    }
    if (ownsServer) {
      server.start();
    }
  }

  /**
   * Registers a client.
   *
   * @param clientId the client id (the grant's {@code iss})
   * @param organization the nine-digit organisation number that owns it (the token's {@code consumer})
   * @param scopes the scopes it may ask for
   * @return this
   */
  public FakeMaskinporten registerClient(String clientId, String organization, String... scopes) {
    clients.put(clientId, new Client(organization, Set.of(scopes)));
    return this;
  }

  /** @return {@code http://127.0.0.1:<port>/}, the issuer and grant audience */
  public String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** @return the platform URL for the exchange endpoint (same server) */
  public String platformUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * @param kid a key id
   * @param key its public key
   * @return this
   */
  public FakeMaskinporten registerKey(String kid, PublicKey key) {
    keysById.put(kid, key);
    return this;
  }

  /**
   * @param certificateKey the public key of a business certificate trusted for this client
   * @return this
   */
  public FakeMaskinporten trustCertificate(PublicKey certificateKey) {
    trustedCertificateKeys.add(certificateKey);
    return this;
  }

  /**
   * Holds every token request until {@code n} are in flight at the same time (or {@code max} passes), then
   * answers them all. Proves parallelism without timing thresholds: serialised requests never reach {@code n}.
   *
   * @param n requests to gather
   * @param max how long a request waits at most
   */
  public void holdUntilInFlight(int n, Duration max) {
    this.holdMillis = max.toMillis();
    this.holdUntilInFlight = n;
  }

  /** @param millis delay before every token answer */
  public void latency(long millis) {
    this.latencyMillis = millis;
  }

  /** @param seconds {@code expires_in} (and token {@code exp}) of issued tokens */
  public void tokenLifetime(long seconds) {
    this.tokenLifetimeSeconds = seconds;
  }

  /** @param d lifetime of exchanged Altinn tokens */
  public void altinnLifetime(Duration d) {
    this.altinnLifetime = d;
  }

  /** @param form how the exchange writes the token */
  public void exchangeForm(ExchangeForm form) {
    this.exchangeForm = form;
  }

  Clock clock() {
    return clock;
  }

  /**
   * @param clock the server's clock for checking grants and issuing tokens; default the system clock. The HTTP
   *     {@code Date} header, which the SDK's clock-skew correction reads, always carries real time (the JDK server
   *     sets it), so skew a test by giving the <em>client</em> a different clock
   */
  public void clock(Clock clock) {
    this.clock = clock;
  }

  /** @param available whether the metadata document is served */
  public void metadataAvailable(boolean available) {
    this.metadataAvailable = available;
  }

  /**
   * Queues one failure for the next token request.
   *
   * @param status HTTP status
   * @param body body
   */
  public void failNextToken(int status, String body) {
    tokenFailureStatus.add(new int[] {status});
    tokenFailureBody.add(body);
  }

  /** @param status queues one failure for the next exchange */
  public void failNextExchange(int status) {
    exchangeFailures.add(status);
  }

  /** @return token requests received */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  /** @return the most token requests that were in flight at once */
  public int peakInFlight() {
    return peakInFlight.get();
  }

  /** @return metadata requests received */
  public int metadataRequests() {
    return metadataRequests.get();
  }

  /** @return exchange requests received */
  public int exchanges() {
    return exchangeCount.get();
  }

  /** @return claims of every grant received (valid or not) */
  public List<JWTClaimsSet> grants() {
    return new ArrayList<>(grants);
  }

  /** @return every signed assertion received, as sent */
  public List<String> assertions() {
    return new ArrayList<>(assertions);
  }

  /** @return headers of every grant received */
  public List<JWSHeader> grantHeaders() {
    return new ArrayList<>(grantHeaders);
  }

  /** @return per exchange request: authorization, subscription key and query */
  public List<Map<String, String>> exchangeRequests() {
    return new ArrayList<>(exchangeRequests);
  }

  private void metadata(HttpExchange ex) throws IOException {
    try (ex) {
      metadataRequests.incrementAndGet();
      if (!metadataAvailable) {
        send(ex, 503, "text/plain", "unavailable");
        return;
      }
      send(ex, 200, "application/json", "{\"issuer\":\"" + issuer() + "\",\"token_endpoint\":\"" + issuer()
          + "token\",\"jwks_uri\":\"" + issuer() + "jwk\"}");
    }
  }

  private void token(HttpExchange ex) throws IOException {
    try (ex) {
      tokenRequests.incrementAndGet();
      int now = inFlight.incrementAndGet();
      peakInFlight.accumulateAndGet(now, Math::max);
      try {
        if (latencyMillis > 0) {
          Thread.sleep(latencyMillis);
        }
        long deadline = System.nanoTime() + holdMillis * 1_000_000;
        while (holdUntilInFlight > 0 && peakInFlight.get() < holdUntilInFlight && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (form.get("assertion") != null) {
          assertions.add(form.get("assertion"));
        }
        int[] failure = tokenFailureStatus.poll();
        if (failure != null) {
          String body = tokenFailureBody.poll();
          recordGrant(form.get("assertion"));
          send(ex, failure[0], "application/json", body);
          return;
        }
        String[] result = verify(form);
        send(ex, Integer.parseInt(result[0]), "application/json", result[1]);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  private void recordGrant(String assertion) {
    try {
      SignedJWT jwt = SignedJWT.parse(assertion);
      grants.add(jwt.getJWTClaimsSet());
      grantHeaders.add(jwt.getHeader());
    } catch (Exception e) {
      // not a JWT; nothing to record
    }
  }

  private String[] verify(Map<String, String> form) {
    if (form.size() != 2 || !"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))
        || form.get("assertion") == null) {
      return err(400, "invalid_request", "MP-011", "expected exactly grant_type (jwt-bearer) and assertion");
    }
    SignedJWT jwt;
    JWTClaimsSet c;
    try {
      jwt = SignedJWT.parse(form.get("assertion"));
      c = jwt.getJWTClaimsSet();
    } catch (Exception e) {
      return err(400, "invalid_request", "MP-011", "assertion is not a JWT");
    }
    grants.add(c);
    grantHeaders.add(jwt.getHeader());
    JWSHeader h = jwt.getHeader();
    if (!Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512).contains(h.getAlgorithm())) {
      return err(400, "invalid_grant", "MP-124", "unsupported alg " + h.getAlgorithm());
    }
    PublicKey key = null;
    if (h.getX509CertChain() != null && !h.getX509CertChain().isEmpty()) {
      try {
        Base64 leaf = h.getX509CertChain().get(0);
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(leaf.decode()));
        if (!trustedCertificateKeys.contains(cert.getPublicKey())) {
          return err(400, "invalid_grant", "MP-122", "certificate not registered for client");
        }
        key = cert.getPublicKey();
      } catch (Exception e) {
        return err(400, "invalid_grant", "MP-123", "Invalid JWT header x5c");
      }
    } else if (h.getKeyID() != null) {
      key = keysById.get(h.getKeyID());
      if (key == null) {
        return err(400, "invalid_grant", null, "Unknown key identifier (kid) for client");
      }
    } else {
      return err(400, "invalid_grant", null, "Either 'kid' or 'x5c' must be present");
    }
    try {
      if (!jwt.verify(new RSASSAVerifier((RSAPublicKey) key))) {
        return err(400, "invalid_grant", "MP-124", "Invalid signature");
      }
    } catch (JOSEException e) {
      return err(400, "invalid_grant", "MP-124", "Invalid signature");
    }
    Client client = c.getIssuer() == null ? null : clients.get(c.getIssuer());
    if (client == null) {
      return err(400, "invalid_grant", "MP-100", "Invalid client " + c.getIssuer());
    }
    if (c.getAudience() == null || c.getAudience().size() != 1 || !issuer().equals(c.getAudience().get(0))) {
      return err(400, "invalid_grant", "MP-110", "Invalid audience " + c.getAudience());
    }
    Instant now = clock.instant();
    if (c.getIssueTime() == null || c.getExpirationTime() == null) {
      return err(400, "invalid_grant", "MP-130", "iat and exp are required");
    }
    Instant iat = c.getIssueTime().toInstant();
    Instant exp = c.getExpirationTime().toInstant();
    if (Duration.between(iat, exp).getSeconds() > 120) {
      return err(400, "invalid_grant", null, "JWT has too long lifetime");
    }
    if (iat.isAfter(now.plusSeconds(10))) {
      return err(400, "invalid_grant", null, "Issue time is in the future");
    }
    if (exp.isBefore(now.minusSeconds(10))) {
      return err(400, "invalid_grant", "MP-130", "JWT has expired");
    }
    if (c.getJWTID() == null || !usedJti.add(c.getJWTID())) {
      return err(400, "invalid_grant", "MP-012", "Grant is used before");
    }
    Object scopeClaim = c.getClaim("scope");
    if (!(scopeClaim instanceof String scopeText) || scopeText.isBlank()) {
      return err(400, "invalid_scope", "MP-200", "scope claim missing");
    }
    for (String s : scopeText.split(" ")) {
      if (!client.scopes().contains(s)) {
        return err(400, "invalid_scope", "MP-200", "Scope " + s + " is not registered for client");
      }
    }
    String systemUserError = systemUserError(c, client.org());
    if (systemUserError != null) {
      return err(400, "invalid_altinn_customer_configuration", "MP-303", systemUserError);
    }
    try {
      JWTClaimsSet.Builder tb = new JWTClaimsSet.Builder()
          .issuer(issuer())
          .claim("client_id", c.getIssuer())
          .claim("scope", scopeText)
          .claim("token_type", "Bearer")
          .claim("consumer", Map.of("authority", "iso6523-actorid-upis", "ID", "0192:" + client.org()))
          .issueTime(Date.from(now))
          .expirationTime(Date.from(now.plusSeconds(tokenLifetimeSeconds)))
          .jwtID(UUID.randomUUID().toString());
      for (String copied : List.of("authorization_details", "consumer_org", "resource")) {
        if (c.getClaim(copied) != null) {
          tb.claim(copied, c.getClaim(copied));
        }
      }
      String token = sign(tb.build());
      return new String[] {"200", "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
            + tokenLifetimeSeconds + ",\"scope\":\"" + scopeText + "\"}"};
    } catch (JOSEException e) {
      return err(500, "server_error", null, e.getMessage());
    }
  }

  /** Asks the system register whether a system-user grant names an approved system user (FakeAltinn only). */
  private String systemUserError(JWTClaimsSet grant, String vendorOrg) {
    SystemUserCheck check = systemUserCheck;
    if (check == null || !(grant.getClaim("authorization_details") instanceof List<?> details)) {
      return null;
    }
    for (Object o : details) {
      if (o instanceof Map<?, ?> d && "urn:altinn:systemuser".equals(d.get("type"))
          && d.get("systemuser_org") instanceof Map<?, ?> su && su.get("ID") instanceof String id) {
        String ref = d.get("externalRef") instanceof String r ? r : null;
        String result = check.check(grant.getIssuer(), vendorOrg, id.substring(id.indexOf(':') + 1), ref);
        if (result != null && !result.isEmpty()) {
          return result;
        }
      }
    }
    return null;
  }

  /** The system register's answer for Maskinporten: {@code null} or empty when fine, else why not. */
  interface SystemUserCheck {
    String check(String clientId, String vendorOrg, String customerOrg, String externalRef);
  }

  volatile SystemUserCheck systemUserCheck;

  /** @return the organisations owning registered clients */
  java.util.Set<String> organizations() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    clients.values().forEach(c -> out.add(c.org()));
    return out;
  }

  private String sign(JWTClaimsSet claims) throws JOSEException {
    SignedJWT t = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(serverKey.getKeyID()).build(), claims);
    t.sign(new RSASSASigner(serverKey));
    return t.serialize();
  }

  /**
   * @param token a token
   * @return its claims if this server issued it and it is unexpired; else {@code null}
   */
  public JWTClaimsSet verifyIssued(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!jwt.verify(new RSASSAVerifier(serverKey.toRSAPublicKey()))) {
        return null;
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      return c.getExpirationTime().toInstant().isAfter(clock.instant()) ? c : null;
    } catch (Exception e) {
      return null;
    }
  }

  private void exchange(HttpExchange ex) throws IOException {
    try (ex) {
      exchangeCount.incrementAndGet();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      Map<String, String> rec = new HashMap<>();
      rec.put("authorization", String.valueOf(auth));
      rec.put("subscriptionKey", String.valueOf(ex.getRequestHeaders().getFirst("Ocp-Apim-Subscription-Key")));
      rec.put("query", String.valueOf(ex.getRequestURI().getRawQuery()));
      rec.put("accept", String.valueOf(ex.getRequestHeaders().getFirst("Accept")));
      exchangeRequests.add(rec);
      Integer failure = exchangeFailures.poll();
      if (failure != null) {
        send(ex, failure, "text/plain", "");
        return;
      }
      JWTClaimsSet mp = auth != null && auth.startsWith("Bearer ") ? verifyIssued(auth.substring(7)) : null;
      if (mp == null) {
        ex.sendResponseHeaders(401, -1);
        return;
      }
      Instant now = clock.instant();
      JWTClaimsSet.Builder b = new JWTClaimsSet.Builder(mp)
          .issuer(altinnIssuer())
          .claim("urn:altinn:orgNumber", consumerOrg(mp))
          .claim("urn:altinn:authenticatemethod", "maskinporten")
          .issueTime(Date.from(now))
          .expirationTime(Date.from(now.plus(altinnLifetime)))
          .jwtID(UUID.randomUUID().toString());
      String token = sign(b.build());
      switch (exchangeForm) {
        case QUOTED -> send(ex, 200, "application/json", "\"" + token + "\"");
        case JSON -> send(ex, 200, "application/json", "{\"access_token\":\"" + token + "\"}");
        default -> send(ex, 200, "text/plain", token);
      }
    } catch (JOSEException e) {
      throw new IOException(e);
    }
  }

  private static String consumerOrg(JWTClaimsSet claims) {
    Object consumer = claims.getClaim("consumer");
    if (consumer instanceof Map<?, ?> m && m.get("ID") instanceof String id) {
      return id.substring(id.indexOf(':') + 1);
    }
    return null;
  }

  /** @return the issuer of exchanged Altinn tokens */
  public String altinnIssuer() {
    return platformUrl() + "/authentication/api/v1/openid/";
  }

  private static String[] err(int status, String error, String mp, String text) {
    String trace = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String description = (mp != null ? mp + " " : "") + text + " (trace_id: " + trace + ")";
    return new String[] {Integer.toString(status), "{\"error\":\"" + error + "\",\"error_description\":\""
          + description.replace("\"", "'") + "\"}"};
  }

  /** The token request's form, the last value of each name. */
  private static Map<String, String> form(String body) {
    Map<String, String> m = new HashMap<>();
    Http.form(body).forEach((name, values) -> m.put(name, values.get(values.size() - 1)));
    return m;
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
  }

  @Override
  public void close() {
    if (ownsServer) {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
