package no.brokerclient.auth;

/**
 * Maskinporten (or Altinn's token exchange) refused to issue a token. Carries the OAuth2 {@code error}, the
 * {@code error_description}, Maskinporten's {@code MP-nnn} code and {@code trace_id} when present; never the grant
 * or any token.
 */
public final class MaskinportenException extends AccessTokenException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String error;
  private final String errorDescription;
  private final String mpCode;
  private final String traceId;
  private final boolean retryable;

  /**
   * @param endpoint what was called, e.g. {@code Maskinporten token endpoint}
   * @param statusCode HTTP status
   * @param error OAuth2 {@code error}, or {@code null}
   * @param errorDescription {@code error_description} or other body text, or {@code null}
   * @param mpCode e.g. {@code MP-124}, or {@code null}
   * @param traceId Maskinporten's trace id, or {@code null}
   * @param retryable whether the SDK retries this
   */
  public MaskinportenException(String endpoint, int statusCode, String error, String errorDescription, String mpCode,
      String traceId, boolean retryable) {
    super(endpoint + " answered HTTP " + statusCode + (error != null ? " " + error : "")
        + (errorDescription != null ? ": " + errorDescription : "") + hint(error, mpCode, errorDescription));
    this.statusCode = statusCode;
    this.error = error;
    this.errorDescription = errorDescription;
    this.mpCode = mpCode;
    this.traceId = traceId;
    this.retryable = retryable;
  }

  private static String hint(String error, String mp, String description) {
    if (mp == null && error == null) {
      return "";
    }
    String m = mp == null ? "" : mp;
    if (mp == null && description != null && description.contains("Issue time")) {
      m = "MP-130"; // the same cause, said without the code
    }
    switch (m) {
      case "MP-100":
      case "MP-110":
        return ". Check the client id and that the environment (TEST or PRODUCTION) matches the client";
      case "MP-120":
        return ". Production certificates work only in PRODUCTION and test certificates only in TEST";
      case "MP-130":
        return ". Check the local clock: Maskinporten allows only ±10 s";
      case "MP-200":
      case "MP-201":
        return ". Register the scope on the Maskinporten client (Broker: altinn:authorization:pdp plus"
            + " altinn:broker.write or altinn:broker.read)";
      case "MP-301":
      case "MP-302":
      case "MP-303":
        return ". The system user does not match: check the customer organisation, that the customer approved"
            + " the system user, and externalRef";
      default:
        return "invalid_scope".equals(error) ? ". Register the scope on the Maskinporten client" : "";
    }
  }

  /** @return the HTTP status */
  public int statusCode() {
    return statusCode;
  }

  /** @return the OAuth2 error code, e.g. {@code invalid_grant}, or {@code null} */
  public String error() {
    return error;
  }

  /** @return the error description, or {@code null} */
  public String errorDescription() {
    return errorDescription;
  }

  /** @return Maskinporten's code such as {@code MP-124}, or {@code null} */
  public String mpCode() {
    return mpCode;
  }

  /** @return Maskinporten's trace id, or {@code null} */
  public String traceId() {
    return traceId;
  }

  /** @return whether the failure is transient and was retried (429, 502, 503, 504) */
  public boolean retryable() {
    return retryable;
  }
}
