package no.brokerclient.spring.boot;

import no.brokerclient.BrokerClient;

/**
 * Adjusts every {@link BrokerClient} the starter builds (the default one and each named registration) after the
 * properties have been applied. Beans of this type run in {@code @Order}.
 */
@FunctionalInterface
public interface BrokerClientCustomizer {
  /**
   * @param registration {@code "default"} for the {@code BrokerClient} bean, else the name under
   *     {@code broker.registrations}
   * @param builder the builder, with the properties applied
   */
  void customize(String registration, BrokerClient.Builder builder);
}
