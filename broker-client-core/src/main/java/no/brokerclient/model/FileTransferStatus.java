package no.brokerclient.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The status of a file transfer as a whole ({@code fileTransferStatus}). Happy path: {@code Initialized} →
 * {@code UploadStarted} → {@code UploadProcessing} → {@code Published} → {@code AllConfirmedDownloaded} →
 * {@code Purged}; {@code Failed} is terminal; {@code Cancelled} is defined but never written by Broker today.
 *
 * <p>An expandable enumeration: the constants are the values Broker writes today, and {@link #valueOf(String)}
 * accepts any other string the server may add later without failing ({@link #isKnown()} is then {@code false}).
 * Matching is case-insensitive; known values compare equal to their constant.
 */
public final class FileTransferStatus {
  /** {@code Initialized}: Ready for upload. */
  public static final FileTransferStatus INITIALIZED = new FileTransferStatus("Initialized");
  /** {@code UploadStarted}: Upload in progress. */
  public static final FileTransferStatus UPLOAD_STARTED = new FileTransferStatus("UploadStarted");
  /** {@code UploadProcessing}: Uploaded; checksum and virus scan pending. */
  public static final FileTransferStatus UPLOAD_PROCESSING = new FileTransferStatus("UploadProcessing");
  /** {@code Published}: Ready for download. */
  public static final FileTransferStatus PUBLISHED = new FileTransferStatus("Published");
  /** {@code Cancelled}: Defined by Broker but never written by current server code. */
  public static final FileTransferStatus CANCELLED = new FileTransferStatus("Cancelled");
  /** {@code AllConfirmedDownloaded}: Every recipient confirmed the download. */
  public static final FileTransferStatus ALL_CONFIRMED_DOWNLOADED = new FileTransferStatus("AllConfirmedDownloaded");
  /** {@code Purged}: The file has been deleted. */
  public static final FileTransferStatus PURGED = new FileTransferStatus("Purged");
  /** {@code Failed}: Upload failed (checksum mismatch, malware, abort); initialize a new transfer. */
  public static final FileTransferStatus FAILED = new FileTransferStatus("Failed");

  private static final Map<String, FileTransferStatus> KNOWN = List.of(INITIALIZED, UPLOAD_STARTED, UPLOAD_PROCESSING,
      PUBLISHED, CANCELLED, ALL_CONFIRMED_DOWNLOADED, PURGED, FAILED).stream()
      .collect(Collectors.toUnmodifiableMap(s -> s.value.toLowerCase(Locale.ROOT), Function.identity()));

  private final String value;

  private FileTransferStatus(String value) {
    this.value = value;
  }

  /**
   * @param value the wire value, any case
   * @return the matching constant, or a new unknown value
   */
  public static FileTransferStatus valueOf(String value) {
    Objects.requireNonNull(value, "value");
    FileTransferStatus known = KNOWN.get(value.toLowerCase(Locale.ROOT));
    return known != null ? known : new FileTransferStatus(value);
  }

  /** @return the wire value, e.g. {@code Initialized} */
  public String value() {
    return value;
  }

  /** @return whether this is one of the constants above */
  public boolean isKnown() {
    return KNOWN.containsKey(value.toLowerCase(Locale.ROOT));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileTransferStatus other && other.value.equalsIgnoreCase(value);
  }

  @Override
  public int hashCode() {
    return value.toLowerCase(Locale.ROOT).hashCode();
  }

  /** @return the wire value */
  @Override
  public String toString() {
    return value;
  }
}
