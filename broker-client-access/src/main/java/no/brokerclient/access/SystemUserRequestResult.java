package no.brokerclient.access;

import java.util.Optional;

/**
 * What {@link SystemUsers#requestSystemUser} found or made.
 *
 * @param outcome what happened
 * @param request the request to approve, or {@code null} when the system user {@linkplain Outcome#ALREADY_APPROVED
 *     already exists}
 * @param systemUser the existing system user, or {@code null} when approval is still needed
 */
public record SystemUserRequestResult(Outcome outcome, SystemUserRequest request, SystemUser systemUser) {

  /** What happened. */
  public enum Outcome {
    /** A new request was made (201). */
    CREATED,
    /** The same request was already waiting (the server's 200 answer); nothing changed. */
    EXISTING,
    /**
     * A request with the same system, customer and external reference existed with other rights, or was refused; the
     * server does not update it (it answers 200 with the old one), so the SDK deleted it and made a new one.
     */
    REPLACED,
    /** The customer has already approved a system user for this system and external reference. */
    ALREADY_APPROVED
  }

  /** @return the URL to give the customer, exactly as received, when approval is needed */
  public Optional<String> confirmUrl() {
    return request == null || request.status().isAccepted() ? Optional.empty()
        : Optional.ofNullable(request.confirmUrl());
  }

  /** @return the system user, when it already exists */
  public Optional<SystemUser> existing() {
    return Optional.ofNullable(systemUser);
  }
}
