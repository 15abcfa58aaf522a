package no.brokerclient.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds {@link GrantSigner}s from the key formats Maskinporten clients use: PKCS#12 and JKS key stores (the
 * business-certificate case, sent as {@code x5c}), PEM private keys (PKCS#8 {@code BEGIN PRIVATE KEY} and PKCS#1
 * {@code BEGIN RSA PRIVATE KEY}) with a registered {@code kid}, and JWK JSON (its own {@code kid}). Only RSA keys are
 * accepted: Maskinporten supports RS256, RS384 and RS512. Errors name what is wrong without echoing key material.
 */
public final class GrantSigners {
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private GrantSigners() {}

  /**
   * A signer from a PKCS#12 key store holding a business certificate (virksomhetssertifikat): the certificate
   * chain is sent as {@code x5c}.
   *
   * @param file the .p12/.pfx file
   * @param storePassword the key store password
   * @param alias the key entry's alias, or {@code null} when the store holds exactly one key
   * @param keyPassword the key password, or {@code null} to use the store password
   * @return the signer (RS256)
   * @throws AccessTokenException on a wrong password, missing alias or non-RSA key
   */
  public static GrantSigner pkcs12(Path file, char[] storePassword, String alias, char[] keyPassword) {
    return keyStore("PKCS12", file, storePassword, alias, keyPassword);
  }

  /**
   * Like {@link #pkcs12}, for a JKS key store.
   *
   * @param file the .jks file
   * @param storePassword the key store password
   * @param alias the key entry's alias, or {@code null} when the store holds exactly one key
   * @param keyPassword the key password, or {@code null} to use the store password
   * @return the signer (RS256)
   */
  public static GrantSigner jks(Path file, char[] storePassword, String alias, char[] keyPassword) {
    return keyStore("JKS", file, storePassword, alias, keyPassword);
  }

