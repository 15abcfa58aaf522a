package no.brokerclient.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import no.brokerclient.BrokerClient;
import no.brokerclient.ProgressListenerException;
import no.brokerclient.UploadMode;
import no.brokerclient.auth.AltinnScopes;
import no.brokerclient.durable.Inbox;
import no.brokerclient.durable.InboxHandler;
import no.brokerclient.durable.JdbcDurableStore;
import no.brokerclient.durable.Outbox;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.testkit.FakeAltinn;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    jwk = altinn.client("durable-client", BrokerAutoConfigurationTest.ORG, AltinnScopes.AUTHORIZATION_PDP,
        AltinnScopes.BROKER_WRITE,
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
    return withDataSource(r, "jdbc:h2:mem:durable-autoconfig;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
  }

  static ApplicationContextRunner withDataSource(ApplicationContextRunner r, String url) {
    return r.withBean(DataSource.class, () -> {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL(url);
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

  @Test
  void theClientKeepsItsTusCheckpointsInTheStoreUnlessTurnedOff(@TempDir Path dir) throws Exception {
    altinn.resource("durable-tus", "974760673", BrokerAutoConfigurationTest.ORG, "986252932");
    Path file = Files.write(dir.resolve("big.bin"), new byte[1 << 20]);
    String kept = "jdbc:h2:mem:durable-checkpoints;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    withDataSource(runner(), kept).withPropertyValues("broker.upload.tus-chunk-size=64KB",
        "broker.durable.table-prefix=checkpoints_on_").run(ctx -> {
          UUID id = halfUploaded(ctx.getBean(BrokerClient.class), file);
          assertThat(ctx.getBean(JdbcDurableStore.class).uploadCheckpoints().load(id, file)).isPresent();
          assertThat(tusFiles(dir)).isEmpty();
        });
    withDataSource(runner(), kept).withPropertyValues("broker.upload.tus-chunk-size=64KB",
        "broker.durable.table-prefix=checkpoints_off_", "broker.durable.upload-checkpoints=false").run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(Outbox.class).doesNotHaveBean("brokerDurableUploadCheckpoints");
          UUID id = halfUploaded(ctx.getBean(BrokerClient.class), file);
          assertThat(ctx.getBean(JdbcDurableStore.class).uploadCheckpoints().load(id, file)).isEmpty();
          assertThat(tusFiles(dir)).hasSize(1); // the client's default, beside the file
        });
  }

  /** @return a transfer whose TUS upload stopped halfway (the listener throws), leaving its checkpoint */
  private static UUID halfUploaded(BrokerClient client, Path file) {
    UUID id = client.initialize(FileTransferInitialize.builder().resourceId("durable-tus").fileName("big.bin")
        .sender(BrokerAutoConfigurationTest.ORG).recipient("986252932").build());
    assertThatThrownBy(() -> client.upload(id, file, (done, total) -> {
      if (done > total / 2) {
        throw new IllegalStateException("stopped halfway");
      }
    }, UploadMode.TUS)).isInstanceOf(ProgressListenerException.class);
    return id;
  }

  private static List<Path> tusFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tus.json")).toList();
    }
  }
}
