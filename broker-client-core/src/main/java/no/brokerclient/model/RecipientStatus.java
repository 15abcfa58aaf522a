package no.brokerclient.model;

import java.time.Instant;

/**
 * The latest status of one recipient ({@code RecipientFileTransferStatusDetailsExt}).
 *
 * @param recipient the recipient, {@code 0192:<orgno>}
 * @param currentRecipientFileTransferStatusCode the status
 * @param currentRecipientFileTransferStatusText the status text
 * @param currentRecipientFileTransferStatusChanged when it changed
 */
public record RecipientStatus(
    String recipient,
    RecipientFileTransferStatus currentRecipientFileTransferStatusCode,
    String currentRecipientFileTransferStatusText,
    Instant currentRecipientFileTransferStatusChanged) {}
