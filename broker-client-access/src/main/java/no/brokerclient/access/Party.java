package no.brokerclient.access;

import java.util.Objects;
import java.util.UUID;
import no.brokerclient.model.OrganizationNumber;

/**
 * A member of an access list, in one of the three forms the Resource Registry accepts. There is no form for a
 * person's national identity number: persons can only be added by party UUID or party id.
 */
public sealed interface Party permits Party.Organization, Party.PartyUuid, Party.PartyId {

  /** @return the party URN sent on the wire, e.g. {@code urn:altinn:organization:identifier-no:313776735} */
  String urn();

  /**
   * @param number an organisation number
   * @return the party
   */
  static Party organization(OrganizationNumber number) {
    return new Organization(number);
  }

  /**
   * @param number nine digits (checked, as {@link OrganizationNumber#of})
   * @return the party
   */
  static Party organization(String number) {
    return new Organization(OrganizationNumber.of(number));
  }

  /**
   * @param uuid Altinn's party UUID
   * @return the party
   */
  static Party uuid(UUID uuid) {
    return new PartyUuid(uuid);
  }

  /**
   * @param id Altinn's numeric party id, non-negative
   * @return the party
   */
  static Party id(long id) {
    return new PartyId(id);
  }

  /** @param number the organisation number */
  record Organization(OrganizationNumber number) implements Party {
    /** Rejects null. */
    public Organization {
      Objects.requireNonNull(number, "number");
    }

    @Override
    public String urn() {
      return "urn:altinn:organization:identifier-no:" + number.digits();
    }
  }

  /** @param uuid the party UUID */
  record PartyUuid(UUID uuid) implements Party {
    /** Rejects null. */
    public PartyUuid {
      Objects.requireNonNull(uuid, "uuid");
    }

    @Override
    public String urn() {
      return "urn:altinn:party:uuid:" + uuid;
    }
  }

  /** @param id the party id */
  record PartyId(long id) implements Party {
    /** Rejects negative ids ({@link no.brokerclient.BrokerValidationException}). */
    public PartyId {
      if (id < 0) {
        throw new no.brokerclient.BrokerValidationException("partyId", "must not be negative, got " + id);
      }
    }

    @Override
    public String urn() {
      return "urn:altinn:party:id:" + id;
    }
  }
}
