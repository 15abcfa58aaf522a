/**
 * broker-client testkit: {@link no.brokerclient.testkit.FakeAltinn}, an embedded stand-in for Maskinporten, the
 * Altinn token exchange, Broker v1 and Altinn Events on loopback.
 */
module no.brokerclient.testkit {
  requires transitive com.nimbusds.jose.jwt;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires jdk.httpserver;
  requires java.net.http;
  requires static transitive org.junit.jupiter.api;

  exports no.brokerclient.testkit;
}
