package no.brokerclient.access;

import java.util.Set;

/**
 * Maskinporten scopes for the Resource Registry and Authentication APIs, as the servers check them. None is
 * self-service: service owners ask {@code tjenesteeier@altinn.no} for the Resource Registry scopes; vendors get the
 * Authentication scopes from Digdir after registering as a system vendor.
 */
public final class AccessScopes {
  /** Create and update resources and upload their policies. */
  public static final String RESOURCE_WRITE = "altinn:resourceregistry/resource.write";
  /** Read access lists, members and resource connections (the docs' {@code access-list.read} is wrong). */
  public static final String ACCESS_LIST_READ = "altinn:resourceregistry/accesslist.read";
  /** Write access lists, members and resource connections; also satisfies the read policy. */
  public static final String ACCESS_LIST_WRITE = "altinn:resourceregistry/accesslist.write";
  /** Register and update systems, and list a system's system users. */
  public static final String SYSTEM_REGISTER_WRITE = "altinn:authentication/systemregister.write";
  /** Create and delete system-user requests, and look up one system user ({@code byquery}). */
  public static final String SYSTEM_USER_REQUEST_WRITE = "altinn:authentication/systemuser.request.write";
  /** Read system-user requests. */
  public static final String SYSTEM_USER_REQUEST_READ = "altinn:authentication/systemuser.request.read";

  /** Every scope a service owner's client needs for {@link ResourceRegistry} and {@link AccessLists}. */
  public static final Set<String> SERVICE_OWNER = Set.of(RESOURCE_WRITE, ACCESS_LIST_READ, ACCESS_LIST_WRITE);
  /** Every scope a vendor's client needs for {@link SystemUsers}. */
  public static final Set<String> VENDOR = Set.of(SYSTEM_REGISTER_WRITE, SYSTEM_USER_REQUEST_WRITE,
      SYSTEM_USER_REQUEST_READ);

  private AccessScopes() {}
}
