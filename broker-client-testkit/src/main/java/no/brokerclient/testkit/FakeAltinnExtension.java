package no.brokerclient.testkit;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: starts one {@link FakeAltinn} per test class and injects it into test methods, constructors
 * and lifecycle methods that declare a {@code FakeAltinn} parameter; closes it after the class.
 *
 * <pre>{@code
 * @ExtendWith(FakeAltinnExtension.class)
 * class MyIntegrationTest {
 *   @Test
 *   void sends(FakeAltinn altinn) { ... }
 * }
 * }</pre>
 */
@SuppressWarnings("exports") // JUnit is requires static, not transitive: see module-info
public final class FakeAltinnExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FakeAltinnExtension.class);

  /** Used by JUnit. */
  public FakeAltinnExtension() {
    // stateless; the fake lives in the extension store
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    context.getStore(NS).put(FakeAltinn.class, FakeAltinn.start());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    FakeAltinn fake = context.getStore(NS).remove(FakeAltinn.class, FakeAltinn.class);
    if (fake != null) {
      fake.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == FakeAltinn.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext c = context;
    while (c != null) {
      FakeAltinn fake = c.getStore(NS).get(FakeAltinn.class, FakeAltinn.class);
      if (fake != null) {
        return fake;
      }
      c = c.getParent().orElse(null);
    }
    throw new IllegalStateException("FakeAltinnExtension must be registered on the test class");
  }
}
