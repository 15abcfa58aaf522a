package no.brokerclient.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import no.brokerclient.BrokerAccessDeniedException;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerException;
import no.brokerclient.BrokerNotFoundException;
import no.brokerclient.BrokerUnauthorizedException;
import no.brokerclient.Role;
import no.brokerclient.auth.GrantSigner;
import no.brokerclient.auth.MaskinportenException;
import no.brokerclient.auth.MaskinportenView;
import no.brokerclient.events.Subscription;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.SearchRole;

/**
 * Walks Altinn's common steps for one role against the configured environment and says, per step, what passed and
 * what to do about what did not. A check whose prerequisite failed is reported as skipped (and fails the run).
 *
 * <p>Size: the twelve checks in the order of the common steps, each a short method with its fix text; keeping them
 * in one file keeps that order and the shared state (token, clients) readable top to bottom.
 */
final class Doctor {
  /** Maskinporten allows ±10 s; with the {@code Date} header's 1 s resolution and latency, more than 5 s is a fault. */
  static final Duration MAX_SKEW = Duration.ofSeconds(5);
  private static final int MAX_METADATA = 64 * 1024;

  /**
   * One line of the report.
   *
   * @param name what was checked
   * @param status pass, fail or skip
   * @param detail what was found
   * @param fix what to do, or null when passed
   */
  record Check(String name, Status status, String detail, String fix) {}

  enum Status { PASS, FAIL, SKIP }

  private final Session s;
  private final boolean events;
  private final List<Check> checks = new ArrayList<>();
  /** Whether Broker refused this organisation the resource (403, or 401 from its authorization check). */
  private boolean denied;

  Doctor(Session session, boolean events) {
    this.s = session;
    this.events = events;
  }

  List<Check> run() {
    String role = s.role.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    boolean config = config(role);
    boolean key = config && key();
    boolean metadata = config && metadata();
    if (key && metadata) {
      systemUser();
    }
    boolean tokens = key && metadata && tokens();
    boolean exchange = tokens && exchange();
    boolean broker = exchange && broker();
    if (exchange) {
      accessList(broker);
    }
    subscriptionKey(broker);
    if (events) {
      subscriptions(exchange);
    }
    return checks;
  }

  private void pass(String name, String detail) {
    checks.add(new Check(name, Status.PASS, detail, null));
  }

  private boolean fail(String name, String detail, String fix) {
    checks.add(new Check(name, Status.FAIL, detail, fix));
    return false;
  }

  private void skip(String name, String because) {
    checks.add(new Check(name, Status.SKIP, "skipped: " + because, null));
  }

  private boolean config(String role) {
    try {
      String env = s.envName();
      s.issuer();
      s.platformUrl();
      s.settings.require("MASKINPORTEN_CLIENT_ID", "doctor");
      s.resource();
      if (s.role != Role.SERVICE_OWNER && s.org() == null) {
        return fail("configuration", "no organisation for the " + role + " role",
            "set " + (s.role == Role.SENDER ? "BROKER_SENDER_ORG" : "BROKER_RECIPIENT_ORG"));
      }
      String actingFor = s.org() == null ? "" : s.systemUser() ? " for " + s.org().digits() + " (system user)"
          : " for " + s.org().digits() + " (the client's own organisation: BROKER_SYSTEM_USER is off)";
      pass("configuration", env + ", client " + s.settings.get("MASKINPORTEN_CLIENT_ID") + ", resource "
          + s.resource() + ", role " + role + actingFor + "; " + s.settings.describe());
      return true;
    } catch (CliException e) {
      return fail("configuration", e.getMessage(), "see `broker doctor --help` for the settings");
    }
  }

