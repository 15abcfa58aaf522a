package no.brokerclient.model;

import java.time.Duration;
import no.brokerclient.BrokerValidationException;

/**
 * A partial update of a Broker resource's settings ({@code PUT /broker/api/v1/resource/{id}}): fields left unset
 * are not sent and stay unchanged on the server. Durations are sent as ISO-8601 ({@code P30D}, {@code PT2H}).
 * {@link Builder#build()} checks Broker's limits first.
 */
public final class ResourceSettingsUpdate {
  /** Broker's absolute maximum transfer size in bytes (32 MiB × 50,000 blocks). */
  public static final long MAX_FILE_TRANSFER_SIZE = 1_677_721_600_000L;
  /** Longest allowed time to live. */
  public static final Duration MAX_TIME_TO_LIVE = Duration.ofDays(365);
  /** Longest allowed purge grace period. */
  public static final Duration MAX_GRACE_PERIOD = Duration.ofHours(24);

  private final Long maxFileTransferSize;
  private final Duration fileTransferTimeToLive;
  private final Boolean purgeFileTransferAfterAllRecipientsConfirmed;
  private final Duration purgeFileTransferGracePeriod;
  private final Boolean useManifestFileShim;
  private final String externalServiceCodeLegacy;
  private final Integer externalServiceEditionCodeLegacy;
  private final OrganizationNumber requiredParty;

  private ResourceSettingsUpdate(Builder b) {
    this.maxFileTransferSize = b.maxFileTransferSize;
    this.fileTransferTimeToLive = b.fileTransferTimeToLive;
    this.purgeFileTransferAfterAllRecipientsConfirmed = b.purgeFileTransferAfterAllRecipientsConfirmed;
    this.purgeFileTransferGracePeriod = b.purgeFileTransferGracePeriod;
    this.useManifestFileShim = b.useManifestFileShim;
    this.externalServiceCodeLegacy = b.externalServiceCodeLegacy;
    this.externalServiceEditionCodeLegacy = b.externalServiceEditionCodeLegacy;
    this.requiredParty = b.requiredParty;
  }

  /** @return a builder with nothing set */
  public static Builder builder() {
    return new Builder();
  }

  /** @return max transfer size in bytes, or {@code null} (unchanged) */
  public Long maxFileTransferSize() {
    return maxFileTransferSize;
  }

  /** @return time to live, or {@code null} (unchanged) */
  public Duration fileTransferTimeToLive() {
    return fileTransferTimeToLive;
  }

  /** @return purge-after-all-confirmed flag, or {@code null} (unchanged) */
  public Boolean purgeFileTransferAfterAllRecipientsConfirmed() {
    return purgeFileTransferAfterAllRecipientsConfirmed;
  }

  /** @return purge grace period, or {@code null} (unchanged) */
  public Duration purgeFileTransferGracePeriod() {
    return purgeFileTransferGracePeriod;
  }

  /** @return manifest shim flag, or {@code null} (unchanged) */
  public Boolean useManifestFileShim() {
    return useManifestFileShim;
  }

  /** @return legacy service code, or {@code null} (unchanged) */
  public String externalServiceCodeLegacy() {
    return externalServiceCodeLegacy;
  }

  /** @return legacy service edition code, or {@code null} (unchanged) */
  public Integer externalServiceEditionCodeLegacy() {
    return externalServiceEditionCodeLegacy;
  }

  /** @return the required party, or {@code null} (unchanged) */
  public OrganizationNumber requiredParty() {
    return requiredParty;
  }

  @Override
  public String toString() {
    return "ResourceSettingsUpdate{maxFileTransferSize=" + maxFileTransferSize + ", fileTransferTimeToLive="
        + fileTransferTimeToLive + ", purgeFileTransferAfterAllRecipientsConfirmed="
        + purgeFileTransferAfterAllRecipientsConfirmed + ", purgeFileTransferGracePeriod="
        + purgeFileTransferGracePeriod + ", useManifestFileShim=" + useManifestFileShim + ", requiredParty="
        + requiredParty + "}";
  }

