package no.brokerclient.spring.boot;

import static no.brokerclient.spring.boot.BrokerAutoConfigurationTest.ORG;
import static no.brokerclient.spring.boot.BrokerAutoConfigurationTest.altinn;
import static no.brokerclient.spring.boot.BrokerAutoConfigurationTest.assertStartupFails;
import static no.brokerclient.spring.boot.BrokerAutoConfigurationTest.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import no.brokerclient.BrokerClient;
import no.brokerclient.TelemetryListener;
import no.brokerclient.micrometer.MicrometerTelemetry;
import no.brokerclient.micrometer.ObservationInterceptor;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferOverview;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Micrometer metrics and tracing when broker-client-micrometer and a registry are present, the application's own
 * {@link TelemetryListener} beans beside them, and the {@code broker.upload.*} TUS settings.
 */
class BrokerMetricsAutoConfigurationTest {
  static final String RESOURCE = "metrics-resource";
  static final String RECIPIENT = "986252932";

  @TempDir static Path dir;
  static Path file;

  @BeforeAll
  static void setUp() throws Exception {
    BrokerAutoConfigurationTest.start();
    altinn.resource(RESOURCE, ORG, RECIPIENT);
    file = Files.write(dir.resolve("four-k.bin"), new byte[4096]);
  }

  @AfterAll
  static void tearDown() {
    BrokerAutoConfigurationTest.stop();
  }

