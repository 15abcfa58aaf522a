package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.GrantSigners;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.testkit.FakeMaskinporten;
import no.brokerclient.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BrokerClient with real grants, the strict fake Maskinporten and its exchange endpoint. */
class MaskinportenBrokerIntegrationTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");

  FakeMaskinporten fake;
  MockWebServer broker;
  Maskinporten maskinporten;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeMaskinporten("client-1", AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE,
        AltinnScopes.BROKER_READ);
    fake.registerKey("test-kid", TestKeys.jwk().toRSAPublicKey());
    broker = new MockWebServer();
    broker.start(0);
    maskinporten = Maskinporten.builder().issuer(fake.issuer()).clientId("client-1")
        .signer(GrantSigners.jwk(TestKeys.jwk().toJSONString())).altinnPlatformUrl(fake.platformUrl()).build();
  }

  @AfterEach
  void stop() {
    maskinporten.close();
    broker.close();
    fake.close();
  }

  BrokerClient client() {
    return BrokerClient.builder().baseUrl(broker.url("/").toString())
        .accessTokenProvider(maskinporten.withSystemUser(OrganizationNumber.of("991825827")).forBroker())
        .roles(Role.SENDER, Role.RECIPIENT).build();
  }

  static MockResponse overview() {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"fileTransferId\":\"" + ID + "\",\"fileTransferStatus\":\"Published\"}").build();
  }

  String bearer(RecordedRequest r) {
    return r.getHeaders().get("Authorization").substring("Bearer ".length());
  }

  @Test
  void eachRoleGetsItsOwnExchangedSystemUserToken() throws Exception {
    try (BrokerClient c = client()) {
      broker.enqueue(overview());
      broker.enqueue(new MockResponse.Builder().code(204).build());
      c.getOverview(ID);
      c.confirmDownload(ID);
      JWTClaimsSet sender = fake.verifyIssued(bearer(broker.takeRequest(5, TimeUnit.SECONDS)));
      JWTClaimsSet recipient = fake.verifyIssued(bearer(broker.takeRequest(5, TimeUnit.SECONDS)));
      assertNotNull(sender, "Broker received an Altinn token issued by the exchange");
      assertEquals("altinn:authorization:pdp altinn:broker.write", sender.getStringClaim("scope"));
      assertEquals("altinn:authorization:pdp altinn:broker.read", recipient.getStringClaim("scope"));
      assertNotNull(sender.getClaim("authorization_details"), "system-user claims survive the exchange");
      assertEquals(2, fake.exchanges());
    }
  }

  @Test
  void brokerRejectingTheTokenGetsAFreshOneOnce() throws Exception {
    try (BrokerClient c = client()) {
      broker.enqueue(new MockResponse.Builder().code(401).build());
      broker.enqueue(overview());
      c.getOverview(ID);
      String first = bearer(broker.takeRequest(5, TimeUnit.SECONDS));
      String second = bearer(broker.takeRequest(5, TimeUnit.SECONDS));
      assertNotEquals(first, second);
      assertNotNull(fake.verifyIssued(second));
      assertEquals(2, fake.exchanges());
      assertEquals(1, fake.tokenRequests(), "the Maskinporten token itself was still good");
    }
  }
}
