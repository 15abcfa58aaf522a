package no.brokerclient.model;

import java.nio.file.Path;
import java.util.UUID;

/**
 * The outcome of a verified download to a file.
 *
 * @param fileTransferId the transfer
 * @param path the target file, complete and verified
 * @param size bytes written
 * @param md5 lower-case hex MD5 of the bytes written
 * @param checksumVerified {@code true} when Broker reported a checksum and it matched; {@code false} when Broker
 *     reported none (only the size could be checked)
 */
public record DownloadResult(UUID fileTransferId, Path path, long size, String md5, boolean checksumVerified) {}