  private boolean key() {
    String what = s.keyDescription();
    try {
      GrantSigner signer = s.signer();
      pass("key file", what + ": readable, " + signer.algorithm() + (signer.keyId() != null ? ", kid "
          + signer.keyId() : "") + (signer.certificateChain().isEmpty() ? "" : ", certificate chain"));
      return true;
    } catch (CliException | BrokerException e) {
      return fail("key file", (what != null ? what + ": " : "") + e.getMessage(),
          "use the private key (JWK with its private part, PKCS#8/PKCS#1 PEM with MASKINPORTEN_KEY_ID, or a"
              + " PKCS#12 business certificate) whose public part is registered on the Maskinporten client");
    }
  }

  /** An anonymous GET's answer: status, headers and the JSON body (null when not JSON or not 2xx). */
  private record Fetched(int status, java.net.http.HttpHeaders headers, JsonNode json, boolean tooLarge) {}

  /**
   * An anonymous GET (no token: Maskinporten's metadata, the Resource Registry's public resource), read to at most
   * {@code max} bytes.
   */
  private static Fetched fetch(String url, int max) throws java.io.IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("User-Agent", Session.USER_AGENT).header("Accept", "application/json").GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      byte[] body = in.readNBytes(max + 1);
      if (body.length > max) {
        return new Fetched(r.statusCode(), r.headers(), null, true);
      }
      JsonNode json = null;
      if (r.statusCode() / 100 == 2) {
        try {
          json = new ObjectMapper().readTree(body);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
          json = null;
        }
      }
      return new Fetched(r.statusCode(), r.headers(), json, false);
    }
  }

  private boolean metadata() {
    String url = s.issuer() + ".well-known/oauth-authorization-server";
    Fetched r;
    try {
      r = fetch(url, MAX_METADATA);
      if (r.status() != 200) {
        return fail("Maskinporten metadata", url + " answered " + r.status(),
            "check BROKER_ENV / MASKINPORTEN_ISSUER and that this machine reaches Maskinporten");
      }
      if (r.tooLarge()) {
        return fail("Maskinporten metadata", url + " answered more than 64 KiB", "check MASKINPORTEN_ISSUER");
      }
      JsonNode meta = r.json();
      if (meta == null || !meta.path("token_endpoint").isTextual()) {
        return fail("Maskinporten metadata", url + " has no token_endpoint", "check MASKINPORTEN_ISSUER");
      }
      if (!s.issuer().equals(meta.path("issuer").asText())) {
        return fail("Maskinporten metadata", "issuer is " + meta.path("issuer").asText() + ", not " + s.issuer(),
            "set MASKINPORTEN_ISSUER to the issuer the metadata names");
      }
      pass("Maskinporten metadata", url + " reachable, token endpoint " + meta.path("token_endpoint").asText());
    } catch (java.io.IOException e) {
      return fail("Maskinporten metadata", url + " not reachable (" + e.getClass().getSimpleName() + ")",
          "check the network, proxy settings and BROKER_ENV / MASKINPORTEN_ISSUER");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("Maskinporten metadata", "interrupted", "run again");
    } catch (IllegalArgumentException e) {
      return fail("Maskinporten metadata", "bad URL " + url, "check MASKINPORTEN_ISSUER");
    }
    clock(r.headers());
    return true;
  }

  private void clock(java.net.http.HttpHeaders headers) {
    Instant local = s.clock.instant();
    String date = headers.firstValue("Date").orElse(null);
    if (date == null) {
      fail("clock", "Maskinporten sent no Date header; cannot measure skew", "compare the clock with NTP");
      return;
    }
    Instant remote;
    try {
      remote = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (java.time.DateTimeException e) {
      fail("clock", "unreadable Date header", "compare the clock with NTP");
      return;
    }
    // The Date header is truncated to the second, so |skew| carries up to 1 s of rounding.
    long secs = Math.abs(Duration.between(remote, local).getSeconds());
    String direction = local.isBefore(remote) ? "behind" : "ahead of";
    if (secs > MAX_SKEW.getSeconds()) {
      fail("clock", "local clock is " + secs + " s " + direction + " Maskinporten's (Date: " + date + ")",
          Hints.CLOCK);
    } else {
      pass("clock", "within " + Math.max(1, secs) + " s of Maskinporten's Date header");
    }
  }

  private boolean tokens() {
    MaskinportenView mp = s.maskinporten();
    boolean ok = token(mp, "token for the " + roleName() + " scopes", s.brokerScopes());
    if (events) {
      ok &= token(mp, "token for the events scope", Session.eventScopes());
    }
    return ok;
  }

  private boolean token(MaskinportenView mp, String name, Set<String> scopes) {
    String list = String.join(" ", new TreeSet<>(scopes));
    try {
      mp.accessToken(scopes);
      pass(name, list);
      return true;
    } catch (MaskinportenException e) {
      if ("MP-200".equals(e.mpCode())) {
        Set<String> missing = new LinkedHashSet<>();
        for (String scope : new TreeSet<>(scopes)) {
          try {
            mp.accessToken(Set.of(scope));
          } catch (MaskinportenException one) {
            if ("MP-200".equals(one.mpCode())) {
              missing.add(scope);
            }
          }
        }
        return fail(name, "missing scope " + String.join(", ", missing) + " on client "
            + s.settings.get("MASKINPORTEN_CLIENT_ID") + " (MP-200)", Hints.MP_200);
      }
      return fail(name, e.getMessage(), tokenFix(e.mpCode()));
    } catch (BrokerException e) {
      return fail(name, e.getMessage(), "check the client id, key and environment");
    }
  }

  private static String tokenFix(String code) {
    if (code == null) {
      return "check the client id, the key and the environment (TEST vs PRODUCTION)";
    }
    return switch (code) {
      case "MP-124" -> "the signature does not verify: the key is not the one registered on the client (check the"
          + " kid and upload the public key in Samarbeidsportalen)";
      case "MP-100", "MP-110" -> "the client is unknown in this environment: check MASKINPORTEN_CLIENT_ID and"
          + " BROKER_ENV (TEST clients do not exist in PRODUCTION)";
      case "MP-121" -> "the key has expired (keys live one year): register a new one";
      case "MP-130", "MP-012" -> Hints.CLOCK;
      case "MP-303" -> "the system user is not approved or the externalRef differs: check the system-user"
          + " request with the organisation (common steps, step 3; set BROKER_SYSTEM_ID and doctor checks it, or"
          + " run `broker system-user status`)";
      default -> "see Maskinporten's error " + code + " (docs.digdir.no)";
    };
  }

  private boolean exchange() {
    try {
      s.maskinporten().forBroker().accessToken(s.brokerScopes());
      pass("Altinn token exchange", s.platformUrl() + "/authentication/api/v1/exchange/maskinporten");
      return true;
    } catch (BrokerException e) {
      return fail("Altinn token exchange", e.getMessage(), "check BROKER_ENV / ALTINN_PLATFORM_URL and, behind"
          + " Altinn's API management, BROKER_SUBSCRIPTION_KEY (common steps, step 1)");
    }
  }

  private boolean broker() {
    String resource = s.resource();
    OrganizationNumber org = s.org();
    String who = org != null ? "organisation " + org.digits() : "the service owner";
    try {
      if (s.role == Role.SERVICE_OWNER) {
        s.broker().serviceOwner().getResource(resource);
      } else {
        s.broker().search(FileTransferSearch.builder(resource)
            .role(s.role == Role.SENDER ? SearchRole.SENDER : SearchRole.RECIPIENT).build());
      }
      pass("Broker reachable", s.platformUrl() + "/broker/api/v1 answered with the token");
      pass("resource access", "resource " + resource + " exists and " + who + " has access as "
          + roleName() + (s.role == Role.SERVICE_OWNER ? " (resource settings read)" : " (search as " + roleName()
          + ")"));
      return true;
    } catch (BrokerApiException e) {
      pass("Broker reachable", s.platformUrl() + "/broker/api/v1 answered " + e.statusCode());
      String trace = e.traceId() != null ? " [trace id " + e.traceId() + "]" : "";
      denied = e instanceof BrokerAccessDeniedException || e instanceof BrokerUnauthorizedException;
      if (e instanceof BrokerAccessDeniedException) {
        return fail("resource access", "403: " + who + " has no access to resource " + resource + " as "
            + roleName() + (e.detail() != null ? " (Broker: " + e.detail() + ")" : "") + trace,
            "ask the service owner of " + resource + " to grant " + who + " access (and check that BROKER_RESOURCE"
                + " names a registered Broker resource in this environment); " + Hints.ACCESS);
      }
      if (e instanceof BrokerUnauthorizedException) {
        return fail("resource access", "401: Broker refused the token or Altinn's authorization denied " + who
            + " on resource " + resource + " as " + roleName() + trace, "Broker answers 401 (BRO-00006) when the"
            + " authorization check denies: " + Hints.ACCESS + "; otherwise " + Hints.UNAUTHORIZED);
      }
      if (e instanceof BrokerNotFoundException) {
        return fail("resource access", "404: resource " + resource + " not found" + trace,
            "check BROKER_RESOURCE and the environment; the service owner registers it (common steps, step 3)");
      }
      return fail("resource access", e.getMessage(), "see the Broker error code in the message");
    } catch (BrokerException e) {
      return fail("Broker reachable", e.getMessage(), "check the network and ALTINN_PLATFORM_URL / BROKER_ENV");
    }
  }

  /**
   * When acting as a system user and {@code BROKER_SYSTEM_ID} names the vendor's system: whether the organisation
   * approved it (with the vendor's own token: the Authentication API's request and system-user reads).
   */
  private void systemUser() {
    String name = "system user";
    OrganizationNumber org = s.org();
    String systemId = s.settings.get("BROKER_SYSTEM_ID");
    if (org == null || !s.systemUser() || systemId == null) {
      return;
    }
    String ref = s.systemUserRef(org);
    String who = org.digits() + " on " + systemId + " (externalRef " + ref + ")";
    try {
      no.brokerclient.access.SystemUsers users = s.access().systemUsers();
      java.util.Optional<no.brokerclient.access.SystemUser> su = users.find(systemId, org, ref);
      if (su.isPresent()) {
        pass(name, "approved: system user " + su.get().id() + " for " + who);
        return;
      }
      java.util.Optional<no.brokerclient.access.SystemUserRequest> req = users.findRequest(systemId, org, ref);
      if (req.isEmpty()) {
        fail(name, "no system user and no request for " + who, "ask " + org.digits() + " for one: `broker"
            + " system-user request --customer " + org.digits() + "` prints the URL its manager opens (the system"
            + " must be registered first: `broker system-user register`)");
        return;
      }
      no.brokerclient.access.SystemUserRequest r = req.get();
      if (r.timedOut()) {
        fail(name, "request " + r.id() + " for " + who + " timed out (older than 180 days)",
            "ask again: `broker system-user request --customer " + org.digits() + "` replaces it");
      } else if (r.status().isRefused()) {
        fail(name, "request " + r.id() + " for " + who + " was " + r.status().value() + " by " + org.digits(),
            "talk to " + org.digits() + " first, then ask again: `broker system-user request --customer "
                + org.digits() + "` replaces the refused request");
      } else {
        fail(name, "pending: request " + r.id() + " for " + who + " is " + r.status().value()
            + ", not yet approved", SystemUserCommands.approveHint(r) + "; where the resource uses access lists, "
                + org.digits() + " must be on one first (else AUTH-00069)");
      }
    } catch (BrokerException | CliException e) {
      fail(name, "cannot read the system user of " + who + ": " + e.getMessage(), "the vendor's client needs "
          + no.brokerclient.access.AccessScopes.SYSTEM_USER_REQUEST_READ + " and "
          + no.brokerclient.access.AccessScopes.SYSTEM_USER_REQUEST_WRITE + " (Digdir grants them to system"
          + " vendors); check BROKER_SYSTEM_ID");
    }
  }

  /**
   * Whether the resource uses access lists (the Resource Registry's public {@code GET resource/{id}}), and for a
   * sender or recipient whether Broker let the organisation in; for the service owner, which lists are connected.
   */
  private void accessList(boolean brokerOk) {
    String name = "access list";
    String resource = s.resource();
    String url = s.platformUrl().replaceAll("/+$", "") + "/resourceregistry/api/v1/resource/"
        + java.net.URLEncoder.encode(resource, java.nio.charset.StandardCharsets.UTF_8);
    JsonNode r;
    try {
      Fetched got = fetch(url, 1 << 20);
      if (got.status() == 404) {
        pass(name, "resource " + resource + " is not in the Resource Registry here: no access lists apply");
        return;
      }
      if (got.json() == null) {
        fail(name, "the Resource Registry answered " + got.status() + " for resource " + resource,
            "check ALTINN_PLATFORM_URL / BROKER_ENV");
        return;
      }
      r = got.json();
    } catch (java.io.IOException | IllegalArgumentException e) {
      fail(name, url + " not reachable (" + e.getClass().getSimpleName() + ")", "check the network and"
          + " ALTINN_PLATFORM_URL / BROKER_ENV");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(name, "interrupted", "run again");
      return;
    }
    if (!"Enabled".equalsIgnoreCase(r.path("accessListMode").asText())) {
      pass(name, "resource " + resource + " does not use access lists (accessListMode "
          + r.path("accessListMode").asText("Disabled") + "): its policy decides");
      return;
    }
    String code = r.path("hasCompetentAuthority").path("orgcode").asText("");
    String ownerOrg = r.path("hasCompetentAuthority").path("organization").asText("");
    String owner = "service owner " + code + (ownerOrg.isEmpty() ? "" : " (" + ownerOrg + ")");
    if (s.role == Role.SERVICE_OWNER) {
      connectedLists(name, resource, code);
      return;
    }
    String org = s.org().digits();
    String action = s.role == Role.SENDER ? "write" : "read";
    if (brokerOk) {
      pass(name, "resource " + resource + " uses access lists of " + owner + ", and " + org + " is on one"
          + " connected to it (Broker let it in as " + roleName() + ")");
    } else if (denied) {
      fail(name, "resource " + resource + " uses access lists of " + owner + ", and " + org + " is not on one"
          + " connected to it for " + action + " (Broker refused it as " + roleName() + ")", "ask " + owner + " to"
          + " add " + org + " to an access list connected to " + resource + " with action " + action + " (they run"
          + " `broker access-list add-members LIST " + org + "`, and `broker access-list connect LIST` once);"
          + " approve a system user only after that (else AUTH-00069)");
    } else {
      skip(name, "resource " + resource + " uses access lists of " + owner + "; Broker did not answer, so"
          + " whether " + org + " is on one is unknown");
    }
  }

  /** The service owner's view: the lists connected to the resource and their sizes (needs BROKER_OWNER_CODE). */
  private void connectedLists(String name, String resource, String code) {
    String mine = s.settings.get("BROKER_OWNER_CODE", code);
    try {
      no.brokerclient.access.AccessLists lists = s.access().accessLists();
      List<String> connected = new ArrayList<>();
      for (no.brokerclient.access.AccessList l : lists.listForResource(mine, resource)) {
        for (no.brokerclient.access.ResourceConnection c : l.connections()) {
          connected.add(l.identifier() + " (" + lists.members(mine, l.identifier()).size() + " members, "
              + (c.allActions() ? "all actions" : String.join(", ", AccessListCommands.actions(c))) + ")");
        }
      }
      if (connected.isEmpty()) {
        fail(name, "resource " + resource + " has accessListMode Enabled but no access list of " + mine
            + " is connected to it: nobody can use it", "`broker access-list create LIST --name …`, `broker"
            + " access-list add-members LIST ORGNO…`, `broker access-list connect LIST`");
      } else {
        pass(name, "resource " + resource + " uses access lists: " + String.join("; ", connected));
      }
    } catch (BrokerException | CliException e) {
      fail(name, "cannot read the access lists of " + mine + ": " + e.getMessage(), "the service owner's client"
          + " needs " + no.brokerclient.access.AccessScopes.ACCESS_LIST_READ + " (from tjenesteeier@altinn.no)"
          + " and BROKER_OWNER_CODE its org code");
    }
  }

  private void subscriptionKey(boolean brokerOk) {
    String name = "subscription key";
    String key;
    try {
      key = s.subscriptionKey();
    } catch (CliException e) {
      fail(name, e.getMessage(), "fix BROKER_SUBSCRIPTION_KEY_FILE");
      return;
    }
    if (key == null) {
      pass(name, "not set (needed only where Altinn's API management requires one, common steps, step 1)");
    } else if (brokerOk) {
      pass(name, "accepted (the exchange and Broker answered with it)");
    } else {
      skip(name, "Broker did not answer with success, so it is unknown whether the key is accepted");
    }
  }

  private void subscriptions(boolean exchangeOk) {
    String name = "event subscriptions";
    if (!exchangeOk) {
      skip(name, "no Altinn token");
      return;
    }
    String urn = "urn:altinn:resource:" + s.resource();
    List<Subscription> mine;
    try {
      mine = s.events().list().stream().filter(x -> urn.equals(x.resourceFilter())).toList();
    } catch (BrokerException e) {
      fail(name, e.getMessage(), "the events scope and access to the resource are needed (common steps, step 5)");
      return;
    }
    if (mine.isEmpty()) {
      fail(name, "none for " + urn, "create one: `broker subscriptions ensure --endpoint https://…/webhook` (common"
          + " steps, step 5), or poll with `broker receive --loop`; skip this check with --no-events");
      return;
    }
    for (Subscription sub : mine) {
      List<String> problems = new ArrayList<>();
      List<String> fixes = new ArrayList<>();
      if (sub.sourceFilter() != null) {
        problems.add("has sourceFilter " + sub.sourceFilter());
        fixes.add("Altinn rejects sourceFilter for Broker resources and such a subscription gets nothing: delete it"
            + " (`broker subscriptions delete " + sub.id() + "`) and `broker subscriptions ensure` one without");
      }
      OrganizationNumber org = s.org();
      if (s.role != Role.SERVICE_OWNER && sub.subjectFilter() == null) {
        problems.add("has no subjectFilter");
        fixes.add("a subscription for an organisation needs subjectFilter"
            + " urn:altinn:organization:identifier-no:<orgno>: recreate it with `broker subscriptions ensure`");
      } else if (s.role != Role.SERVICE_OWNER && org != null && !org.urn().equals(sub.subjectFilter())) {
        problems.add("subjectFilter " + sub.subjectFilter() + " is not " + org.urn());
        fixes.add("events are delivered only for the subject named: recreate it for " + org.digits()
            + " with `broker subscriptions ensure`, or use the profile of the organisation it is for");
      }
      if (sub.typeFilter() != null && !sub.typeFilter().startsWith("no.altinn.broker.")) {
        problems.add("typeFilter " + sub.typeFilter() + " is not a Broker event type");
        fixes.add("use one of the no.altinn.broker.* types, or none for all");
      }
      if (!sub.validated()) {
        problems.add("is not validated");
        fixes.add("the endpoint must answer Altinn's validation event with 2xx; check that "
            + Commands.redact(sub.endPoint()) + " is reachable from Altinn");
      }
      String what = "subscription " + sub.id() + " → " + Commands.redact(sub.endPoint()) + " ("
          + (sub.typeFilter() != null ? sub.typeFilter() : "all types")
          + (sub.subjectFilter() != null ? ", " + sub.subjectFilter() : "") + ")";
      if (problems.isEmpty()) {
        pass(name, what + " validated");
      } else {
        fail(name, what + " " + String.join(", ", problems), String.join("; ", fixes));
      }
    }
  }

  private String roleName() {
    return s.role.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }
}
