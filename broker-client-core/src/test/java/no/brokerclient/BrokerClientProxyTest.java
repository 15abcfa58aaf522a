package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import no.brokerclient.model.ResourceSettings;
import org.junit.jupiter.api.Test;

/**
 * Without Mockito: {@link BrokerClient} and {@link ServiceOwnerOperations} are interfaces a JDK proxy implements (as
 * Spring's {@code @Lazy} and interface-based AOP proxies do), their overloads are default methods that reach the
 * full method, and the SDK's implementation is hidden.
 */
class BrokerClientProxyTest {
  static final UUID ID = UUID.fromString("3fa85f64-5717-4562-b3fc-2c963f66afa6");

  @Test
  void aJdkProxyImplementsTheClientAndItsDefaultOverloadsReachTheFullMethods() {
    List<String> calls = new ArrayList<>();
    FileTransferOverview canned = Json.overview(ID);
    ResourceSettings settings = new ResourceSettings(1L, null, null, null, null, null, null, null);
    ServiceOwnerOperations owner = (ServiceOwnerOperations) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ServiceOwnerOperations.class}, (p, m, args) -> {
          calls.add("owner." + m.getName());
          return settings;
        });
    InvocationHandler handler = (proxy, m, args) -> {
      if (m.isDefault()) {
        calls.add("default " + m.getName() + "/" + m.getParameterCount());
        return InvocationHandler.invokeDefault(proxy, m, args);
      }
      calls.add(m.getName() + "/" + m.getParameterCount());
      return switch (m.getName()) {
        case "send" -> canned;
        case "serviceOwner" -> owner;
        case "close" -> null;
        default -> throw new UnsupportedOperationException(m.getName());
      };
    };
    FileTransferInitialize init = FileTransferInitialize.builder().resourceId("r").fileName("f")
        .sender("991825827").recipient("986252932").build();
    try (BrokerClient fake = (BrokerClient) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {BrokerClient.class}, handler)) {
      assertSame(canned, fake.send(init, Path.of("f")));
      assertSame(settings, fake.serviceOwner().getResource("r"));
    }
    assertEquals(List.of("default send/2", "send/3", "serviceOwner/0", "owner.getResource", "close/0"), calls);
  }

  @Test
  void theBuilderReturnsAHiddenFinalImplementation() {
    assertTrue(BrokerClient.class.isInterface() && ServiceOwnerOperations.class.isInterface());
    try (BrokerClient c = BrokerClient.builder().baseUrl("http://127.0.0.1:1").roles(Role.SENDER)
        .accessTokenProvider(AccessTokenProvider.fixed("x")).build()) {
      int mods = c.getClass().getModifiers();
      assertFalse(Modifier.isPublic(mods), "the implementation is not API");
      assertTrue(Modifier.isFinal(mods));
      assertFalse(Modifier.isPublic(c.serviceOwner().getClass().getModifiers()));
    }
  }

  /** A canned overview, read the way the SDK reads one. */
  static final class Json {
    static FileTransferOverview overview(UUID id) {
      try {
        return no.brokerclient.internal.Json.MAPPER.readValue(MockServerTest.overviewJson(id, "Published", null, 3),
            FileTransferOverview.class);
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }
  }
}
