package no.brokerclient.model;

import java.util.UUID;

/**
 * The outcome of an upload.
 *
 * @param fileTransferId the transfer
 * @param size bytes sent
 * @param md5 lower-case hex MD5 of the bytes sent: computed while streaming, or, for {@code send}, the checksum it
 *     computed beforehand and initialized with (Broker verifies the upload against it); {@code null} when the upload
 *     was found to have succeeded earlier and Broker reports no checksum
 */
public record UploadResult(UUID fileTransferId, long size, String md5) {}
