package no.brokerclient.access;

import java.util.List;
import no.brokerclient.ApiError;
import no.brokerclient.BrokerApiException;

/**
 * The Resource Registry did not know some of the parties (400 {@code RR-00001} "One or more party references not
 * found", which fails the whole request). The SDK then sent the parties of that request one by one to find the
 * unknown ones: the known ones <em>were</em> applied; {@link #unknown()} lists those that were not, and the
 * parties of later chunks were not sent. ({@link AccessLists#replaceMembers} changes nothing and lists all its
 * parties, since sending them one by one would replace the list each time.)
 */
public class UnknownPartiesException extends BrokerApiException {
  private static final long serialVersionUID = 1L;

  private final transient List<Party> unknown;

  /**
   * @param error the server's answer to the first failing request
   * @param unknown the parties the Resource Registry does not know
   */
  UnknownPartiesException(ApiError error, List<Party> unknown) {
    super(error, "unknown to Altinn's register: " + unknown.stream().map(Party::urn).toList()
        + "; check the organisation numbers (they exist in Enhetsregisteret, and in TT02 in Tenor)");
    this.unknown = List.copyOf(unknown);
  }

  /** @return the parties the server does not know */
  public List<Party> unknown() {
    return unknown;
  }
}
