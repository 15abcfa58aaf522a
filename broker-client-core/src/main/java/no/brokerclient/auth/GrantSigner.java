package no.brokerclient.auth;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Signs Maskinporten JWT grants. {@link GrantSigners} builds one from a key store, PEM or JWK; implement this
 * interface yourself to sign in an HSM or a cloud KMS: the private key never has to enter the JVM.
 *
 * <p>The key must be identifiable by at least one of: a {@link #keyId()} registered on the Maskinporten client (sent
 * as {@code kid}), or a {@link #certificateChain()} (sent as {@code x5c}, the business-certificate case). When both
 * are given, both are sent; with neither, {@link Maskinporten.Builder#build()} fails.
 * Implementations must be thread-safe, and their {@code toString()} must not reveal key material.
 */
public interface GrantSigner {

  /** @return {@code RS256} (the default), {@code RS384} or {@code RS512} */
  String algorithm();

  /** @return the {@code kid} registered on the Maskinporten client, or {@code null} */
  String keyId();

  /** @return the certificate chain (leaf first) to send as {@code x5c}, or an empty list */
  List<X509Certificate> certificateChain();

  /**
   * Signs the JWS signing input with RSASSA-PKCS1-v1_5 and the algorithm's SHA-2 hash.
   *
   * @param signingInput the ASCII bytes of {@code base64url(header) + "." + base64url(claims)}
   * @return the raw signature bytes
   * @throws AccessTokenException if signing fails
   */
  byte[] sign(byte[] signingInput);
}
