package no.brokerclient.model;

import java.time.Duration;

/**
 * A Broker resource's configuration as {@code GET /broker/api/v1/resource/{id}} returns it ({@code ResourceExt}).
 * Broker writes durations as .NET {@code TimeSpan} strings ({@code 30.00:00:00}); the SDK parses those and
 * ISO-8601 alike. A {@code null} field was never set (server defaults: no extra size limit, TTL 30 days,
 * purge after all confirmed, grace period 2 hours).
 *
 * @param maxFileTransferSize maximum transfer size in bytes, or {@code null}
 * @param fileTransferTimeToLive how long a transfer lives, or {@code null}
 * @param purgeFileTransferAfterAllRecipientsConfirmed whether to purge after every recipient confirmed, or {@code null}
 * @param purgeFileTransferGracePeriod delay before that purge, or {@code null}
 * @param useManifestFileShim legacy manifest shim flag (no effect on v1), or {@code null}
 * @param externalServiceCodeLegacy legacy service code, or {@code null}
 * @param externalServiceEditionCodeLegacy legacy service edition code, or {@code null}
 * @param requiredParty an organisation that must take part in every transfer, or {@code null}
 */
public record ResourceSettings(
    Long maxFileTransferSize,
    Duration fileTransferTimeToLive,
    Boolean purgeFileTransferAfterAllRecipientsConfirmed,
    Duration purgeFileTransferGracePeriod,
    Boolean useManifestFileShim,
    String externalServiceCodeLegacy,
    Integer externalServiceEditionCodeLegacy,
    String requiredParty) {}
