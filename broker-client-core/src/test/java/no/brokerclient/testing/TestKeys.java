package no.brokerclient.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Keys for tests: generated RSA JWKs and key stores made with the JDK's keytool. */
public final class TestKeys {
  private static volatile RSAKey shared;

  private TestKeys() {}

  /** @return one RSA 2048 JWK with kid {@code test-kid}, generated once per JVM */
  public static RSAKey jwk() {
    if (shared == null) {
      synchronized (TestKeys.class) {
        if (shared == null) {
          shared = generate("test-kid", 2048);
        }
      }
    }
    return shared;
  }

  /**
   * @param kid key id
   * @param bits key size
   * @return a new RSA JWK
   */
  public static RSAKey generate(String kid, int bits) {
    try {
      return new RSAKeyGenerator(bits, true).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates a key store with one self-signed key entry using keytool.
   *
   * @param file the store to create
   * @param type PKCS12 or JKS
   * @param alias the alias
   * @param keyAlg RSA or EC
   * @param password store (and key) password
   * @return the file
   */
  public static Path keyStore(Path file, String type, String alias, String keyAlg, String password) {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", keyAlg,
        "-keysize", keyAlg.equals("EC") ? "256" : "2048", "-dname", "CN=Test Virksomhet, O=Test, C=NO",
        "-validity", "2", "-storetype", type, "-keystore", file.toString(), "-storepass", password, "-keypass",
        password));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + out);
      }
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * @param eightDigits the first eight digits
   * @return a valid organisation number with that prefix, or {@code null} if none exists
   */
  public static String orgNumber(String eightDigits) {
    int[] w = {3, 2, 7, 6, 5, 4, 3, 2};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += (eightDigits.charAt(i) - '0') * w[i];
    }
    int c = 11 - sum % 11;
    if (c == 11) {
      c = 0;
    }
    return c == 10 ? null : eightDigits + c;
  }
}
