package no.brokerclient.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import javax.sql.DataSource;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.durable.Inbox;
import no.brokerclient.durable.InboxHandler;
import no.brokerclient.durable.JdbcDurableStore;
import no.brokerclient.durable.Outbox;
import no.brokerclient.testkit.FakeAltinn;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which durable beans the starter creates: by class path, DataSource, roles, handler bean and switch. */
class DurableAutoConfigurationTest {
  static FakeAltinn altinn;
  static String jwk;

  @BeforeAll
  static void start() throws Exception {
    altinn = FakeAltinn.start();
    jwk = altinn.client("durable-client", BrokerAutoConfigurationTest.ORG, AltinnScopes.BROKER_WRITE,
        AltinnScopes.BROKER_READ);
  }

  @AfterAll
  static void stop() {
    altinn.close();
  }

  static ApplicationContextRunner runner() {
    return BrokerAutoConfigurationTest.runner(altinn, "durable-client", jwk);
  }

  static ApplicationContextRunner withDataSource(ApplicationContextRunner r) {
    return r.withBean(DataSource.class, () -> {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:durable-autoconfig;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
      return h2;
    });
  }

  static ApplicationContextRunner withHandler(ApplicationContextRunner r) {
    return r.withBean(InboxHandler.class, () -> file -> { });
  }

  @Test
  void aSenderWithADataSourceGetsTheStoreAndAnOutboxButNoInbox() {
    withHandler(withDataSource(runner())).run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(JdbcDurableStore.class).hasSingleBean(Outbox.class)
          .doesNotHaveBean(Inbox.class).hasSingleBean(BrokerDurableWorkers.class);
      assertThat(ctx.getBean(JdbcDurableStore.class).tablePrefix()).isEqualTo(JdbcDurableStore.DEFAULT_PREFIX);
      assertThat(ctx.getBean(BrokerDurableWorkers.class).isRunning()).isFalse(); // only once the app is ready
    });
  }

  @Test
  void theWorkersStartWhenTheApplicationIsReadyAndStopWhenItCloses() {
    withDataSource(runner()).run(ctx -> {
      BrokerDurableWorkers workers = ctx.getBean(BrokerDurableWorkers.class);
      assertThat(workerThreads()).isZero();
      ctx.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0],
          ctx.getSourceApplicationContext(), Duration.ZERO));
      assertThat(workers.isRunning()).isTrue();
      assertThat(workerThreads()).isEqualTo(4); // broker.durable.concurrency's default
      ctx.close();
      assertThat(workers.isRunning()).isFalse();
      assertThat(workerThreads()).isZero();
    });
  }

  private static long workerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("outbox-worker-")).count();
  }

  @Test
  void aRecipientWithAHandlerBeanGetsAnInboxButNoOutbox() {
    withHandler(withDataSource(runner())).withPropertyValues("broker.roles=recipient").run(ctx ->
        assertThat(ctx).hasNotFailed().hasSingleBean(Inbox.class).doesNotHaveBean(Outbox.class));
  }

  @Test
  void noHandlerBeanNoInbox() {
    withDataSource(runner()).withPropertyValues("broker.roles=recipient").run(ctx ->
        assertThat(ctx).hasNotFailed().hasSingleBean(JdbcDurableStore.class).doesNotHaveBean(Inbox.class));
  }

  @Test
  void withoutADataSourceNothingDurable() {
    withHandler(runner()).withPropertyValues("broker.roles=sender,recipient").run(ctx ->
        assertThat(ctx).hasNotFailed().doesNotHaveBean(JdbcDurableStore.class).doesNotHaveBean(Inbox.class)
            .doesNotHaveBean(Outbox.class).doesNotHaveBean("brokerDurableListener"));
  }

  @Test
  void withoutTheDurableModuleTheAppStartsWithoutThoseBeans() {
    withDataSource(runner()).withClassLoader(new FilteredClassLoader(Inbox.class.getPackageName()))
        .withPropertyValues("broker.roles=sender,recipient").run(ctx -> {
          assertThat(ctx).hasNotFailed().hasBean("brokerClient");
          assertThat(ctx).doesNotHaveBean("brokerDurableStore").doesNotHaveBean("brokerInbox")
              .doesNotHaveBean("brokerOutbox").doesNotHaveBean("brokerDurableListener");
        });
  }

  @Test
  void theSwitchTurnsItOff() {
    withHandler(withDataSource(runner())).withPropertyValues("broker.durable.enabled=false").run(ctx ->
        assertThat(ctx).hasNotFailed().doesNotHaveBean(JdbcDurableStore.class).doesNotHaveBean(Outbox.class));
  }

  @Test
  void aBadTablePrefixNamesTheProperty() {
    withDataSource(runner()).withPropertyValues("broker.durable.table-prefix=Bad-Prefix").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("tablePrefix");
      assertThat(ctx.getStartupFailure()).hasStackTraceContaining("broker.durable.table-prefix");
    });
  }
}
