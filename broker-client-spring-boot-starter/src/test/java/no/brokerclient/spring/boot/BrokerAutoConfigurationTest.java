package no.brokerclient.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.auth.AccessTokenProvider;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.auth.Maskinporten;
import no.brokerclient.events.EventsClient;
import no.brokerclient.events.WebhookHandler;
import no.brokerclient.testing.TestKeys;
import no.brokerclient.testkit.FakeAltinn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The auto-configuration without a web server: beans, back-off, customizers, validation, signers. */
class BrokerAutoConfigurationTest {
  static final String ORG = "991825827";
  static FakeAltinn altinn;
  static String jwk;

  @BeforeAll
  static void start() throws Exception {
    altinn = FakeAltinn.start();
    jwk = altinn.client("starter-client", ORG, AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE,
        AltinnScopes.BROKER_READ, AltinnScopes.EVENTS_SUBSCRIBE);
  }

  @AfterAll
  static void stop() {
    altinn.close();
  }

  static ApplicationContextRunner runner() {
    return runner(altinn, "starter-client", jwk);
  }

  /** The starter's auto-configurations against a fake, with the sender role for {@link #ORG}. */
  static ApplicationContextRunner runner(FakeAltinn altinn, String clientId, String jwk) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BrokerMetricsAutoConfiguration.class, BrokerAutoConfiguration.class,
            BrokerEventsAutoConfiguration.class, BrokerHealthAutoConfiguration.class,
            BrokerDurableAutoConfiguration.class))
        .withPropertyValues(
            "broker.platform-url=" + altinn.platformUrl(),
            "broker.maskinporten.issuer=" + altinn.maskinportenIssuer(),
            "broker.maskinporten.client-id=" + clientId,
            "broker.maskinporten.jwk=" + jwk,
            "broker.roles=sender",
            "broker.system-user.organization=" + ORG);
  }

  @Test
  void buildsTheClientsAndGetsATokenFromTheFake() {
    runner().run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(BrokerClient.class).hasSingleBean(Maskinporten.class)
          .hasSingleBean(EventsClient.class).hasSingleBean(BrokerClients.class).doesNotHaveBean(WebhookHandler.class);
      String token = ctx.getBean(Maskinporten.class).withSystemUser(no.brokerclient.model.OrganizationNumber.of(ORG))
          .forBroker().accessToken(AltinnScopes.SENDER);
      assertThat(token).isNotBlank();
      assertThat(ctx.getBean(BrokerClients.class).names()).isEmpty();
    });
  }

  @Test
  void backsOffForTheApplicationsOwnBeans() {
    runner().withUserConfiguration(OwnClient.class).run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(BrokerClient.class);
      assertThat(ctx.getBean(BrokerClient.class)).isSameAs(ctx.getBean("ownClient"));
    });
  }

  @Test
  void customizersSeeEveryClientAndTheHttpClient() {
    runner().withUserConfiguration(Customizers.class)
        .withPropertyValues("broker.registrations.acme.roles=recipient",
            "broker.registrations.acme.system-user.organization=986252932")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBean(BrokerClients.class).get("acme")).isNotNull();
          assertThat(ctx.getBean(Customizers.class).seen).containsExactlyInAnyOrder("default", "acme", "okhttp");
        });
  }

  @Test
  void namesTheMissingProperty() {
    assertStartupFails(runner().withPropertyValues("broker.maskinporten.client-id="),
        "broker.maskinporten.client-id: is required");
    assertStartupFails(runner().withPropertyValues("broker.platform-url="), "broker.environment: set");
    assertStartupFails(runner().withPropertyValues("broker.environment=tt02"), "not both");
    assertStartupFails(runner().withPropertyValues("broker.roles="), "broker.roles: name at least one");
    assertStartupFails(runner().withPropertyValues("broker.maskinporten.jwk-file=/nonexistent.json"),
        "broker.maskinporten.jwk: several keys");
    assertStartupFails(runner().withPropertyValues("broker.system-user.organization=123456789"),
        "broker.system-user.organization:");
    assertStartupFails(runner().withPropertyValues("broker.events.subscriptions[0].resource-id=r1"),
        "broker.events.webhook.secret: is required to subscribe");
    assertStartupFails(runner().withPropertyValues("broker.events.subscriptions[0].role=unknown"),
        "broker.events.subscriptions[0].resource-id: is required");
    assertStartupFails(runner().withPropertyValues("broker.events.poller.interval=1s"),
        "broker.events.poller.interval: must be at least 6 s");
    assertStartupFails(runner().withPropertyValues("broker.platform-url=http://altinn.example.no"),
        "broker.platform-url: must be https");
  }

  @Test
  void productionNeedsAPublicWebhookUrl() {
    assertStartupFails(new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BrokerAutoConfiguration.class))
        .withPropertyValues("broker.environment=tt02", "broker.maskinporten.client-id=c", "broker.maskinporten.jwk="
            + jwk, "broker.roles=recipient", "broker.system-user.organization=" + ORG,
            "broker.events.subscriptions[0].resource-id=r1", "broker.events.webhook.secret=0123456789abcdef"),
        "broker.events.webhook.public-url: is required");
  }

  @Test
  void keyFromAJwkFileOrAPemFile(@TempDir Path dir) throws Exception {
    Path jwkFile = Files.writeString(dir.resolve("key.json"), jwk);
    RSAKey key = RSAKey.parse(jwk);
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
        key.toPrivateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    Path pemFile = Files.writeString(dir.resolve("key.pem"), pem);
    for (String[] props : List.of(new String[] {"broker.maskinporten.jwk-file=" + jwkFile},
        new String[] {"broker.maskinporten.pem.private-key-file=" + pemFile,
            "broker.maskinporten.pem.key-id=" + key.getKeyID()})) {
      runner().withPropertyValues("broker.maskinporten.jwk=").withPropertyValues(props).run(ctx -> {
        assertThat(ctx).hasNotFailed();
        assertThat(ctx.getBean(Maskinporten.class).forBroker().accessToken(AltinnScopes.SENDER)).isNotBlank();
      });
    }
  }

  @Test
  void keyFromPkcs12AndJks(@TempDir Path dir) {
    Path p12 = TestKeys.keyStore(dir.resolve("virksomhet.p12"), "PKCS12", "signer", "RSA", "store-pass");
    Path jks = TestKeys.keyStore(dir.resolve("virksomhet.jks"), "JKS", "signer", "RSA", "store-pass");
    for (Path store : List.of(p12, jks)) {
      runner().withPropertyValues("broker.maskinporten.jwk=", "broker.maskinporten.key-store.path=" + store,
          "broker.maskinporten.key-store.password=store-pass").run(ctx -> assertThat(ctx).hasNotFailed()
              .hasSingleBean(Maskinporten.class));
    }
    assertStartupFails(runner().withPropertyValues("broker.maskinporten.jwk=",
        "broker.maskinporten.key-store.path=" + p12, "broker.maskinporten.key-store.password=wrong-pass"),
        "broker.maskinporten.key-store.path: unusable key store");
    assertStartupFails(runner().withPropertyValues("broker.maskinporten.jwk=",
        "broker.maskinporten.key-store.path=" + p12), "broker.maskinporten.key-store.password: is required");
  }

  @Test
  void healthIndicatorHasASwitch() {
    runner().run(ctx -> assertThat(ctx).hasBean("brokerHealthIndicator"));
    runner().withPropertyValues("management.health.broker.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean("brokerHealthIndicator"));
    runner().withPropertyValues("broker.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(BrokerClient.class).doesNotHaveBean("brokerHealthIndicator"));
  }

  @Test
  void startUpFailureReportNamesThePropertyAndWhatToDo() {
    runner().withPropertyValues("broker.maskinporten.client-id=").run(ctx -> {
      FailureAnalysis a = new BrokerConfigurationFailureAnalyzer().analyze(ctx.getStartupFailure());
      assertThat(a.getDescription()).contains("broker.maskinporten.client-id: is required");
      assertThat(a.getAction()).contains("'broker.maskinporten.client-id'");
    });
  }

  @Test
  void leavesBootsTaskSchedulerAlone() {
    runner().withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
        .withUserConfiguration(Scheduling.class).run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(BrokerTaskScheduler.class);
          assertThat(ctx.getBeansOfType(TaskScheduler.class)).containsOnlyKeys("taskScheduler");
        });
  }

  static void assertStartupFails(ApplicationContextRunner runner, String message) {
    runner.run(ctx -> {
      assertThat(ctx).hasFailed();
      Throwable t = ctx.getStartupFailure();
      while (t.getCause() != null && !(t instanceof BrokerConfigurationException)) {
        t = t.getCause();
      }
      assertThat(t).isInstanceOf(BrokerConfigurationException.class);
      assertThat(t.getMessage()).contains(message).doesNotContain(RSAKey.parse(jwk).getPrivateExponent().toString());
    });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class Scheduling {}

  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    @Bean
    BrokerClient ownClient() {
      return BrokerClient.builder().baseUrl(altinn.platformUrl()).accessTokenProvider(AccessTokenProvider.fixed("t"))
          .roles(Role.SENDER).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Customizers {
    final List<String> seen = new ArrayList<>();

    @Bean
    BrokerClientCustomizer brokerClientCustomizer() {
      return (name, builder) -> {
        seen.add(name);
        builder.userAgent("starter-test");
      };
    }

    @Bean
    OkHttpClientCustomizer okHttpClientCustomizer() {
      return builder -> seen.add("okhttp");
    }
  }
}
