package no.brokerclient.spring.boot.test;

import java.util.List;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/** Finds {@link EnableFakeAltinn} on a test class (registered in {@code META-INF/spring.factories}). */
public final class FakeAltinnContextCustomizerFactory implements ContextCustomizerFactory {
  /** Used by the Spring TestContext framework. */
  public FakeAltinnContextCustomizerFactory() {
    // stateless
  }

  @Override
  public ContextCustomizer createContextCustomizer(Class<?> testClass,
      List<ContextConfigurationAttributes> configAttributes) {
    EnableFakeAltinn a = AnnotatedElementUtils.findMergedAnnotation(testClass, EnableFakeAltinn.class);
    return a == null ? null : new FakeAltinnContextCustomizer(a.clientId(), a.organization(),
        List.of(a.counterparts()), List.of(a.resources()), a.serviceOwner());
  }
}