  /** Builds a {@link ResourceSettingsUpdate}. Not thread-safe. */
  public static final class Builder {
    private Long maxFileTransferSize;
    private Duration fileTransferTimeToLive;
    private Boolean purgeFileTransferAfterAllRecipientsConfirmed;
    private Duration purgeFileTransferGracePeriod;
    private Boolean useManifestFileShim;
    private String externalServiceCodeLegacy;
    private Integer externalServiceEditionCodeLegacy;
    private OrganizationNumber requiredParty;

    private Builder() {}

    /**
     * @param bytes positive; at most {@value #MAX_FILE_TRANSFER_SIZE}. Above 50 GB production needs Altinn's
     *     approval for unscanned transfers (BRO-00013).
     * @return this builder
     */
    public Builder maxFileTransferSize(long bytes) {
      this.maxFileTransferSize = bytes;
      return this;
    }

    /**
     * @param ttl positive, at most 365 days (server default 30 days)
     * @return this builder
     */
    public Builder fileTransferTimeToLive(Duration ttl) {
      this.fileTransferTimeToLive = ttl;
      return this;
    }

    /**
     * @param purge whether to purge once every recipient confirmed (server default {@code true})
     * @return this builder
     */
    public Builder purgeFileTransferAfterAllRecipientsConfirmed(boolean purge) {
      this.purgeFileTransferAfterAllRecipientsConfirmed = purge;
      return this;
    }

    /**
     * @param grace zero or positive, at most 24 hours (server default 2 hours)
     * @return this builder
     */
    public Builder purgeFileTransferGracePeriod(Duration grace) {
      this.purgeFileTransferGracePeriod = grace;
      return this;
    }

    /**
     * Legacy Altinn 2 manifest shim. Broker v1 stores but ignores it.
     *
     * @param use the flag; {@code true} requires both legacy codes
     * @param serviceCode legacy external service code (required when {@code use})
     * @param editionCode legacy external service edition code, non-zero (required when {@code use})
     * @return this builder
     */
    public Builder manifestFileShim(boolean use, String serviceCode, Integer editionCode) {
      this.useManifestFileShim = use;
      this.externalServiceCodeLegacy = serviceCode;
      this.externalServiceEditionCodeLegacy = editionCode;
      return this;
    }

    /**
     * @param party an organisation that must be sender or the single recipient of every transfer
     * @return this builder
     */
    public Builder requiredParty(OrganizationNumber party) {
      this.requiredParty = party;
      return this;
    }

    /**
     * @return the validated update
     * @throws BrokerValidationException naming the first value outside Broker's limits
     */
    public ResourceSettingsUpdate build() {
      if (maxFileTransferSize != null && (maxFileTransferSize <= 0 || maxFileTransferSize > MAX_FILE_TRANSFER_SIZE)) {
        throw new BrokerValidationException("maxFileTransferSize", "must be between 1 and "
            + MAX_FILE_TRANSFER_SIZE + " bytes, got " + maxFileTransferSize);
      }
      if (fileTransferTimeToLive != null
          && (fileTransferTimeToLive.isNegative() || fileTransferTimeToLive.isZero()
              || fileTransferTimeToLive.compareTo(MAX_TIME_TO_LIVE) > 0)) {
        throw new BrokerValidationException("fileTransferTimeToLive", "must be positive and at most 365 days, got "
            + fileTransferTimeToLive);
      }
      if (purgeFileTransferGracePeriod != null
          && (purgeFileTransferGracePeriod.isNegative()
              || purgeFileTransferGracePeriod.compareTo(MAX_GRACE_PERIOD) > 0)) {
        throw new BrokerValidationException("purgeFileTransferGracePeriod", "must be between zero and 24 hours, got "
            + purgeFileTransferGracePeriod);
      }
      if (Boolean.TRUE.equals(useManifestFileShim)) {
        if (externalServiceCodeLegacy == null || externalServiceCodeLegacy.isBlank()) {
          throw new BrokerValidationException("externalServiceCodeLegacy", "required when useManifestFileShim is true");
        }
        if (externalServiceEditionCodeLegacy == null || externalServiceEditionCodeLegacy == 0) {
          throw new BrokerValidationException("externalServiceEditionCodeLegacy",
              "a non-zero value is required when useManifestFileShim is true");
        }
      }
      return new ResourceSettingsUpdate(this);
    }
  }
}
