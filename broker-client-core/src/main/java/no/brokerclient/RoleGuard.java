package no.brokerclient;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Decides, before any I/O, whether this client may run an operation: not after {@code close()}, and only with the
 * role the operation needs ({@link IllegalStateException} naming the role, its scopes and the builder call to add
 * it). Gives the scope set the operation's token is asked for. Immutable.
 */
final class RoleGuard {
  private final Set<Role> roles;
  private final BooleanSupplier closed;

  RoleGuard(Set<Role> roles, BooleanSupplier closed) {
    this.roles = Collections.unmodifiableSet(EnumSet.copyOf(roles));
    this.closed = closed;
  }

  Set<Role> roles() {
    return roles;
  }

  /**
   * @param role the role the operation needs
   * @param operation its name, for the message
   * @return the role's scope set
   * @throws IllegalStateException when the client is closed or lacks the role
   */
  Set<String> scopes(Role role, String operation) {
    requireOpen();
    if (!roles.contains(role)) {
      throw new IllegalStateException(operation + " needs role " + role + " (scopes " + scopeList(role)
          + "), but this client was built with roles " + roles + ": add it with BrokerClient.builder().roles(Role."
          + role + ", …) and register its scopes on your Maskinporten client");
    }
    return role.scopes();
  }

  /**
   * For operations either party may call (overview, details, search): the sender's scopes when the client has
   * {@link Role#SENDER}, else the recipient's.
   *
   * @param operation its name, for the message
   * @return the scope set
   * @throws IllegalStateException when the client is closed or has neither role
   */
  Set<String> eitherScopes(String operation) {
    requireOpen();
    if (roles.contains(Role.SENDER)) {
      return Role.SENDER.scopes();
    }
    if (roles.contains(Role.RECIPIENT)) {
      return Role.RECIPIENT.scopes();
    }
    throw new IllegalStateException(operation + " needs role SENDER (scopes " + scopeList(Role.SENDER)
        + ") or RECIPIENT (scopes " + scopeList(Role.RECIPIENT) + "), but this client was built with roles " + roles
        + ": add one with BrokerClient.builder().roles(Role.SENDER, …) or roles(Role.RECIPIENT, …)");
  }

  void requireOpen() {
    if (closed.getAsBoolean()) {
      throw new IllegalStateException("BrokerClient is closed");
    }
  }

  private static String scopeList(Role role) {
    return String.join(" ", new TreeSet<>(role.scopes()));
  }
}
