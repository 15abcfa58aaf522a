package no.brokerclient.access;

/** Which token {@link AltinnAccessClient} sends to an API when it is given a {@code Maskinporten} instance. */
public enum TokenKind {
  /**
   * The Maskinporten token exchanged for an Altinn token ({@code GET /authentication/api/v1/exchange/maskinporten}):
   * the default for both APIs, and what Altinn's own tools use; the repositories' configuration knows only Altinn's
   * issuer.
   */
  ALTINN_EXCHANGED,
  /** The Maskinporten token as is: accepted by Authentication in TT02 and production (Altinn's end-to-end tests). */
  MASKINPORTEN
}
