/**
 * broker-client core: {@link no.brokerclient.BrokerClient} for the Altinn 3 Broker v1 API.
 * Exports the public API only; {@code no.brokerclient.internal} is not part of it.
 */
module no.brokerclient.core {
  requires transitive okhttp3;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires com.nimbusds.jose.jwt;

  exports no.brokerclient;
  exports no.brokerclient.auth;
  exports no.brokerclient.model;
  // Shared plumbing for the SDK's own modules only.
  exports no.brokerclient.internal to no.brokerclient.events, no.brokerclient.access, no.brokerclient.durable;

  opens no.brokerclient.model to com.fasterxml.jackson.databind;
}
