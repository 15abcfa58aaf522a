package no.brokerclient.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates signed JWT-bearer grants: {@code aud} = the issuer, {@code iss} = client id, space-separated {@code scope},
 * {@code iat} now (shifted by the {@link #offset() clock offset}), {@code exp} = {@code iat} + 120 s, a random
 * {@code jti}; and, when the key has them, {@code resource}, {@code consumer_org} and the system user's {@code
 * authorization_details}. The header has {@code kid} and/or {@code x5c} as the signer gives them.
 */
final class Grants {
  /** Lifetime of each grant: Maskinporten allows at most 120 s. */
  static final Duration LIFETIME = Duration.ofSeconds(120);

  private final String clientId;
  private final GrantSigner signer;
  private final SignerAdapter nimbus;
  private final Clock clock;
  private final AtomicLong offsetMillis = new AtomicLong();

  Grants(String clientId, GrantSigner signer, Clock clock) {
    this.clientId = clientId;
    this.signer = signer;
    this.nimbus = new SignerAdapter(signer);
    this.clock = clock;
  }

  /** @return Maskinporten's clock minus the local clock, as adopted; zero until a correction */
  Duration offset() {
    return Duration.ofMillis(offsetMillis.get());
  }

  /** @param offset the offset later grants use */
  void adoptOffset(Duration offset) {
    offsetMillis.set(offset.toMillis());
  }

  /** @return a new grant (new {@code jti} and {@code iat}) for this audience and key */
  String create(String audience, TokenKey key) {
    Instant iat = clock.instant().plusMillis(offsetMillis.get()).truncatedTo(ChronoUnit.SECONDS);
    JWTClaimsSet.Builder c = new JWTClaimsSet.Builder()
        .audience(audience)
        .issuer(clientId)
        .claim("scope", String.join(" ", key.scopes()))
        .issueTime(Date.from(iat))
        .expirationTime(Date.from(iat.plus(LIFETIME)))
        .jwtID(UUID.randomUUID().toString());
    if (key.resource() != null) {
      c.claim("resource", key.resource());
    }
    if (key.consumerOrg() != null) {
      c.claim("consumer_org", key.consumerOrg());
    }
    if (key.systemUserOrg() != null) {
      Map<String, Object> org = new LinkedHashMap<>();
      org.put("authority", "iso6523-actorid-upis");
      org.put("ID", "0192:" + key.systemUserOrg());
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("type", "urn:altinn:systemuser");
      details.put("systemuser_org", org);
      if (key.externalRef() != null) {
        details.put("externalRef", key.externalRef());
      }
      c.claim("authorization_details", List.of(details));
    }
    SignedJWT jwt = new SignedJWT(header(), c.build());
    try {
      jwt.sign(nimbus);
    } catch (JOSEException e) {
      throw new AccessTokenException("signing the Maskinporten grant failed: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  private JWSHeader header() {
    JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.parse(signer.algorithm()));
    if (signer.keyId() != null) {
      h.keyID(signer.keyId());
    }
    if (!signer.certificateChain().isEmpty()) {
      List<Base64> chain = new ArrayList<>();
      for (X509Certificate cert : signer.certificateChain()) {
        try {
          chain.add(Base64.encode(cert.getEncoded()));
        } catch (CertificateEncodingException e) {
          throw new AccessTokenException("cannot encode certificate " + cert.getSubjectX500Principal(), e);
        }
      }
      h.x509CertChain(chain);
    }
    return h.build();
  }

  /** Adapts a {@link GrantSigner} to Nimbus. */
  private static final class SignerAdapter implements JWSSigner {
    private final GrantSigner signer;
    private final JCAContext jca = new JCAContext();

    SignerAdapter(GrantSigner signer) {
      this.signer = signer;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) {
      return Base64URL.encode(signer.sign(signingInput));
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);
    }

    @Override
    public JCAContext getJCAContext() {
      return jca;
    }
  }
}
