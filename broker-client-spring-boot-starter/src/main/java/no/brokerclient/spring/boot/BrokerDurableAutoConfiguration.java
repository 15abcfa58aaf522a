package no.brokerclient.spring.boot;

import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import no.brokerclient.BrokerClient;
import no.brokerclient.Role;
import no.brokerclient.UploadCheckpointStore;
import no.brokerclient.durable.Inbox;
import no.brokerclient.durable.InboxHandler;
import no.brokerclient.durable.JdbcDurableStore;
import no.brokerclient.durable.JdbcUploadCheckpointStore;
import no.brokerclient.durable.Outbox;
import no.brokerclient.durable.WorkerBuilder;
import no.brokerclient.events.BrokerEventListener;
import no.brokerclient.model.OrganizationNumber;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The durable inbox and outbox, when broker-client-durable is on the class path and the application has a
 * {@link DataSource}: a {@link JdbcDurableStore} on it ({@code broker.durable.table-prefix}, {@code
 * .create-schema}); unless {@code broker.durable.upload-checkpoints=false}, a {@link BrokerClientCustomizer} that
 * gives every client the starter builds the store's {@linkplain JdbcDurableStore#uploadCheckpoints() TUS checkpoint
 * table}, so any instance resumes another's upload; an {@link Outbox} when {@code broker.roles} has {@code sender};
 * an {@link Inbox} when it has {@code recipient} and the application defines an {@link InboxHandler} bean. Each
 * backs off for the application's own. The webhook and the pollers feed them ({@code published} events become inbox
 * rows, the sender's events advance the outbox); their workers start once the application is ready and stop
 * gracefully on shutdown ({@link BrokerDurableWorkers}).
 */