  @Test
  void aMeterRegistryGetsTheClientsMeters() {
    runner().withUserConfiguration(Registry.class).run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(MicrometerTelemetry.class);
      send(ctx.getBean(BrokerClient.class));
      MeterRegistry registry = ctx.getBean(MeterRegistry.class);
      assertThat(registry.find(MicrometerTelemetry.HTTP_REQUESTS).timers()).isNotEmpty();
      assertThat(registry.find(MicrometerTelemetry.TOKEN_FETCHES).timers()).isNotEmpty();
      assertThat(registry.find(MicrometerTelemetry.TRANSFERS).timers()).isNotEmpty();
    });
  }

  @Test
  void aThrowingListenerBeanStopsNeitherMicrometerNorTheOtherListeners() {
    runner().withUserConfiguration(Registry.class, Listeners.class).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      send(ctx.getBean(BrokerClient.class));
      assertThat(ctx.getBean(MeterRegistry.class).find(MicrometerTelemetry.HTTP_REQUESTS).timers()).isNotEmpty();
      assertThat(ctx.getBean(Listeners.class).attempts).isNotEmpty()
          .allMatch(a -> a.pathTemplate().startsWith("/broker/api/v1/"));
    });
  }

  @Test
  void listenerBeansAloneWorkWithoutMicrometer() {
    runner().withUserConfiguration(Listeners.class)
        .withClassLoader(new FilteredClassLoader(MicrometerTelemetry.class)).run(ctx -> {
          assertThat(ctx).hasNotFailed().doesNotHaveBean(MicrometerTelemetry.class);
          send(ctx.getBean(BrokerClient.class));
          assertThat(ctx.getBean(Listeners.class).attempts).isNotEmpty();
        });
  }

  @Test
  void withoutTheMicrometerModuleTheContextStartsWithoutIt() {
    runner().withUserConfiguration(Registry.class)
        .withClassLoader(new FilteredClassLoader(MicrometerTelemetry.class, ObservationInterceptor.class))
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(BrokerClient.class).doesNotHaveBean(MicrometerTelemetry.class)
              .doesNotHaveBean("brokerObservationCustomizer");
          send(ctx.getBean(BrokerClient.class));
          assertThat(ctx.getBean(MeterRegistry.class).find(MicrometerTelemetry.HTTP_REQUESTS).meters()).isEmpty();
        });
  }

  @Test
  void hasASwitch() {
    runner().withUserConfiguration(Registry.class, Observations.class)
        .withPropertyValues("broker.metrics.enabled=false")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().doesNotHaveBean(MicrometerTelemetry.class)
              .doesNotHaveBean("brokerObservationCustomizer");
          send(ctx.getBean(BrokerClient.class));
          assertThat(ctx.getBean(MeterRegistry.class).find(MicrometerTelemetry.HTTP_REQUESTS).meters()).isEmpty();
          assertThat(ctx.getBean(Observations.class).started).isEmpty();
        });
  }

  @Test
  void withoutARegistryNothingIsBound() {
    runner().run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MicrometerTelemetry.class)
        .doesNotHaveBean("brokerObservationCustomizer"));
  }

  @Test
  void anObservationRegistryObservesEveryBrokerCall() {
    runner().withUserConfiguration(Observations.class).run(ctx -> {
      assertThat(ctx).hasNotFailed().hasBean("brokerObservationCustomizer").doesNotHaveBean(MicrometerTelemetry.class);
      send(ctx.getBean(BrokerClient.class));
      assertThat(ctx.getBean(Observations.class).started).isNotEmpty()
          .allMatch(ObservationInterceptor.NAME::equals);
    });
  }

  @Test
  void uploadPropertiesReachEveryClient() {
    runner().withPropertyValues("broker.upload.tus-threshold=1KB", "broker.upload.tus-chunk-size=1KB",
        "broker.upload.tus-parallel-parts=2", "broker.registrations.acme.roles=sender",
        "broker.registrations.acme.system-user.organization=" + ORG).run(ctx -> {
          assertThat(ctx).hasNotFailed();
          for (BrokerClient client : List.of(ctx.getBean(BrokerClient.class),
              ctx.getBean(BrokerClients.class).get("acme"))) {
            FileTransferOverview sent = send(client);
            assertThat(altinn.tus().partCount(sent.fileTransferId())).isEqualTo(2);
            assertThat(altinn.tus().patchCount(sent.fileTransferId())).isEqualTo(4);
          }
        });
  }

  @Test
  void withTheDefaultsASmallFileIsOnePost() {
    runner().run(ctx -> {
      FileTransferOverview sent = send(ctx.getBean(BrokerClient.class));
      assertThat(altinn.tus().patchCount(sent.fileTransferId())).isZero();
    });
  }

  @Test
  void uploadDefaultsAreTheClientsDefaults() {
    BrokerProperties.Upload u = new BrokerProperties().getUpload();
    assertThat(u.getTusThreshold().toBytes()).isEqualTo(BrokerClient.DEFAULT_TUS_THRESHOLD);
    assertThat(u.getTusChunkSize().toBytes()).isEqualTo(BrokerClient.DEFAULT_TUS_CHUNK_SIZE);
    assertThat(u.getTusParallelParts()).isEqualTo(BrokerClient.DEFAULT_TUS_PARALLEL_PARTS);
  }

  @Test
  void uploadPropertiesAreValidated() {
    assertStartupFails(runner().withPropertyValues("broker.upload.tus-threshold=0B"),
        "broker.upload.tus-threshold: must be a positive size");
    assertStartupFails(runner().withPropertyValues("broker.upload.tus-chunk-size=2GB"),
        "broker.upload.tus-chunk-size: must be a positive size below 2GB");
    assertStartupFails(runner().withPropertyValues("broker.upload.tus-chunk-size=0B"),
        "broker.upload.tus-chunk-size:");
    assertStartupFails(runner().withPropertyValues("broker.upload.tus-parallel-parts=0"),
        "broker.upload.tus-parallel-parts: must be 1 to 64");
    assertStartupFails(runner().withPropertyValues("broker.upload.tus-parallel-parts=65"),
        "broker.upload.tus-parallel-parts: must be 1 to 64");
  }

  static FileTransferOverview send(BrokerClient client) {
    return client.send(FileTransferInitialize.builder().resourceId(RESOURCE).fileName("four-k.bin").sender(ORG)
        .recipient(RECIPIENT).build(), file);
  }

  @Configuration(proxyBeanMethods = false)
  static class Registry {
    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Observations {
    final List<String> started = new CopyOnWriteArrayList<>();

    @Bean
    ObservationRegistry observationRegistry() {
      ObservationRegistry r = ObservationRegistry.create();
      r.observationConfig().observationHandler(new ObservationHandler<>() {
        @Override
        public void onStart(Observation.Context context) {
          started.add(context.getName());
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
          return true;
        }
      });
      return r;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Listeners {
    final List<TelemetryListener.HttpAttempt> attempts = new CopyOnWriteArrayList<>();

    @Bean
    @Order(1)
    TelemetryListener throwing() {
      return new TelemetryListener() {
        @Override
        public void httpAttempt(HttpAttempt attempt) {
          throw new IllegalStateException("listener bug");
        }
      };
    }

    @Bean
    @Order(2)
    TelemetryListener recording() {
      return new TelemetryListener() {
        @Override
        public void httpAttempt(HttpAttempt attempt) {
          attempts.add(attempt);
        }
      };
    }
  }
}
