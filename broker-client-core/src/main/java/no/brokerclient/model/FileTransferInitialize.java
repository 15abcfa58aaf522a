package no.brokerclient.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import no.brokerclient.BrokerValidationException;

/**
 * The metadata of a new file transfer ({@code FileTransferInitalizeExt}). Immutable; built with {@link #builder()},
 * whose {@link Builder#build()} checks every rule Broker enforces and throws {@link BrokerValidationException}
 * naming the field, so bad input never reaches the network.
 *
 * <pre>{@code
 * FileTransferInitialize meta = FileTransferInitialize.builder()
 *     .resourceId("my-broker-resource")
 *     .fileName("report.zip")
 *     .sender("991825827")
 *     .recipient("986252932")
 *     .property("caseNumber", "123")
 *     .build();
 * }</pre>
 */
public final class FileTransferInitialize {
  /** Maximum length of {@code fileName}. */
  public static final int MAX_FILE_NAME_LENGTH = 255;
  /** Maximum length of {@code sendersFileTransferReference} (Broker's database column). */
  public static final int MAX_REFERENCE_LENGTH = 500;
  /** Maximum number of {@code propertyList} entries. */
  public static final int MAX_PROPERTIES = 10;
  /** Maximum length of a {@code propertyList} key. */
  public static final int MAX_PROPERTY_KEY_LENGTH = 50;
  /** Maximum length of a {@code propertyList} value. */
  public static final int MAX_PROPERTY_VALUE_LENGTH = 3000;

  private final String fileName;
  private final ResourceId resourceId;
  private final String sendersFileTransferReference;
  private final OrganizationNumber sender;
  private final List<OrganizationNumber> recipients;
  private final Map<String, String> propertyList;
  private final String checksum;
  private final Boolean disableVirusScan;

