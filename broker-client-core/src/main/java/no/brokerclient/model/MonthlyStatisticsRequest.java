package no.brokerclient.model;

import java.time.YearMonth;
import java.util.Objects;
import no.brokerclient.BrokerValidationException;

/**
 * Parameters of {@code GET /broker/api/v1/statistics/monthly} (service owners). Defaults: all the caller's
 * resources, {@code includeEndUser=true}, {@code includeVendor=false}.
 */
public final class MonthlyStatisticsRequest {
  private final YearMonth month;
  private final ResourceId resourceId;
  private final boolean includeEndUser;
  private final boolean includeVendor;

  private MonthlyStatisticsRequest(Builder b, ResourceId resourceId) {
    this.month = b.month;
    this.resourceId = resourceId;
    this.includeEndUser = b.includeEndUser;
    this.includeVendor = b.includeVendor;
  }

  /**
   * @param month the month to report (year 1-9999)
   * @return a builder
   */
  public static Builder builder(YearMonth month) {
    return new Builder(month);
  }

  /** @return the month */
  public YearMonth month() {
    return month;
  }

  /** @return the resource, or {@code null} for all the caller's resources */
  public ResourceId resourceId() {
    return resourceId;
  }

  /** @return whether rows are broken down by end user (sender/recipient) */
  public boolean includeEndUser() {
    return includeEndUser;
  }

  /** @return whether rows are broken down by vendor */
  public boolean includeVendor() {
    return includeVendor;
  }

  /** Builds a {@link MonthlyStatisticsRequest}. */
  public static final class Builder {
    private final YearMonth month;
    private String resourceId;
    private boolean includeEndUser = true;
    private boolean includeVendor;

    private Builder(YearMonth month) {
      this.month = month;
    }

    /**
     * @param resourceId one of the caller's resources; default all
     * @return this builder
     */
    public Builder resourceId(String resourceId) {
      this.resourceId = resourceId;
      return this;
    }

    /**
     * @param resourceId one of the caller's resources; default all
     * @return this builder
     */
    public Builder resourceId(ResourceId resourceId) {
      this.resourceId = resourceId == null ? null : resourceId.id();
      return this;
    }

    /**
     * @param include default {@code true}
     * @return this builder
     */
    public Builder includeEndUser(boolean include) {
      this.includeEndUser = include;
      return this;
    }

    /**
     * @param include default {@code false}
     * @return this builder
     */
    public Builder includeVendor(boolean include) {
      this.includeVendor = include;
      return this;
    }

    /**
     * @return the validated request
     * @throws BrokerValidationException if the month is missing or out of range, or both include flags are false
     */
    public MonthlyStatisticsRequest build() {
      if (month == null || month.getYear() < 1 || month.getYear() > 9999) {
        throw new BrokerValidationException("year", "a month in years 1-9999 is required, got " + month);
      }
      if (!includeEndUser && !includeVendor) {
        throw new BrokerValidationException("includeEndUser", "at least one of includeEndUser and includeVendor"
            + " must be true");
      }
      return new MonthlyStatisticsRequest(this, resourceId == null ? null : ResourceId.parse("resourceId", resourceId));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MonthlyStatisticsRequest other && other.month.equals(month)
        && Objects.equals(other.resourceId, resourceId) && other.includeEndUser == includeEndUser
        && other.includeVendor == includeVendor;
  }

  @Override
  public int hashCode() {
    return Objects.hash(month, resourceId, includeEndUser, includeVendor);
  }
}
