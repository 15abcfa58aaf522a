package no.brokerclient.model;

import java.time.Instant;
import no.brokerclient.BrokerValidationException;

/**
 * Search parameters for {@code GET /broker/api/v1/filetransfer}. Only {@code resourceId} is required.
 *
 * <p>Broker returns at most {@value #MAX_RESULTS} ids per search, newest first unless {@code orderAscending};
 * {@link no.brokerclient.BrokerClient#searchAll} pages past that limit. With {@code status} set, {@code from},
 * {@code to} and the sort order use the time the transfer entered that status; otherwise its creation time.
 * {@code from} alone and {@code to} alone are exclusive; together they are inclusive. {@code recipientStatus}
 * restricts to transfers where the caller is a recipient whose latest status is that value (and Broker then
 * ignores {@code role}). Broker allows about 10 searches a minute.
 */
public final class FileTransferSearch {
  /** Broker's cap on ids returned by one search. */
  public static final int MAX_RESULTS = 100;

  private final ResourceId resourceId;
  private final FileTransferStatus status;
  private final RecipientFileTransferStatus recipientStatus;
  private final Instant from;
  private final Instant to;
  private final Boolean orderAscending;
  private final SearchRole role;

  private FileTransferSearch(Builder b, ResourceId resourceId) {
    this.resourceId = resourceId;
    this.status = b.status;
    this.recipientStatus = b.recipientStatus;
    this.from = b.from;
    this.to = b.to;
    this.orderAscending = b.orderAscending;
    this.role = b.role;
  }

  /**
   * @param resourceId the Broker resource (required)
   * @return a builder
   */
  public static Builder builder(String resourceId) {
    return new Builder(resourceId);
  }

  /**
   * @param resourceId the Broker resource (required)
   * @return a builder
   */
  public static Builder builder(ResourceId resourceId) {
    return new Builder(resourceId == null ? null : resourceId.id());
  }

  /** @return a builder holding these values */
  public Builder toBuilder() {
    Builder b = new Builder(resourceId.id());
    b.status = status;
    b.recipientStatus = recipientStatus;
    b.from = from;
    b.to = to;
    b.orderAscending = orderAscending;
    b.role = role;
    return b;
  }

  /** @return the resource */
  public ResourceId resourceId() {
    return resourceId;
  }

  /** @return the status filter, or {@code null} */
  public FileTransferStatus status() {
    return status;
  }

  /** @return the caller's recipient-status filter, or {@code null} */
  public RecipientFileTransferStatus recipientStatus() {
    return recipientStatus;
  }

  /** @return the lower time bound, or {@code null} */
  public Instant from() {
    return from;
  }

  /** @return the upper time bound, or {@code null} */
  public Instant to() {
    return to;
  }

  /**
   * @return {@code true} for oldest first, {@code false} for newest first, {@code null} for Broker's default (newest
   *     first)
   */
  public Boolean orderAscending() {
    return orderAscending;
  }

  /** @return the role filter, or {@code null} for both */
  public SearchRole role() {
    return role;
  }

  @Override
  public String toString() {
    return "FileTransferSearch{resourceId=" + resourceId + ", status=" + status + ", recipientStatus="
        + recipientStatus + ", from=" + from + ", to=" + to + ", orderAscending=" + orderAscending + ", role="
        + role + "}";
  }

  /** Builds a {@link FileTransferSearch}. Not thread-safe. */
  public static final class Builder {
    private final String resourceId;
    private FileTransferStatus status;
    private RecipientFileTransferStatus recipientStatus;
    private Instant from;
    private Instant to;
    private Boolean orderAscending;
    private SearchRole role;

    private Builder(String resourceId) {
      this.resourceId = resourceId;
    }

    /**
     * @param status only transfers currently in this status; default any
     * @return this builder
     */
    public Builder status(FileTransferStatus status) {
      this.status = status;
      return this;
    }

    /**
     * @param recipientStatus only transfers where the caller is a recipient with this latest status; default any.
     *     Receivers poll with {@code status(PUBLISHED).recipientStatus(INITIALIZED)}.
     * @return this builder
     */
    public Builder recipientStatus(RecipientFileTransferStatus recipientStatus) {
      this.recipientStatus = recipientStatus;
      return this;
    }

    /**
     * @param from lower bound (exclusive when alone); default none
     * @return this builder
     */
    public Builder from(Instant from) {
      this.from = from;
      return this;
    }

    /**
     * @param to upper bound (exclusive when alone); default none
     * @return this builder
     */
    public Builder to(Instant to) {
      this.to = to;
      return this;
    }

    /**
     * @param ascending {@code true} for oldest first; default (unset) newest first
     * @return this builder
     */
    public Builder orderAscending(boolean ascending) {
      this.orderAscending = ascending;
      return this;
    }

    /**
     * @param role only transfers where the caller has this role; default both
     * @return this builder
     */
    public Builder role(SearchRole role) {
      this.role = role;
      return this;
    }

    /**
     * @return the validated search
     * @throws BrokerValidationException if the resource id is invalid or {@code from} is after {@code to}
     */
    public FileTransferSearch build() {
      ResourceId rid = ResourceId.parse("resourceId", resourceId);
      if (from != null && to != null && from.isAfter(to)) {
        throw new BrokerValidationException("from", "must not be after 'to' (" + from + " > " + to + ")");
      }
      return new FileTransferSearch(this, rid);
    }
  }
}
