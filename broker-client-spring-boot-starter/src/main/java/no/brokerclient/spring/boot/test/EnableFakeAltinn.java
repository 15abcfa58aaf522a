package no.brokerclient.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a Spring test class: starts a {@code FakeAltinn} (from broker-client-testkit, which the test needs on its
 * class path) for the test's application context, registers a Maskinporten client and the resources, points
 * {@code broker.platform-url}, {@code broker.maskinporten.issuer}, {@code .client-id} and {@code .jwk} at it, sets
 * {@code broker.system-user.organization}, and adds the fake as a bean so the test can inspect it. Properties the
 * test sets itself win, except these connection ones. The fake stops when the context closes.
 *
 * <pre>{@code
 * @SpringBootTest(webEnvironment = RANDOM_PORT)
 * @EnableFakeAltinn(resources = "my-resource")
 * class MyTest {
 *   @Autowired FakeAltinn altinn;
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface EnableFakeAltinn {
  /** @return the Maskinporten client id to register (default {@code fake-altinn-client}) */
  String clientId() default "fake-altinn-client";

  /** @return the organisation the client and its system user belong to (default 991825827) */
  String organization() default "991825827";

  /** @return further organisations with access to the resources (default 986252932, a recipient) */
  String[] counterparts() default {"986252932"};

  /** @return resources to create, owned by {@link #serviceOwner()}, open to the organisation and counterparts */
  String[] resources() default {};

  /** @return the resources' service owner (default 974760673) */
  String serviceOwner() default "974760673";
}
