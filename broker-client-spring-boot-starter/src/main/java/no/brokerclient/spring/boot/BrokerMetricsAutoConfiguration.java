package no.brokerclient.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import no.brokerclient.BrokerClient;
import no.brokerclient.TelemetryListener;
import no.brokerclient.micrometer.MicrometerTelemetry;
import no.brokerclient.micrometer.ObservationInterceptor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Metrics and tracing when {@code broker-client-micrometer} is on the class path: {@link MicrometerTelemetry} on the
 * application's {@link MeterRegistry} (a {@link TelemetryListener} bean, so every client the starter builds reports
 * to it, beside the application's own listener beans), and an {@link ObservationInterceptor} on the shared OkHttp
 * client with the application's {@link ObservationRegistry}. {@code broker.metrics.enabled=false} turns both off.
 */
@AutoConfiguration(before = BrokerAutoConfiguration.class, afterName = {
    // Boot 3
    "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
    // Boot 4
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnClass({BrokerClient.class, MicrometerTelemetry.class})
@ConditionalOnProperty(prefix = "broker", name = "enabled", matchIfMissing = true)
public class BrokerMetricsAutoConfiguration {
  /** Used by Spring. */
  public BrokerMetricsAutoConfiguration() {
    // beans below
  }

  /**
   * @param registry the application's registry
   * @return the meters of every client the starter builds ({@code brokerclient.*})
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(MeterRegistry.class)
  @ConditionalOnProperty(prefix = "broker.metrics", name = "enabled", matchIfMissing = true)
  public MicrometerTelemetry brokerMicrometerTelemetry(MeterRegistry registry) {
    return new MicrometerTelemetry(registry);
  }

  /**
   * @param registry the application's observation registry
   * @return adds an {@link ObservationInterceptor} to the shared OkHttp client
   */
  @Bean
  @ConditionalOnMissingBean(name = "brokerObservationCustomizer")
  @ConditionalOnBean(ObservationRegistry.class)
  @ConditionalOnProperty(prefix = "broker.metrics", name = "enabled", matchIfMissing = true)
  public OkHttpClientCustomizer brokerObservationCustomizer(ObservationRegistry registry) {
    return b -> b.addInterceptor(new ObservationInterceptor(registry));
  }
}
