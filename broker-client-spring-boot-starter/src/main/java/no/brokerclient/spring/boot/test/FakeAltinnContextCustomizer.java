package no.brokerclient.spring.boot.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.testkit.FakeAltinn;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts the fake for one application context; equal settings share a cached context.
 *
 * @param clientId the Maskinporten client id
 * @param organization the client's organisation
 * @param counterparts further organisations with access
 * @param resources resources to create
 * @param serviceOwner the resources' owner
 */
record FakeAltinnContextCustomizer(String clientId, String organization, List<String> counterparts,
    List<String> resources, String serviceOwner) implements ContextCustomizer {

  /** The property source's name, first in the environment. */
  static final String SOURCE = "fakeAltinn";

  @Override
  public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
    FakeAltinn fake;
    try {
      fake = FakeAltinn.start();
    } catch (IOException e) {
      throw new UncheckedIOException("FakeAltinn did not start", e);
    }
    String jwk = fake.client(clientId, organization, AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE,
        AltinnScopes.BROKER_READ, AltinnScopes.EVENTS_SUBSCRIBE, AltinnScopes.SERVICE_OWNER_SCOPE);
    List<String> access = new ArrayList<>();
    access.add(organization);
    access.addAll(counterparts);
    for (String r : resources) {
      fake.resource(r, serviceOwner, access.toArray(String[]::new));
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("broker.environment", "");
    p.put("broker.platform-url", fake.platformUrl());
    p.put("broker.maskinporten.environment", "");
    p.put("broker.maskinporten.issuer", fake.maskinportenIssuer());
    p.put("broker.maskinporten.client-id", clientId);
    p.put("broker.maskinporten.jwk", jwk);
    context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(SOURCE, p));
    // Defaults the test may override: after everything else.
    context.getEnvironment().getPropertySources().addLast(new MapPropertySource(SOURCE + "Defaults",
        Map.of("broker.system-user.organization", organization)));
    context.getBeanFactory().registerSingleton("fakeAltinn", fake);
    context.addApplicationListener(e -> {
      if (e instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
        fake.close();
      }
    });
  }
}