  private static GrantSigner keyStore(String type, Path file, char[] storePassword, String alias,
      char[] keyPassword) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(storePassword, "storePassword");
    KeyStore ks;
    try (InputStream in = Files.newInputStream(file)) {
      ks = KeyStore.getInstance(type);
      ks.load(in, storePassword);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
        throw new AccessTokenException("cannot open " + type + " key store " + file + ": wrong password");
      }
      throw new AccessTokenException("cannot read " + type + " key store " + file + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new AccessTokenException("cannot read " + type + " key store " + file + ": " + e.getMessage(), e);
    }
    try {
      String a = alias;
      if (a == null) {
        List<String> keys = new ArrayList<>();
        for (String s : java.util.Collections.list(ks.aliases())) {
          if (ks.isKeyEntry(s)) {
            keys.add(s);
          }
        }
        if (keys.size() != 1) {
          throw new AccessTokenException(type + " key store " + file + " holds " + keys.size()
              + " key entries " + keys + "; name the alias");
        }
        a = keys.get(0);
      }
      if (!ks.isKeyEntry(a)) {
        throw new AccessTokenException(type + " key store " + file + " has no key entry with alias '" + a
            + "'; aliases: " + java.util.Collections.list(ks.aliases()));
      }
      Key key;
      try {
        key = ks.getKey(a, keyPassword != null ? keyPassword : storePassword);
      } catch (UnrecoverableKeyException e) {
        throw new AccessTokenException("cannot unlock key '" + a + "' in " + file + ": wrong key password");
      }
      Certificate[] chain = ks.getCertificateChain(a);
      List<X509Certificate> certs = new ArrayList<>();
      if (chain != null) {
        for (Certificate c : chain) {
          certs.add((X509Certificate) c);
        }
      }
      return new KeySigner(rsa(key, "key '" + a + "' in " + file), "RS256", null, certs);
    } catch (GeneralSecurityException e) {
      throw new AccessTokenException("cannot read key '" + alias + "' from " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A signer from a PEM private key (PKCS#8 or PKCS#1 RSA) registered on the Maskinporten client under {@code
   * keyId}.
   *
   * @param pem the PEM text
   * @param keyId the {@code kid} the public key was registered with
   * @return the signer (RS256)
   * @throws AccessTokenException if the PEM holds no RSA private key
   */
  public static GrantSigner pem(String pem, String keyId) {
    Objects.requireNonNull(pem, "pem");
    requireKeyId(keyId);
    Matcher m = PEM.matcher(pem);
    while (m.find()) {
      String kind = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        throw new AccessTokenException("PEM block '" + kind + "' is not valid base64");
      }
      try {
        if ("PRIVATE KEY".equals(kind)) {
          return new KeySigner(rsa(pkcs8(der), "PEM key"), "RS256", keyId, List.of());
        }
        if ("RSA PRIVATE KEY".equals(kind)) {
          return new KeySigner(rsa(pkcs8(pkcs1ToPkcs8(der)), "PEM key"), "RS256", keyId, List.of());
        }
        if ("ENCRYPTED PRIVATE KEY".equals(kind)) {
          throw new AccessTokenException("encrypted PEM keys are not supported; use PKCS#12 or decrypt the key");
        }
        if ("EC PRIVATE KEY".equals(kind)) {
          throw new AccessTokenException("the PEM holds an EC key; Maskinporten accepts RSA keys only");
        }
      } finally {
        Arrays.fill(der, (byte) 0);
      }
    }
    throw new AccessTokenException("no 'PRIVATE KEY' or 'RSA PRIVATE KEY' PEM block found");
  }

  /**
   * A signer from a PEM file; see {@link #pem(String, String)}.
   *
   * @param file the PEM file
   * @param keyId the registered {@code kid}
   * @return the signer
   */
  public static GrantSigner pem(Path file, String keyId) {
    try {
      return pem(Files.readString(file, StandardCharsets.US_ASCII), keyId);
    } catch (IOException e) {
      throw new AccessTokenException("cannot read PEM file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A signer from an RSA JWK with its private part, as generated by Digdir's self-service; its {@code kid} is
   * sent.
   *
   * @param jwkJson the JWK JSON object
   * @return the signer (the JWK's {@code alg} if RS256/384/512, else RS256)
   */
  public static GrantSigner jwk(String jwkJson) {
    Objects.requireNonNull(jwkJson, "jwkJson");
    JWK jwk;
    try {
      jwk = JWK.parse(jwkJson);
    } catch (ParseException e) {
      throw new AccessTokenException("not a valid JWK: " + e.getMessage());
    }
    if (!(jwk instanceof RSAKey rsa)) {
      throw new AccessTokenException("the JWK is of type " + jwk.getKeyType() + "; Maskinporten accepts RSA keys only");
    }
    if (!rsa.isPrivate()) {
      throw new AccessTokenException("the JWK '" + rsa.getKeyID() + "' has no private part");
    }
    requireKeyId(rsa.getKeyID());
    String alg = rsa.getAlgorithm() != null && rsa.getAlgorithm().getName().matches("RS(256|384|512)")
        ? rsa.getAlgorithm().getName() : "RS256";
    try {
      return new KeySigner(rsa.toRSAPrivateKey(), alg, rsa.getKeyID(), List.of());
    } catch (JOSEException e) {
      throw new AccessTokenException("cannot use JWK '" + rsa.getKeyID() + "': " + e.getMessage());
    }
  }

  /**
   * A signer from a private key and certificate chain you loaded yourself (sent as {@code x5c}).
   *
   * @param key an RSA private key
   * @param chain leaf first
   * @return the signer (RS256)
   */
  public static GrantSigner certificate(PrivateKey key, List<X509Certificate> chain) {
    if (chain == null || chain.isEmpty()) {
      throw new AccessTokenException("a certificate chain with at least the leaf certificate is required");
    }
    return new KeySigner(rsa(key, "private key"), "RS256", null, List.copyOf(chain));
  }

  /**
   * Reads PEM certificates ({@code BEGIN CERTIFICATE}), leaf first.
   *
   * @param pem the PEM text
   * @return the certificates
   */
  public static List<X509Certificate> certificates(String pem) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      Collection<? extends Certificate> certs =
          cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      List<X509Certificate> out = new ArrayList<>();
      certs.forEach(c -> out.add((X509Certificate) c));
      return out;
    } catch (GeneralSecurityException e) {
      throw new AccessTokenException("cannot read certificates: " + e.getMessage(), e);
    }
  }

  /**
   * Returns a signer that uses another algorithm with the same key.
   *
   * @param signer a signer from this class
   * @param algorithm {@code RS256}, {@code RS384} or {@code RS512}
   * @return the signer
   */
  public static GrantSigner withAlgorithm(GrantSigner signer, String algorithm) {
    if (!(signer instanceof KeySigner k)) {
      throw new IllegalArgumentException("only signers from GrantSigners can be re-targeted; implement algorithm()");
    }
    return new KeySigner(k.key, algorithm, k.keyId, k.chain);
  }

  /**
   * Returns a signer that also sends {@code kid} (for a certificate that is registered on the client).
   *
   * @param signer a signer from this class
   * @param keyId the registered {@code kid}
   * @return the signer
   */
  public static GrantSigner withKeyId(GrantSigner signer, String keyId) {
    if (!(signer instanceof KeySigner k)) {
      throw new IllegalArgumentException("only signers from GrantSigners can be changed; implement keyId()");
    }
    requireKeyId(keyId);
    return new KeySigner(k.key, k.algorithm, keyId, k.chain);
  }

  private static void requireKeyId(String keyId) {
    if (keyId == null || keyId.isBlank()) {
      throw new AccessTokenException("a key id (kid) registered on the Maskinporten client is required");
    }
  }

  private static RSAPrivateKey rsa(Key key, String what) {
    if (key instanceof RSAPrivateKey r) {
      return r;
    }
    throw new AccessTokenException(what + " is " + (key == null ? "missing" : "a " + key.getAlgorithm() + " key")
        + "; Maskinporten accepts RSA keys only");
  }

  private static PrivateKey pkcs8(byte[] der) {
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new AccessTokenException("the PEM key is not an RSA PKCS#8 key");
    }
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
  static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] len;
    if (n < 0x80) {
      len = new byte[] {(byte) n};
    } else if (n < 0x100) {
      len = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    byte[] out = new byte[1 + len.length + n];
    out[0] = (byte) tag;
    System.arraycopy(len, 0, out, 1, len.length);
    System.arraycopy(content, 0, out, 1 + len.length, n);
    return out;
  }

  /** A signer holding an RSA private key in memory. */
  private static final class KeySigner implements GrantSigner {
    private final RSAPrivateKey key;
    private final String algorithm;
    private final String keyId;
    private final List<X509Certificate> chain;

    KeySigner(RSAPrivateKey key, String algorithm, String keyId, List<X509Certificate> chain) {
      if (!algorithm.matches("RS(256|384|512)")) {
        throw new AccessTokenException("algorithm must be RS256, RS384 or RS512, got " + algorithm);
      }
      if (key.getModulus().bitLength() < 2048) {
        throw new AccessTokenException("the RSA key has " + key.getModulus().bitLength()
            + " bits; at least 2048 are required");
      }
      this.key = key;
      this.algorithm = algorithm;
      this.keyId = keyId;
      this.chain = List.copyOf(chain);
    }

    @Override
    public String algorithm() {
      return algorithm;
    }

    @Override
    public String keyId() {
      return keyId;
    }

    @Override
    public List<X509Certificate> certificateChain() {
      return chain;
    }

    @Override
    public byte[] sign(byte[] signingInput) {
      try {
        Signature s = Signature.getInstance("SHA" + algorithm.substring(2) + "withRSA");
        s.initSign(key);
        s.update(signingInput);
        return s.sign();
      } catch (InvalidKeyException e) {
        throw new AccessTokenException("the key cannot sign: " + e.getMessage());
      } catch (GeneralSecurityException e) {
        throw new AccessTokenException("signing failed: " + e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "GrantSigner{" + algorithm + (keyId != null ? ", kid=" + keyId : "")
          + (chain.isEmpty() ? "" : ", x5c=" + chain.get(0).getSubjectX500Principal().getName()) + ", key=****}";
    }
  }
}
