package no.brokerclient.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import no.brokerclient.UploadMode;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The durable inbox and outbox (broker-client-durable on the class path and a {@code DataSource} bean), under
 * {@code broker.durable.*}. The worker settings apply to the inbox and the outbox alike.
 */
@ConfigurationProperties(prefix = "broker.durable")
public class BrokerDurableProperties {
  /** Whether to wire the durable inbox and outbox to the application's DataSource. */
  private boolean enabled = true;
  /** Start of every table name of the durable store (lower-case letters, digits, _). */
  private String tablePrefix = "broker_";
  /** Whether to create the store's tables on first use; false when a DBA installs schema/v1.sql and v2.sql. */
  private boolean createSchema = true;
  /**
   * Whether every BrokerClient the starter builds keeps its TUS upload checkpoints in the store's table
   * (broker_upload_checkpoint), so that any instance resumes an upload another one started; false keeps the
   * client's own (a file beside the source file).
   */
  private boolean uploadCheckpoints = true;
  /** This instance's name in the store's owner column; default host name, process id and a random suffix. */
  private String instanceId;
  /** Worker threads of the inbox and of the outbox, 1-256. */
  private int concurrency = 4;
  /** How long a claim lasts without renewal; other instances resume a crashed instance's work after it. */
  private Duration lease = Duration.ofMinutes(5);
  /** How often idle workers look for due work in the store. */
  private Duration pollInterval = Duration.ofSeconds(1);
  /** Failed attempts before a transfer is quarantined. */
  private int maxAttempts = 10;
  /** Wait after the first failure, doubled after each further one. */
  private Duration initialBackoff = Duration.ofSeconds(10);
  /** Longest wait between attempts. */
  private Duration maxBackoff = Duration.ofMinutes(15);
  /** How long shutdown lets running work finish before releasing its claims. */
  private Duration shutdownTimeout = Duration.ofSeconds(30);
  private final Inbox inbox = new Inbox();
  private final Outbox outbox = new Outbox();

  /** @return whether the durable beans are on */
  public boolean isEnabled() {
    return enabled;
  }

  /** @param enabled whether the durable beans are on */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** @return the table prefix */
  public String getTablePrefix() {
    return tablePrefix;
  }

  /** @param tablePrefix the table prefix */
  public void setTablePrefix(String tablePrefix) {
    this.tablePrefix = tablePrefix;
  }

  /** @return whether to create the tables */
  public boolean isCreateSchema() {
    return createSchema;
  }

  /** @param createSchema whether to create the tables */
  public void setCreateSchema(boolean createSchema) {
    this.createSchema = createSchema;
  }

  /** @return whether the clients keep TUS checkpoints in the store */
  public boolean isUploadCheckpoints() {
    return uploadCheckpoints;
  }

  /** @param uploadCheckpoints whether the clients keep TUS checkpoints in the store */
  public void setUploadCheckpoints(boolean uploadCheckpoints) {
    this.uploadCheckpoints = uploadCheckpoints;
  }

  /** @return the instance id, or null for the default */
  public String getInstanceId() {
    return instanceId;
  }

  /** @param instanceId the instance id */
  public void setInstanceId(String instanceId) {
    this.instanceId = instanceId;
  }

  /** @return the worker threads */
  public int getConcurrency() {
    return concurrency;
  }

  /** @param concurrency the worker threads */
  public void setConcurrency(int concurrency) {
    this.concurrency = concurrency;
  }

  /** @return the lease */
  public Duration getLease() {
    return lease;
  }

  /** @param lease the lease */
  public void setLease(Duration lease) {
    this.lease = lease;
  }

  /** @return the idle polling interval */
  public Duration getPollInterval() {
    return pollInterval;
  }

  /** @param pollInterval the idle polling interval */
  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  /** @return the attempts before quarantine */
  public int getMaxAttempts() {
    return maxAttempts;
  }

  /** @param maxAttempts the attempts before quarantine */
  public void setMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  /** @return the first backoff */
  public Duration getInitialBackoff() {
    return initialBackoff;
  }

  /** @param initialBackoff the first backoff */
  public void setInitialBackoff(Duration initialBackoff) {
    this.initialBackoff = initialBackoff;
  }

  /** @return the longest backoff */
  public Duration getMaxBackoff() {
    return maxBackoff;
  }

  /** @param maxBackoff the longest backoff */
  public void setMaxBackoff(Duration maxBackoff) {
    this.maxBackoff = maxBackoff;
  }

  /** @return the shutdown timeout */
  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  /** @param shutdownTimeout the shutdown timeout */
  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  /** @return the inbox settings */
  public Inbox getInbox() {
    return inbox;
  }

  /** @return the outbox settings */
  public Outbox getOutbox() {
    return outbox;
  }

  /** The inbox: built when the default client has the recipient role and an {@code InboxHandler} bean exists. */
  public static class Inbox {
    /** Where files are downloaded before the handler sees them; default java.io.tmpdir/broker-client-inbox. */
    private Path directory;
    /** The receiving organisation; default broker.system-user.organization. */
    private String organization;
    /** Whether to delete the downloaded file once the download is confirmed (the handler moves or copies it). */
    private boolean deleteAfterConfirm = true;

    /** @return the download directory, or null for the default */
    public Path getDirectory() {
      return directory;
    }

    /** @param directory the download directory */
    public void setDirectory(Path directory) {
      this.directory = directory;
    }

    /** @return the receiving organisation, or null for the system user's */
    public String getOrganization() {
      return organization;
    }

    /** @param organization the receiving organisation */
    public void setOrganization(String organization) {
      this.organization = organization;
    }

    /** @return whether to delete after confirming */
    public boolean isDeleteAfterConfirm() {
      return deleteAfterConfirm;
    }

    /** @param deleteAfterConfirm whether to delete after confirming */
    public void setDeleteAfterConfirm(boolean deleteAfterConfirm) {
      this.deleteAfterConfirm = deleteAfterConfirm;
    }
  }

  /** The outbox: built when the default client has the sender role. */
  public static class Outbox {
    /** How long a worker waits for the virus scan to publish an upload before trying again later. */
    private Duration publishTimeout = Duration.ofMinutes(10);
    /**
     * How the outbox uploads: auto (TUS, resumable after a crash, from broker.upload.tus-threshold; one POST
     * below), stream, tus or tus-parallel.
     */
    private UploadMode uploadMode = UploadMode.AUTO;

    /** @return how the outbox uploads */
    public UploadMode getUploadMode() {
      return uploadMode;
    }

    /** @param uploadMode how the outbox uploads */
    public void setUploadMode(UploadMode uploadMode) {
      this.uploadMode = uploadMode;
    }

    /** @return the publish timeout */
    public Duration getPublishTimeout() {
      return publishTimeout;
    }

    /** @param publishTimeout the publish timeout */
    public void setPublishTimeout(Duration publishTimeout) {
      this.publishTimeout = publishTimeout;
    }
  }
}
