package no.brokerclient.cli;

/** The fixes doctor and errors point to; Altinn's common steps, in their words. */
final class Hints {
  private Hints() {}

  static final String ACCESS = "the organisation has no access to this resource for this action: ask the"
      + " resource's service owner to grant it (common steps, step 3 \"Get access to specific resource\": the"
      + " service owner adds your organisation to the resource's access list / policy in Altinn's resource"
      + " registry); with a system user, the organisation must also have approved the system user and given it the"
      + " resource's rights";
  static final String UNAUTHORIZED = "the token was refused: check the scopes (common steps, step 2), the"
      + " environment (TT02 vs production) and, behind Altinn's API management, the subscription key (step 1)";
  static final String MP_200 = "MP-200 means the scope is not registered on the Maskinporten client: add it to the"
      + " client in Samarbeidsportalen / the self-service API (common steps, step 2); Altinn scopes must be granted"
      + " to your organisation by Digdir first";
  static final String CLOCK = "sync the clock with NTP (e.g. `timedatectl set-ntp true`); Maskinporten rejects"
      + " grants more than 10 s off";
}
