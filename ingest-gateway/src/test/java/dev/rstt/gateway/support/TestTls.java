package dev.rstt.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made for one test run with the JDK's {@code keytool} (no
 * key material in the repository): a PKCS12 key store for a test server and the certificate as PEM, offered to the
 * gateway as a Spring SSL bundle.
 */
public final class TestTls {

  private final Path dir;
  private final Path keyStore;
  private final Path certificate;
  private final char[] password;

  private TestTls(Path dir) throws Exception {
    this.dir = dir;
    this.keyStore = dir.resolve("server.p12");
    this.certificate = dir.resolve("server.pem");
    this.password = UUID.randomUUID().toString().toCharArray();
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", new String(password)));
    run(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(),
        "-storetype", "PKCS12", "-storepass", new String(password), "-file", certificate.toString()));
  }

  public static TestTls create() throws Exception {
    return new TestTls(Files.createTempDirectory("rstt-tls"));
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + out);
    }
  }

  /** The server side of a TLS connection with this certificate. */
  public SSLContext serverContext() {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Properties that give a gateway the SSL bundle {@code name} trusting this certificate. */
  public Map<String, Object> trustBundleProperties(String name) {
    Map<String, Object> props = new HashMap<>();
    props.put("spring.ssl.bundle.pem." + name + ".truststore.certificate", "file:" + certificate);
    return props;
  }

  public Path directory() {
    return dir;
  }
}
