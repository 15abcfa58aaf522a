package no.brokerclient.access;

import java.util.Objects;

/**
 * An access list's version: the server's {@code ETag}, kept opaque (Altinn writes weak tags such as {@code
 * W/"eyJ2ZXJzaW9uIjoiNSJ9"}). Pass it back to {@link AccessLists#update} for an {@code If-Match} update, or to
 * {@link AccessLists#getIfChanged} for an {@code If-None-Match} read.
 *
 * @param etag the ETag exactly as received
 */
public record Version(String etag) {
  /** Rejects blank values. */
  public Version {
    Objects.requireNonNull(etag, "etag");
    if (etag.isBlank() || etag.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("not an ETag: '" + etag + "'");
    }
  }
}
