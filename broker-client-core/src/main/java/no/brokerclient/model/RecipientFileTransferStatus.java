package no.brokerclient.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The status of one recipient of a file transfer ({@code currentRecipientFileTransferStatusCode}).
 *
 * <p>An expandable enumeration: the constants are the values Broker writes today, and {@link #valueOf(String)}
 * accepts any other string the server may add later without failing ({@link #isKnown()} is then {@code false}).
 * Matching is case-insensitive; known values compare equal to their constant.
 */
public final class RecipientFileTransferStatus {
  /** {@code Initialized}: The recipient has not downloaded yet. */
  public static final RecipientFileTransferStatus INITIALIZED = new RecipientFileTransferStatus("Initialized");
  /** {@code DownloadStarted}: The recipient started a download; required before confirming. */
  public static final RecipientFileTransferStatus DOWNLOAD_STARTED = new RecipientFileTransferStatus("DownloadStarted");
  /** {@code DownloadConfirmed}: The recipient confirmed the download. */
  public static final RecipientFileTransferStatus DOWNLOAD_CONFIRMED =
      new RecipientFileTransferStatus("DownloadConfirmed");

  private static final Map<String, RecipientFileTransferStatus> KNOWN =
      List.of(INITIALIZED, DOWNLOAD_STARTED, DOWNLOAD_CONFIRMED).stream()
      .collect(Collectors.toUnmodifiableMap(s -> s.value.toLowerCase(Locale.ROOT), Function.identity()));

  private final String value;

  private RecipientFileTransferStatus(String value) {
    this.value = value;
  }

  /**
   * @param value the wire value, any case
   * @return the matching constant, or a new unknown value
   */
  public static RecipientFileTransferStatus valueOf(String value) {
    Objects.requireNonNull(value, "value");
    RecipientFileTransferStatus known = KNOWN.get(value.toLowerCase(Locale.ROOT));
    return known != null ? known : new RecipientFileTransferStatus(value);
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
    return o instanceof RecipientFileTransferStatus other && other.value.equalsIgnoreCase(value);
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
