package no.brokerclient.spring.boot;

import no.brokerclient.auth.Maskinporten;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code broker} health indicator (actuator's {@code /health} shows it as {@code broker}), on Spring Boot 3
 * and 4 alike; {@code management.health.broker.enabled=false} switches it off.
 */
@AutoConfiguration(after = BrokerEventsAutoConfiguration.class)
@ConditionalOnBean(Maskinporten.class)
@ConditionalOnProperty(prefix = "management.health.broker", name = "enabled", matchIfMissing = true)
public class BrokerHealthAutoConfiguration {
  /** Used by Spring. */
  public BrokerHealthAutoConfiguration() {
    // nested configurations below
  }

  static BrokerHealth health(BrokerProperties properties, Maskinporten maskinporten,
      ObjectProvider<BrokerStatus> status) {
    return new BrokerHealth(properties, maskinporten, status.getIfAvailable());
  }

  /** Spring Boot 3: org.springframework.boot.actuate.health. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  static class Boot3 {
    @Bean
    @ConditionalOnMissingBean(name = "brokerHealthIndicator")
    org.springframework.boot.actuate.health.HealthIndicator brokerHealthIndicator(BrokerProperties properties,
        Maskinporten maskinporten, ObjectProvider<BrokerStatus> status) {
      BrokerHealth health = health(properties, maskinporten, status);
      return () -> {
        BrokerHealth.Result r = health.check();
        return (r.up() ? org.springframework.boot.actuate.health.Health.up()
            : org.springframework.boot.actuate.health.Health.down()).withDetails(r.details()).build();
      };
    }
  }

  /** Spring Boot 4: org.springframework.boot.health.contributor. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot4 {
    @Bean
    @ConditionalOnMissingBean(name = "brokerHealthIndicator")
    org.springframework.boot.health.contributor.HealthIndicator brokerHealthIndicator(BrokerProperties properties,
        Maskinporten maskinporten, ObjectProvider<BrokerStatus> status) {
      BrokerHealth health = health(properties, maskinporten, status);
      return () -> {
        BrokerHealth.Result r = health.check();
        return (r.up() ? org.springframework.boot.health.contributor.Health.up()
            : org.springframework.boot.health.contributor.Health.down()).withDetails(r.details()).build();
      };
    }
  }
}
