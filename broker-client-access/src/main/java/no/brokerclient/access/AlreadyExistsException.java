package no.brokerclient.access;

import no.brokerclient.ApiError;

/**
 * A create-only call found the thing already there: {@link AccessLists#create} (412 to {@code If-None-Match: *}).
 * Use {@link AccessLists#createOrUpdate} to accept an existing list.
 */
public class AlreadyExistsException extends VersionConflictException {
  private static final long serialVersionUID = 1L;

  /**
   * @param error the server's answer
   * @param hint what already exists
   */
  AlreadyExistsException(ApiError error, String hint) {
    super(error, hint);
  }
}