  private FileTransferInitialize(Builder b, ResourceId resourceId, OrganizationNumber sender,
      List<OrganizationNumber> recipients, String reference) {
    this.fileName = b.fileName;
    this.resourceId = resourceId;
    this.sendersFileTransferReference = reference;
    this.sender = sender;
    this.recipients = recipients;
    this.propertyList = Collections.unmodifiableMap(new LinkedHashMap<>(b.propertyList));
    this.checksum = b.checksum;
    this.disableVirusScan = b.disableVirusScan;
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding this request's values */
  public Builder toBuilder() {
    Builder b = new Builder()
        .fileName(fileName)
        .resourceId(resourceId.id())
        .sendersFileTransferReference(sendersFileTransferReference)
        .sender(sender)
        .propertyList(propertyList)
        .checksum(checksum);
    recipients.forEach(b::recipient);
    b.disableVirusScan = disableVirusScan;
    return b;
  }

  /**
   * @param md5 lower-case hex MD5, or {@code null}
   * @return a copy with that checksum
   */
  public FileTransferInitialize withChecksum(String md5) {
    return toBuilder().checksum(md5).build();
  }

  /** @return the file name recipients see */
  public String fileName() {
    return fileName;
  }

  /** @return the Broker resource */
  public ResourceId resourceId() {
    return resourceId;
  }

  /** @return the sender's reference; a random UUID when none was given */
  public String sendersFileTransferReference() {
    return sendersFileTransferReference;
  }

  /** @return the sending organisation */
  public OrganizationNumber sender() {
    return sender;
  }

  /** @return the recipients, in the order given, at least one */
  public List<OrganizationNumber> recipients() {
    return recipients;
  }

  /** @return the properties, in insertion order */
  public Map<String, String> propertyList() {
    return propertyList;
  }

  /** @return the MD5 (32 lower-case hex characters), or {@code null} to let Broker compute it */
  public String checksum() {
    return checksum;
  }

  /** @return {@code true} to ask Broker to skip the virus scan, or {@code null} for the default (scan) */
  public Boolean disableVirusScan() {
    return disableVirusScan;
  }

  @Override
  public String toString() {
    return "FileTransferInitialize{fileName=" + fileName + ", resourceId=" + resourceId + ", sender=" + sender
        + ", recipients=" + recipients + ", sendersFileTransferReference=" + sendersFileTransferReference
        + ", checksum=" + checksum + ", properties=" + propertyList.keySet() + "}";
  }

  /**
   * Validates a checksum value.
   *
   * @param field the field name to report
   * @param checksum the value
   * @throws BrokerValidationException unless it is 32 lower-case hex characters
   */
  public static void requireMd5Hex(String field, String checksum) {
    if (checksum == null || !checksum.matches("[0-9a-f]{32}")) {
      String hint = checksum != null && checksum.matches("[0-9a-fA-F]{32}") ? " (Broker rejects upper case)" : "";
      throw new BrokerValidationException(field, "an MD5 checksum is 32 lower-case hexadecimal characters" + hint
          + ", got '" + checksum + "'");
    }
  }

  /** Builds a {@link FileTransferInitialize}. Not thread-safe. */
  public static final class Builder {
    private String fileName;
    private String resourceId;
    private String sendersFileTransferReference;
    private String sender;
    private final List<String> recipients = new ArrayList<>();
    private final Map<String, String> propertyList = new LinkedHashMap<>();
    private String checksum;
    private Boolean disableVirusScan;

    private Builder() {}

    /**
     * @param fileName 1-255 characters; what recipients see as the file name. Required.
     * @return this builder
     */
    public Builder fileName(String fileName) {
      this.fileName = fileName;
      return this;
    }

    /**
     * @param resourceId the Broker resource id, bare or {@code urn:altinn:resource:<id>}. Required.
     * @return this builder
     */
    public Builder resourceId(String resourceId) {
      this.resourceId = resourceId;
      return this;
    }

    /**
     * @param reference 1-500 characters. Optional: when absent a random UUID is used, which makes {@link
     *     no.brokerclient.BrokerClient#findInitialized} unambiguous. Not searchable and not unique in Broker.
     * @return this builder
     */
    public Builder sendersFileTransferReference(String reference) {
      this.sendersFileTransferReference = reference;
      return this;
    }

    /**
     * @param sender the sending organisation (9 digits, {@code 0192:} or URN form). Required. Sent as
     *     {@code 0192:<orgno>}, the only form Broker's sender-side search finds.
     * @return this builder
     */
    public Builder sender(String sender) {
      this.sender = sender;
      return this;
    }

    /**
     * @param sender the sending organisation. Required.
     * @return this builder
     */
    public Builder sender(OrganizationNumber sender) {
      this.sender = sender == null ? null : sender.digits();
      return this;
    }

    /**
     * Adds a recipient. At least one is required.
     *
     * @param recipient an organisation number in any accepted form
     * @return this builder
     */
    public Builder recipient(String recipient) {
      this.recipients.add(recipient);
      return this;
    }

    /**
     * Adds a recipient.
     *
     * @param recipient an organisation number
     * @return this builder
     */
    public Builder recipient(OrganizationNumber recipient) {
      this.recipients.add(recipient == null ? null : recipient.digits());
      return this;
    }

    /**
     * Replaces the recipients.
     *
     * @param recipients organisation numbers in any accepted form
     * @return this builder
     */
    public Builder recipients(Collection<String> recipients) {
      this.recipients.clear();
      this.recipients.addAll(recipients);
      return this;
    }

    /**
     * Adds a property (at most 10; key 1-50 characters, value at most 3000). Properties are returned verbatim in
     * the overview; Broker gives them no meaning.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder property(String key, String value) {
      this.propertyList.put(key, value);
      return this;
    }

    /**
     * Replaces the properties.
     *
     * @param properties the properties
     * @return this builder
     */
    public Builder propertyList(Map<String, String> properties) {
      this.propertyList.clear();
      this.propertyList.putAll(properties);
      return this;
    }

    /**
     * @param md5 32 lower-case hex characters, or {@code null} (the default) to let Broker compute it. {@link
     *     no.brokerclient.BrokerClient#send} fills it in for you.
     * @return this builder
     */
    public Builder checksum(String md5) {
      this.checksum = md5;
      return this;
    }

    /**
     * @param disable {@code true} to skip the virus scan (production requires Altinn's approval, BRO-00020).
     *     Default: not sent, i.e. scanned.
     * @return this builder
     */
    public Builder disableVirusScan(boolean disable) {
      this.disableVirusScan = disable;
      return this;
    }

    /**
     * @return the validated request
     * @throws BrokerValidationException naming the first invalid field
     */
    public FileTransferInitialize build() {
      if (fileName == null || fileName.isEmpty() || fileName.length() > MAX_FILE_NAME_LENGTH) {
        throw new BrokerValidationException("fileName", "must be 1-" + MAX_FILE_NAME_LENGTH + " characters, got "
            + (fileName == null ? "none" : fileName.length()));
      }
      ResourceId rid = ResourceId.parse("resourceId", resourceId);
      String ref = sendersFileTransferReference == null ? UUID.randomUUID().toString() : sendersFileTransferReference;
      if (ref.isEmpty() || ref.length() > MAX_REFERENCE_LENGTH) {
        throw new BrokerValidationException("sendersFileTransferReference", "must be 1-" + MAX_REFERENCE_LENGTH
            + " characters, got " + ref.length());
      }
      OrganizationNumber from = OrganizationNumber.parse("sender", sender);
      if (recipients.isEmpty()) {
        throw new BrokerValidationException("recipients", "at least one recipient is required");
      }
      Set<OrganizationNumber> to = new LinkedHashSet<>();
      for (int i = 0; i < recipients.size(); i++) {
        OrganizationNumber r = OrganizationNumber.parse("recipients[" + i + "]", recipients.get(i));
        if (!to.add(r)) {
          throw new BrokerValidationException("recipients[" + i + "]", r + " is listed more than once");
        }
      }
      if (propertyList.size() > MAX_PROPERTIES) {
        throw new BrokerValidationException("propertyList", "at most " + MAX_PROPERTIES + " entries, got "
            + propertyList.size());
      }
      for (Map.Entry<String, String> e : propertyList.entrySet()) {
        String k = e.getKey();
        if (k == null || k.isEmpty() || k.length() > MAX_PROPERTY_KEY_LENGTH) {
          throw new BrokerValidationException("propertyList", "keys must be 1-" + MAX_PROPERTY_KEY_LENGTH
              + " characters, got " + (k == null ? "null" : k.length() + " characters"));
        }
        String v = e.getValue();
        if (v == null || v.length() > MAX_PROPERTY_VALUE_LENGTH) {
          throw new BrokerValidationException("propertyList[" + k + "]", "values must be non-null and at most "
              + MAX_PROPERTY_VALUE_LENGTH + " characters, got " + (v == null ? "null" : v.length()));
        }
      }
      if (checksum != null) {
        requireMd5Hex("checksum", checksum);
      }
      return new FileTransferInitialize(this, rid, from, List.copyOf(to), ref);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileTransferInitialize other
        && other.fileName.equals(fileName)
        && other.resourceId.equals(resourceId)
        && other.sendersFileTransferReference.equals(sendersFileTransferReference)
        && other.sender.equals(sender)
        && other.recipients.equals(recipients)
        && other.propertyList.equals(propertyList)
        && Objects.equals(other.checksum, checksum)
        && Objects.equals(other.disableVirusScan, disableVirusScan);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fileName, resourceId, sendersFileTransferReference, sender, recipients, checksum);
  }
}
