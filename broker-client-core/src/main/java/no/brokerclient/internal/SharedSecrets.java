package no.brokerclient.internal;

import java.lang.invoke.MethodHandles;
import no.brokerclient.ApiError;
import no.brokerclient.BrokerApiException;
import no.brokerclient.BrokerRedirectException;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.ResourceId;

/**
 * Lets the SDK's own code reach constructors and helpers that are not public API, as the JDK's
 * {@code jdk.internal.access.SharedSecrets} does. Java has no "friend" visibility: the exception types and
 * {@link ResourceId} must be public (users catch and pass them), but a public constructor or {@code parse(field,
 * value)} would be public API forever and would let users build exceptions that bypass the SDK's rules. So those
 * members stay package-private, and each package registers one accessor here from its own static initializer. This
 * package is exported only to the SDK's modules ({@code module-info}), and it is excluded from the API dump, so
 * users never see the accessors. Internal.
 */
public final class SharedSecrets {
  private static volatile ExceptionAccess exceptions;
  private static volatile ModelAccess models;

  private SharedSecrets() {}

  /** Creates the exceptions of {@link no.brokerclient} whose constructors are not public. */
  public interface ExceptionAccess {
    /**
     * @param error an error status (4xx or 5xx)
     * @param hint advice appended to the message, or {@code null}
     * @return the subclass for the status: 400 {@link no.brokerclient.BrokerBadRequestException}, 401, 403, 404,
     *     409, 429, 5xx their own; any other status a plain {@link BrokerApiException}
     */
    BrokerApiException forStatus(ApiError error, String hint);

    /**
     * @param error the 3xx answer
     * @param location the cleaned {@code Location}, or {@code "(none)"}
     * @return the exception
     */
    BrokerRedirectException redirect(ApiError error, String location);
  }

  /** The model's package-private validation that names the request field in its error. */
  public interface ModelAccess {
    /**
     * @param field the wire name to report
     * @param value the value
     * @return the id
     */
    ResourceId resourceId(String field, String value);

    /**
     * @param field the wire name to report
     * @param value the value
     * @return the number
     */
    OrganizationNumber organizationNumber(String field, String value);
  }

  /**
   * Called once, by {@link BrokerApiException}'s static initializer.
   *
   * @param access the implementation
   */
  public static void setExceptionAccess(ExceptionAccess access) {
    if (exceptions != null) {
      throw new IllegalStateException("already set");
    }
    exceptions = access;
  }

  /**
   * Called once, by {@link ResourceId}'s static initializer.
   *
   * @param access the implementation
   */
  public static void setModelAccess(ModelAccess access) {
    if (models != null) {
      throw new IllegalStateException("already set");
    }
    models = access;
  }

  /** @return the exception factory */
  public static ExceptionAccess exceptions() {
    ExceptionAccess e = exceptions;
    if (e == null) {
      initialize(BrokerApiException.class);
      e = exceptions;
    }
    return e;
  }

  /** @return the model helpers */
  public static ModelAccess models() {
    ModelAccess m = models;
    if (m == null) {
      initialize(ResourceId.class);
      m = models;
    }
    return m;
  }

  private static void initialize(Class<?> c) {
    try {
      MethodHandles.lookup().ensureInitialized(c);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
