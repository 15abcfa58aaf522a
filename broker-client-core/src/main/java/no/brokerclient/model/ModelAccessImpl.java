package no.brokerclient.model;

import no.brokerclient.internal.SharedSecrets;

/** The model's package-private validation, for the SDK's other packages (see {@link SharedSecrets}). */
final class ModelAccessImpl implements SharedSecrets.ModelAccess {
  @Override
  public ResourceId resourceId(String field, String value) {
    return ResourceId.parse(field, value);
  }

  @Override
  public OrganizationNumber organizationNumber(String field, String value) {
    return OrganizationNumber.parse(field, value);
  }
}