@AutoConfiguration(after = BrokerAutoConfiguration.class, afterName = {
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration", // Boot 3
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"}) // Boot 4
@ConditionalOnClass(JdbcDurableStore.class)
@ConditionalOnBean({DataSource.class, BrokerClient.class})
@ConditionalOnProperty(prefix = "broker.durable", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BrokerDurableProperties.class)
public class BrokerDurableAutoConfiguration {
  /** Used by Spring. */
  public BrokerDurableAutoConfiguration() {
    // beans below
  }

  /**
   * @param properties {@code broker.durable.*}
   * @param dataSource the application's data source (the store does not close it)
   * @return the store; no connection is made before the inbox or outbox starts
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public JdbcDurableStore brokerDurableStore(BrokerDurableProperties properties, DataSource dataSource) {
    try {
      return JdbcDurableStore.builder(dataSource).tablePrefix(properties.getTablePrefix())
          .createSchema(properties.isCreateSchema()).build();
    } catch (IllegalArgumentException e) {
      throw new BrokerConfigurationException("broker.durable.table-prefix", e.getMessage(), e);
    }
  }

  /**
   * Runs first ({@code @Order} highest precedence), so an application's own customizer can still set another store.
   *
   * @param store the store
   * @return gives each client built by the starter the store's TUS checkpoint table
   */
  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  @ConditionalOnMissingBean(name = "brokerDurableUploadCheckpoints")
  @ConditionalOnProperty(prefix = "broker.durable", name = "upload-checkpoints", matchIfMissing = true)
  public BrokerClientCustomizer brokerDurableUploadCheckpoints(JdbcDurableStore store) {
    JdbcUploadCheckpointStore checkpoints = store.uploadCheckpoints();
    return (registration, builder) -> builder.uploadCheckpoints(checkpoints);
  }

  /**
   * @param properties {@code broker.durable.*}
   * @param client the default client (role sender)
   * @param store the store
   * @return the outbox (started when the application is ready)
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @Conditional(SenderRole.class)
  public Outbox brokerOutbox(BrokerDurableProperties properties, BrokerClient client, JdbcDurableStore store) {
    BrokerDurableProperties.Outbox p = properties.getOutbox();
    return workers(Outbox.builder().client(client).store(store).publishTimeout(p.getPublishTimeout())
        .uploadMode(p.getUploadMode())
        .uploadCheckpoints(properties.isUploadCheckpoints() ? store.uploadCheckpoints()
            : UploadCheckpointStore.besideFile()), properties).build();
  }

  /**
   * @param properties {@code broker.durable.*}
   * @param brokerProperties for the default organisation ({@code broker.system-user.organization})
   * @param client the default client (role recipient)
   * @param store the store
   * @param handler the application's handler
   * @return the inbox (started when the application is ready)
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnBean(InboxHandler.class)
  @Conditional(RecipientRole.class)
  public Inbox brokerInbox(BrokerDurableProperties properties, BrokerProperties brokerProperties,
      BrokerClient client, JdbcDurableStore store, InboxHandler handler) {
    BrokerDurableProperties.Inbox p = properties.getInbox();
    String org = p.getOrganization() != null ? p.getOrganization() : brokerProperties.getSystemUser()
        .getOrganization();
    if (org == null) {
      throw new BrokerConfigurationException("broker.durable.inbox.organization",
          "is required for the inbox when broker.system-user.organization is not set");
    }
    OrganizationNumber organization;
    try {
      organization = OrganizationNumber.of(org);
    } catch (IllegalArgumentException e) {
      throw new BrokerConfigurationException("broker.durable.inbox.organization", e.getMessage(), e);
    }
    Path directory = p.getDirectory() != null ? p.getDirectory()
        : Path.of(System.getProperty("java.io.tmpdir"), "broker-client-inbox");
    return workers(Inbox.builder().client(client).store(store).organization(organization).directory(directory)
        .handler(handler).deleteAfterConfirm(p.isDeleteAfterConfirm()), properties).build();
  }

  /**
   * @param inbox the inbox, if any
   * @param outbox the outbox, if any
   * @return the listener through which the webhook and the pollers feed them
   */
  @Bean
  @ConditionalOnMissingBean(name = "brokerDurableListener")
  public BrokerEventListener brokerDurableListener(ObjectProvider<Inbox> inbox, ObjectProvider<Outbox> outbox) {
    List<BrokerEventListener> targets = java.util.stream.Stream.concat(
        inbox.orderedStream().map(Inbox::listener), outbox.orderedStream().map(Outbox::listener)).toList();
    return event -> {
      for (BrokerEventListener l : targets) {
        l.onEvent(event);
      }
    };
  }

  /**
   * @param inbox the inbox, if any
   * @param outbox the outbox, if any
   * @return starts them when the application is ready and closes them on shutdown
   */
  @Bean
  @ConditionalOnMissingBean
  public BrokerDurableWorkers brokerDurableWorkers(ObjectProvider<Inbox> inbox, ObjectProvider<Outbox> outbox) {
    return new BrokerDurableWorkers(inbox.orderedStream().toList(), outbox.orderedStream().toList());
  }

  /** The one place that turns the worker properties into builder settings. */
  private static <B extends WorkerBuilder<B>> B workers(B b, BrokerDurableProperties p) {
    try {
      b.concurrency(p.getConcurrency()).lease(p.getLease()).pollInterval(p.getPollInterval())
          .maxAttempts(p.getMaxAttempts()).backoff(p.getInitialBackoff(), p.getMaxBackoff())
          .shutdownTimeout(p.getShutdownTimeout());
      if (p.getInstanceId() != null) {
        b.instanceId(p.getInstanceId());
      }
    } catch (IllegalArgumentException e) {
      throw new BrokerConfigurationException("broker.durable", e.getMessage(), e);
    }
    return b;
  }

  /** Matches when {@code broker.roles} contains the role. */
  abstract static class RoleCondition extends SpringBootCondition {
    private final Role role;

    RoleCondition(Role role) {
      this.role = role;
    }

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      List<Role> roles = Binder.get(context.getEnvironment())
          .bind("broker.roles", Bindable.listOf(Role.class)).orElse(List.of());
      return roles.contains(role) ? ConditionOutcome.match("broker.roles contains " + role)
          : ConditionOutcome.noMatch("broker.roles does not contain " + role);
    }
  }

  /** {@code broker.roles} has {@code sender}. */
  static final class SenderRole extends RoleCondition {
    SenderRole() {
      super(Role.SENDER);
    }
  }

  /** {@code broker.roles} has {@code recipient}. */
  static final class RecipientRole extends RoleCondition {
    RecipientRole() {
      super(Role.RECIPIENT);
    }
  }
}
