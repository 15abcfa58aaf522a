/**
 * broker-client testkit: {@link no.brokerclient.testkit.FakeAltinn}, an embedded stand-in for Maskinporten, the
 * Altinn token exchange, Broker v1 and Altinn Events on loopback.
 *
 * <p>JUnit is optional: only {@link no.brokerclient.testkit.FakeAltinnExtension} needs it, and a modular test that
 * uses the extension requires {@code org.junit.jupiter.api} itself. It is not required transitively, so a consumer
 * without JUnit (a Spring test, a main program) still resolves this module.
 */
module no.brokerclient.testkit {
  requires transitive com.nimbusds.jose.jwt;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires jdk.httpserver;
  requires java.net.http;
  requires static org.junit.jupiter.api;

  exports no.brokerclient.testkit;
}
