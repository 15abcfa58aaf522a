package no.brokerclient.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import no.brokerclient.ApiError;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerNotFoundException;
import no.brokerclient.BrokerTimeoutException;
import no.brokerclient.BrokerValidationException;
import no.brokerclient.internal.Sleeper;
import no.brokerclient.internal.Transport;
import no.brokerclient.model.OrganizationNumber;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vendor's side of system users ({@code /authentication/api/v1}): register the system, ask customers to approve
 * a system user, follow the request, and list the system users. Scopes per call as the server checks them: {@link
 * AccessScopes#SYSTEM_REGISTER_WRITE} for the register and for listing system users, {@link
 * AccessScopes#SYSTEM_USER_REQUEST_WRITE} for creating requests and looking up one system user, {@link
 * AccessScopes#SYSTEM_USER_REQUEST_READ} for reading requests. Get it from {@link AltinnAccessClient#systemUsers()}.
 *
 * <p>The order for Broker: the service owner has put the customer on an access list connected to the resource
 * (else approval fails with AUTH-00069); the vendor {@link #registerSystem registers the system}, {@link
 * #requestSystemUser requests} a system user, the customer approves at {@link SystemUserRequest#confirmUrl()}, and
 * {@link SystemUser#tokens} gives the Maskinporten view for Broker.
 */
public final class SystemUsers {
  private static final Logger LOG = LoggerFactory.getLogger(SystemUsers.class);
  private static final Set<String> REGISTER = Set.of(AccessScopes.SYSTEM_REGISTER_WRITE);
  private static final Set<String> REQUEST_WRITE = Set.of(AccessScopes.SYSTEM_USER_REQUEST_WRITE);
  private static final Set<String> REQUEST_READ = Set.of(AccessScopes.SYSTEM_USER_REQUEST_READ);
  private static final int MAX_PAGES = 10_000;

  /** What {@link #registerSystem} did. */
  public enum Registration {
    /** The system was new. */
    CREATED,
    /** The system existed and differed; it was replaced. */
    UPDATED,
    /** The system was registered exactly so; nothing was sent. */
    UNCHANGED
  }

  private final Rest rest;
  private final Sleeper sleeper;
  private final Clock clock;
  private final Duration firstPoll;
  private final Duration maxPoll;

  SystemUsers(Rest rest, Sleeper sleeper, Clock clock, Duration firstPoll, Duration maxPoll) {
    this.rest = rest;
    this.sleeper = sleeper;
    this.clock = clock;
    this.firstPoll = firstPoll;
    this.maxPoll = maxPoll;
  }

  /**
   * Registers the system, or brings the registered one up to date: reads it, and sends the whole registration
   * ({@code PUT}) only when something differs. Safe to run at every start-up.
   *
   * @param system the system
   * @return what was done
   */
  public Registration registerSystem(SystemRegistration system) {
    Objects.requireNonNull(system, "system");
    HttpUrl url = rest.url("systemregister", "vendor", system.systemId()).build();
    Function<ApiError, String> hint = e -> registerHint(e, system);
    JsonNode current;
    try {
      current = rest.send(Rest.call("GET", url, REGISTER, true, null).hint(hint)).body();
    } catch (BrokerNotFoundException e) {
      current = null;
    }
    if (current == null) {
      rest.send(Rest.call("POST", rest.url("systemregister", "vendor").build(), REGISTER, false, system.toWire())
          .hint(hint));
      LOG.info("System {} registered", system.systemId());
      return Registration.CREATED;
    }
    if (current.path("isDeleted").asBoolean(false)) {
      throw new BrokerValidationException("system", system.systemId() + " was deleted in the system register and"
          + " cannot be reused; register it under another name");
    }
    if (system.sameAs(current)) {
      return Registration.UNCHANGED;
    }
    rest.send(Rest.call("PUT", url, REGISTER, true, system.toWire()).hint(hint));
    LOG.info("System {} updated", system.systemId());
    return Registration.UPDATED;
  }

  /**
   * Asks the customer to approve a system user ({@code POST systemuser/request/vendor}). Handles the server's
   * answers: a new request (201); the waiting request for the same system, customer and external reference (200;
   * when its rights differ, or it was refused, it is deleted and made again, because the server never updates it);
   * and an existing system user (400 AUTH-00004), which is looked up and returned instead of failing.
   *
   * @param request what to ask for
   * @return the request to approve (give the customer {@link SystemUserRequestResult#confirmUrl()}), or the existing
   *     system user
   */
  public SystemUserRequestResult requestSystemUser(CustomerRequest request) {
    Objects.requireNonNull(request, "request");
    Rest.Reply reply;
    try {
      reply = postRequest(request);
    } catch (BrokerApiException e) {
      if (e.statusCode() == 400 && "AUTH-00004".equals(e.errorCode())) {
        SystemUser su = find(request.systemId(), request.customer(), request.externalRef()).orElseThrow(() -> e);
        return new SystemUserRequestResult(SystemUserRequestResult.Outcome.ALREADY_APPROVED, null, su);
      }
      throw e;
    }
    SystemUserRequest got = reply.as(SystemUserRequest::fromWire);
    if (reply.status() == 201) {
      LOG.info("System-user request {} made for {} on {}", got.id(), request.customer().digits(), request.systemId());
      return new SystemUserRequestResult(SystemUserRequestResult.Outcome.CREATED, got, null);
    }
    boolean sameRights = Set.copyOf(got.resources()).equals(Set.copyOf(request.resources()))
        && got.accessPackages().isEmpty();
    if (sameRights && !got.status().isRefused() && !got.timedOut()) {
      return new SystemUserRequestResult(SystemUserRequestResult.Outcome.EXISTING, got, null);
    }
    LOG.warn("System-user request {} for {} on {} {}: deleting it and asking again", got.id(),
        request.customer().digits(), request.systemId(), got.timedOut() ? "timed out"
            : got.status().isRefused() ? "is " + got.status().value()
            : "asks for " + got.resources() + " and access packages " + got.accessPackages() + ", not "
                + request.resources());
    delete(got.id());
    Rest.Reply again = postRequest(request);
    return new SystemUserRequestResult(SystemUserRequestResult.Outcome.REPLACED,
        again.as(SystemUserRequest::fromWire), null);
  }

  private Rest.Reply postRequest(CustomerRequest request) {
    // Repeating is harmless: the server answers a repeat with the request it already has (200).
    return rest.send(Rest.call("POST", rest.url("systemuser", "request", "vendor").build(), REQUEST_WRITE, true,
        request.toWire()).hint(SystemUsers::requestHint));
  }

  /**
   * Reads a request's current state, without waiting.
   *
   * @param requestId the request
   * @return the request
   * @throws BrokerNotFoundException (AUTH-00010) when it was deleted, which also happens when its system user is
   *     deleted
   */
  public SystemUserRequest status(UUID requestId) {
    Objects.requireNonNull(requestId, "requestId");
    return rest.send(Rest.call("GET", rest.url("systemuser", "request", "vendor", requestId.toString()).build(),
        REQUEST_READ, true, null).hint(SystemUsers::requestHint)).as(SystemUserRequest::fromWire);
  }

  /**
   * Finds the request for one customer and external reference ({@code request/vendor/byexternalref/…}); unlike the
   * server's per-system request list, whose paging skips one request per page, this is exact.
   *
   * @param systemId the system
   * @param customer the customer
   * @param externalRef the external reference, or {@code null} for the customer's organisation number
   * @return the request, or empty when there is none
   */
  public Optional<SystemUserRequest> findRequest(String systemId, OrganizationNumber customer, String externalRef) {
    Objects.requireNonNull(customer, "customer");
    if (systemId == null || !systemId.matches("\\d{9}_[A-Za-z0-9_-]+")) {
      throw new BrokerValidationException("systemId", "must be <vendor orgno>_<name>, got '" + systemId + "'");
    }
    HttpUrl url = rest.url("systemuser", "request", "vendor", "byexternalref", systemId, customer.digits(),
        externalRef == null ? customer.digits() : externalRef).build();
    try {
      return Optional.of(rest.send(Rest.call("GET", url, REQUEST_READ, true, null).hint(SystemUsers::requestHint))
          .as(SystemUserRequest::fromWire));
    } catch (BrokerNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Deletes a request (only while it is not approved). Safe to repeat.
   *
   * @param requestId the request
   */
  public void delete(UUID requestId) {
    try {
      rest.send(Rest.call("DELETE", rest.url("systemuser", "request", "vendor", requestId.toString()).build(),
          REQUEST_WRITE, true, null));
    } catch (BrokerNotFoundException gone) {
      // already deleted
    }
  }

  /**
   * Waits until the customer decides: polls {@link #status} after the builder's first interval (default 5 s), then
   * doubling up to its maximum (default 2 minutes), until approved, refused or {@code timeout}.
   *
   * @param request the request
   * @param timeout how long to wait in all
   * @return the approved system user
   * @throws SystemUserRequestRefusedException when the customer rejected it, or it timed out at Altinn
   * @throws BrokerTimeoutException when {@code timeout} passed first
   */
  public SystemUser awaitApproval(SystemUserRequest request, Duration timeout) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(timeout, "timeout");
    Instant deadline = clock.instant().plus(timeout);
    Duration wait = firstPoll;
    SystemUserRequest last = request;
    while (true) {
      try {
        last = status(request.id());
      } catch (BrokerNotFoundException e) {
        return systemUserFor(last).orElseThrow(() -> e);
      }
      if (last.status().isAccepted()) {
        SystemUserRequest accepted = last;
        return systemUserFor(accepted).orElseThrow(() -> Transport.toException(Rest.error("GET",
            rest.url("systemuser", "vendor", "byquery").build(), 404), "request " + accepted.id() + " is Accepted, but"
            + " no system user was found for it"));
      }
      if (last.status().isRefused() || last.timedOut()) {
        throw new SystemUserRequestRefusedException(last);
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) {
        throw new BrokerTimeoutException("system-user request " + request.id() + " for " + request.customer()
            + " is still " + last.status() + " after " + timeout + "; the customer approves at its confirmUrl", null);
      }
      Transport.sleep(sleeper, wait.compareTo(left) < 0 ? wait : left);
      wait = wait.multipliedBy(2).compareTo(maxPoll) > 0 ? maxPoll : wait.multipliedBy(2);
    }
  }

  private Optional<SystemUser> systemUserFor(SystemUserRequest r) {
    return find(r.systemId(), OrganizationNumber.of(r.customer()), r.externalRef() == null ? r.customer()
        : r.externalRef());
  }

  /**
   * Looks up the system user of a system for one customer and external reference ({@code systemuser/vendor/byquery}).
   *
   * @param systemId the system
   * @param customer the customer
   * @param externalRef the external reference (the customer's organisation number if it had none)
   * @return the system user, or empty when there is none
   */
  public Optional<SystemUser> find(String systemId, OrganizationNumber customer, String externalRef) {
    Objects.requireNonNull(customer, "customer");
    HttpUrl url = rest.url("systemuser", "vendor", "byquery").addQueryParameter("system-id", systemId)
        .addQueryParameter("orgno", customer.digits())
        .addQueryParameter("external-ref", externalRef == null ? customer.digits() : externalRef).build();
    try {
      return Optional.of(rest.send(Rest.call("GET", url, REQUEST_WRITE, true, null)).as(SystemUser::fromWire));
    } catch (BrokerNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Every live system user of a system ({@code systemuser/vendor/bysystem/{systemId}}, 50 per page).
   *
   * @param systemId the system
   * @return the system users
   */
  public List<SystemUser> list(String systemId) {
    if (systemId == null || !systemId.matches("\\d{9}_[A-Za-z0-9_-]+")) {
      throw new BrokerValidationException("systemId", "must be <vendor orgno>_<name>, got '" + systemId + "'");
    }
    HttpUrl first = rest.url("systemuser", "vendor", "bysystem", systemId).build();
    return rest.all(u -> Rest.call("GET", u, REGISTER, true, null), first, Function.identity(),
        SystemUser::fromWire, MAX_PAGES);
  }

  private static String registerHint(ApiError e, SystemRegistration s) {
    if (e.status() == 403) {
      return "The token's organisation must be the vendor " + s.vendor().digits() + " and have scope "
          + AccessScopes.SYSTEM_REGISTER_WRITE + " (granted by Digdir to registered system vendors)";
    }
    Set<String> codes = Rest.validationCodes(e);
    if (codes.contains("AUTH.VLD-00003")) {
      return "a resource in " + s.resources() + " does not exist in the Resource Registry";
    }
    if (codes.contains("AUTH.VLD-00004")) {
      return "a client id in " + s.clientIds() + " is already used by another system";
    }
    return null;
  }

  private static String requestHint(ApiError e) {
    return switch (e.code() == null ? "" : e.code()) {
      case "AUTH-00000" -> "the customer organisation does not exist in Altinn's register";
      case "AUTH-00001" -> "a requested right is not registered on the system (registerSystem first)";
      case "AUTH-00011" -> "the system does not exist or belongs to another vendor";
      case "AUTH-00021", "AUTH-00026" -> "the redirect URL is not one of the system's allowed redirect URLs";
      default -> null;
    };
  }
}
