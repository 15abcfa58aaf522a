package no.brokerclient.events;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An Altinn event type. Broker writes its types in lower case ({@code no.altinn.broker.published}); Altinn's guide
 * spells one {@code no.altinn.broker.Published}, which never matches a subscription's exact type filter, so
 * {@link #of(String)} normalises to lower case. Unknown types are kept ({@link #isKnown()} false). Immutable.
 */
public final class EventType {
  /** Sent to the sender when a transfer is initialized. */
  public static final EventType FILE_TRANSFER_INITIALIZED = new EventType("no.altinn.broker.filetransferinitialized");
  /** Sent to the sender when the upload finished and the scan/checksum is pending. */
  public static final EventType UPLOAD_PROCESSING = new EventType("no.altinn.broker.uploadprocessing");
  /** Sent to the sender and each recipient when the file is ready for download. */
  public static final EventType PUBLISHED = new EventType("no.altinn.broker.published");
  /** Sent to the sender when the upload failed (checksum, malware, abort, stuck): the only failure signal. */
  public static final EventType UPLOAD_FAILED = new EventType("no.altinn.broker.uploadfailed");
  /** Sent to the confirming recipient and the sender. */
  public static final EventType DOWNLOAD_CONFIRMED = new EventType("no.altinn.broker.downloadconfirmed");
  /** Sent to the sender when every recipient confirmed. */
  public static final EventType ALL_CONFIRMED_DOWNLOADED = new EventType("no.altinn.broker.allconfirmeddownloaded");
  /** Sent to the sender when the file was purged. */
  public static final EventType FILE_PURGED = new EventType("no.altinn.broker.filepurged");
  /** Sent at purge to each recipient that never confirmed, and once to the sender. */
  public static final EventType FILE_NEVER_CONFIRMED_DOWNLOADED =
      new EventType("no.altinn.broker.fileneverconfirmeddownloaded");
  /** The Events service's subscription validation event; answer it with 2xx. */
  public static final EventType VALIDATE_SUBSCRIPTION = new EventType("platform.events.validatesubscription");

  /** Every type Broker emits. */
  public static final List<EventType> BROKER_TYPES = List.of(FILE_TRANSFER_INITIALIZED, UPLOAD_PROCESSING, PUBLISHED,
      UPLOAD_FAILED, DOWNLOAD_CONFIRMED, ALL_CONFIRMED_DOWNLOADED, FILE_PURGED, FILE_NEVER_CONFIRMED_DOWNLOADED);
  /**
   * Sender preset: the guide's sender list (filetransferinitialized, uploadprocessing, downloadconfirmed,
   * allconfirmeddownloaded), {@code published}, and {@code uploadfailed}, the only failure signal.
   */
  public static final List<EventType> SENDER_PRESET = List.of(FILE_TRANSFER_INITIALIZED, UPLOAD_PROCESSING,
      PUBLISHED, UPLOAD_FAILED, DOWNLOAD_CONFIRMED, ALL_CONFIRMED_DOWNLOADED);
  /** Recipient preset: {@code published}. */
  public static final List<EventType> RECIPIENT_PRESET = List.of(PUBLISHED);

  private static final Map<String, EventType> KNOWN = java.util.stream.Stream.concat(BROKER_TYPES.stream(),
          java.util.stream.Stream.of(VALIDATE_SUBSCRIPTION))
      .collect(Collectors.toUnmodifiableMap(EventType::value, Function.identity()));

  /** Longest accepted type; Altinn's are under 60 characters. */
  public static final int MAX_LENGTH = 256;

  private final String value;

  private EventType(String value) {
    this.value = value;
  }

  /**
   * @param type any spelling, e.g. {@code no.altinn.broker.Published}
   * @return the type, lower-cased
   * @throws IllegalArgumentException if blank, longer than {@value #MAX_LENGTH} characters, or containing white
   *     space or control characters
   */
  public static EventType of(String type) {
    Objects.requireNonNull(type, "type");
    String v = type.strip().toLowerCase(Locale.ROOT);
    if (v.isEmpty() || v.length() > MAX_LENGTH
        || v.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException("invalid event type (empty, over " + MAX_LENGTH
          + " characters, or with whitespace or control characters)");
    }
    EventType known = KNOWN.get(v);
    return known != null ? known : new EventType(v);
  }

  /** @return the wire value */
  public String value() {
    return value;
  }

  /** @return whether Broker (or the Events validation) emits this type */
  public boolean isKnown() {
    return KNOWN.containsKey(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventType other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
