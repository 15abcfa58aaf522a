package no.brokerclient.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import no.brokerclient.RetryPolicy;
import no.brokerclient.testkit.FakeMaskinporten;
import no.brokerclient.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFormatsTest {
  static final char[] PW = "store-pass-1".toCharArray();

  @TempDir Path dir;
  FakeMaskinporten fake;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeMaskinporten("client-1", AltinnScopes.AUTHORIZATION_PDP, AltinnScopes.BROKER_WRITE);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  /** Gets a token from the strict fake, which verifies the signature with the registered key or certificate. */
  String tokenWith(GrantSigner signer) {
    try (Maskinporten mp = Maskinporten.builder().issuer(fake.issuer()).clientId("client-1").signer(signer)
        .retryPolicy(RetryPolicy.NONE).build()) {
      return mp.accessToken(AltinnScopes.SENDER);
    }
  }

  static X509Certificate certificate(Path store, String type) throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PW);
    }
    return (X509Certificate) ks.getCertificate("maskinporten");
  }

  @Test
  void pkcs12BusinessCertificateIsSentAsX5c() throws Exception {
    Path p12 = TestKeys.keyStore(dir.resolve("v.p12"), "PKCS12", "maskinporten", "RSA", "store-pass-1");
    GrantSigner signer = GrantSigners.pkcs12(p12, PW, null, null);
    assertNull(signer.keyId());
    assertEquals(1, signer.certificateChain().size());
    fake.trustCertificate(certificate(p12, "PKCS12").getPublicKey());
    assertNotNull(fake.verifyIssued(tokenWith(signer)));
    assertEquals(1, fake.grantHeaders().get(0).getX509CertChain().size());
    assertNull(fake.grantHeaders().get(0).getKeyID());
  }

  @Test
  void jksWithAliasAndKeyPassword() throws Exception {
    Path jks = TestKeys.keyStore(dir.resolve("v.jks"), "JKS", "maskinporten", "RSA", "store-pass-1");
    GrantSigner signer = GrantSigners.jks(jks, PW, "maskinporten", PW);
    fake.trustCertificate(certificate(jks, "JKS").getPublicKey());
    assertNotNull(fake.verifyIssued(tokenWith(signer)));
  }

  @Test
  void certificateAlsoRegisteredAsKidSendsBoth() throws Exception {
    Path p12 = TestKeys.keyStore(dir.resolve("v.p12"), "PKCS12", "maskinporten", "RSA", "store-pass-1");
    GrantSigner signer = GrantSigners.withKeyId(GrantSigners.pkcs12(p12, PW, "maskinporten", null), "cert-kid");
    fake.trustCertificate(certificate(p12, "PKCS12").getPublicKey());
    tokenWith(signer);
    assertEquals("cert-kid", fake.grantHeaders().get(0).getKeyID());
    assertNotNull(fake.grantHeaders().get(0).getX509CertChain());
  }

  @Test
  void wrongStorePasswordIsClearAndDoesNotEchoIt() throws Exception {
    Path p12 = TestKeys.keyStore(dir.resolve("v.p12"), "PKCS12", "maskinporten", "RSA", "store-pass-1");
    AccessTokenException e = assertThrows(AccessTokenException.class,
        () -> GrantSigners.pkcs12(p12, "wrong-pass-9".toCharArray(), null, null));
    assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-pass-9"));
  }

  @Test
  void wrongKeyPassword() throws Exception {
    Path jks = TestKeys.keyStore(dir.resolve("v.jks"), "JKS", "maskinporten", "RSA", "store-pass-1");
    AccessTokenException e = assertThrows(AccessTokenException.class,
        () -> GrantSigners.jks(jks, PW, "maskinporten", "bad-key-pass".toCharArray()));
    assertTrue(e.getMessage().contains("wrong key password"), e.getMessage());
  }

  @Test
  void wrongAliasListsTheAliases() throws Exception {
    Path p12 = TestKeys.keyStore(dir.resolve("v.p12"), "PKCS12", "maskinporten", "RSA", "store-pass-1");
    AccessTokenException e = assertThrows(AccessTokenException.class,
        () -> GrantSigners.pkcs12(p12, PW, "other", null));
    assertTrue(e.getMessage().contains("no key entry with alias 'other'") && e.getMessage().contains("maskinporten"),
        e.getMessage());
  }

  @Test
  void ecKeysAreRejected() throws Exception {
    Path p12 = TestKeys.keyStore(dir.resolve("ec.p12"), "PKCS12", "maskinporten", "EC", "store-pass-1");
    AccessTokenException e = assertThrows(AccessTokenException.class, () -> GrantSigners.pkcs12(p12, PW, null, null));
    assertTrue(e.getMessage().contains("RSA keys only"), e.getMessage());
    assertThrows(AccessTokenException.class, () -> GrantSigners.jwk(
        new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("ec").generate()
            .toJSONString()));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** Extracts the PKCS#1 RSAPrivateKey from a PKCS#8 PrivateKeyInfo (its OCTET STRING). */
  static byte[] pkcs1(byte[] pkcs8) {
    int i = 1;
    i += lengthBytes(pkcs8, i); // outer SEQUENCE header
    i += 3; // INTEGER 0
    i += 2 + (pkcs8[i + 1] & 0xff); // AlgorithmIdentifier SEQUENCE
    i++; // OCTET STRING tag
    int len;
    int b = pkcs8[i] & 0xff;
    if (b < 0x80) {
      len = b;
      i++;
    } else {
      int n = b & 0x7f;
      len = 0;
      for (int k = 1; k <= n; k++) {
        len = (len << 8) | (pkcs8[i + k] & 0xff);
      }
      i += 1 + n;
    }
    return java.util.Arrays.copyOfRange(pkcs8, i, i + len);
  }

  static int lengthBytes(byte[] der, int at) {
    int b = der[at] & 0xff;
    return b < 0x80 ? 1 : 1 + (b & 0x7f);
  }

  @Test
  void pemPkcs8AndPkcs1() throws Exception {
    RSAKey k = TestKeys.generate("pem-kid", 2048);
    fake.registerKey("pem-kid", k.toRSAPublicKey());
    byte[] pkcs8 = k.toRSAPrivateKey().getEncoded();
    assertNotNull(fake.verifyIssued(tokenWith(GrantSigners.pem(pem("PRIVATE KEY", pkcs8), "pem-kid"))));
    Path file = Files.writeString(dir.resolve("k.pem"), pem("RSA PRIVATE KEY", pkcs1(pkcs8)));
    assertNotNull(fake.verifyIssued(tokenWith(GrantSigners.pem(file, "pem-kid"))));
    assertEquals("pem-kid", fake.grantHeaders().get(1).getKeyID());
  }

  @Test
  void pemErrors() {
    assertThrows(AccessTokenException.class, () -> GrantSigners.pem("not a pem", "kid"));
    assertThrows(AccessTokenException.class, () -> GrantSigners.pem(pem("PRIVATE KEY", new byte[] {1, 2}), "kid"));
    assertThrows(AccessTokenException.class,
        () -> GrantSigners.pem(pem("ENCRYPTED PRIVATE KEY", new byte[] {1}), "kid"));
    assertThrows(AccessTokenException.class,
        () -> GrantSigners.pem(pem("PRIVATE KEY", TestKeys.jwk().toRSAPrivateKey().getEncoded()), " "));
  }

  @Test
  void jwkUsesItsKid() throws Exception {
    RSAKey k = TestKeys.generate("jwk-kid", 2048);
    fake.registerKey("jwk-kid", k.toRSAPublicKey());
    GrantSigner s = GrantSigners.jwk(k.toJSONString());
    assertEquals("jwk-kid", s.keyId());
    assertNotNull(fake.verifyIssued(tokenWith(s)));
    AccessTokenException e = assertThrows(AccessTokenException.class,
        () -> GrantSigners.jwk(k.toPublicJWK().toJSONString()));
    assertTrue(e.getMessage().contains("no private part"));
    assertThrows(AccessTokenException.class, () -> GrantSigners.jwk("{not json"));
  }

  @Test
  void rs384AndRs512() throws Exception {
    fake.registerKey("test-kid", TestKeys.jwk().toRSAPublicKey());
    GrantSigner base = GrantSigners.jwk(TestKeys.jwk().toJSONString());
    assertNotNull(fake.verifyIssued(tokenWith(GrantSigners.withAlgorithm(base, "RS384"))));
    assertNotNull(fake.verifyIssued(tokenWith(GrantSigners.withAlgorithm(base, "RS512"))));
    assertEquals(JWSAlgorithm.RS384, fake.grantHeaders().get(0).getAlgorithm());
    assertEquals(JWSAlgorithm.RS512, fake.grantHeaders().get(1).getAlgorithm());
    assertThrows(AccessTokenException.class, () -> GrantSigners.withAlgorithm(base, "PS256"));
  }

  @Test
  void shortKeysAreRejected() {
    RSAKey small = TestKeys.generate("small", 1024);
    AccessTokenException e = assertThrows(AccessTokenException.class, () -> GrantSigners.jwk(small.toJSONString()));
    assertTrue(e.getMessage().contains("2048"), e.getMessage());
  }

  @Test
  void pluggableSignerForHsm() throws Exception {
    RSAKey k = TestKeys.generate("hsm-kid", 2048);
    fake.registerKey("hsm-kid", k.toRSAPublicKey());
    PrivateKey inHsm = k.toPrivateKey();
    int[] calls = {0};
    GrantSigner hsm = new GrantSigner() {
      @Override
      public String algorithm() {
        return "RS256";
      }

      @Override
      public String keyId() {
        return "hsm-kid";
      }

      @Override
      public List<X509Certificate> certificateChain() {
        return List.of();
      }

      @Override
      public byte[] sign(byte[] input) {
        calls[0]++;
        try {
          Signature s = Signature.getInstance("SHA256withRSA");
          s.initSign(inHsm);
          s.update(input);
          return s.sign();
        } catch (Exception e) {
          throw new AccessTokenException("hsm failed", e);
        }
      }
    };
    assertNotNull(fake.verifyIssued(tokenWith(hsm)));
    assertEquals(1, calls[0]);
  }

  @Test
  void signerToStringHidesKey() throws Exception {
    String s = GrantSigners.jwk(TestKeys.jwk().toJSONString()).toString();
    assertTrue(s.contains("****") && s.contains("test-kid"), s);
    assertFalse(s.contains(TestKeys.jwk().getPrivateExponent().toString()));
    assertEquals(Duration.ofSeconds(120), Grants.LIFETIME);
  }
}
