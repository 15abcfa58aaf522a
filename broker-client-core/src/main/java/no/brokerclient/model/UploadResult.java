package no.brokerclient.model;

import java.util.UUID;

/**
 * The outcome of an upload.
 *
 * @param fileTransferId the transfer
 * @param size bytes sent
 * @param md5 lower-case hex MD5 of the bytes sent, computed while streaming; {@code null} when the upload was found
 *     to have succeeded earlier (a 409 answered by an overview showing the file already uploaded)
 */
public record UploadResult(UUID fileTransferId, long size, String md5) {}
