package dev.rstt.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS material made for one test run, never committed: a throw-away certificate authority and a server key pair for
 * {@code localhost}/{@code 127.0.0.1} signed by it, generated with the JDK's own {@code keytool} (run as a process, as
 * an operator would) and {@code java.security}, under random passwords, valid for two days.
 *
 * @param caCertificate the authority's certificate, PEM: a client's trust store ({@code ssl.truststore.type=PEM})
 * @param serverKeyStore PKCS12 key store with the server's key and its chain (server, authority)
 * @param serverKeyStorePassword password of the key store and of the key in it
 */
public record TlsMaterial(Path caCertificate, Path serverKeyStore, String serverKeyStorePassword) {

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Generates the material into {@code dir} (created if missing): the two key pairs, the signing request and the
   * signature by keytool; the chain is installed and the authority's certificate exported with {@code java.security}.
   */
  public static TlsMaterial generate(Path dir) {
    try {
      Files.createDirectories(dir);
      Path ca = dir.resolve("ca.p12");
      Path caPem = dir.resolve("ca.pem");
      Path server = dir.resolve("server.p12");
      Path csr = dir.resolve("server.csr");
      Path serverPem = dir.resolve("server.pem");
      String caPass = randomPassword();
      String serverPass = randomPassword();
      CompletableFuture<Void> caKey = CompletableFuture.runAsync(() -> keytool("-genkeypair", "-alias", "ca",
          "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=rstt test CA", "-ext", "bc:c",
          "-storetype", "PKCS12", "-keystore", ca.toString(), "-storepass", caPass, "-keypass", caPass));
      keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
          "-dname", "CN=localhost", "-storetype", "PKCS12",
          "-keystore", server.toString(), "-storepass", serverPass, "-keypass", serverPass);
      keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-storepass", serverPass,
          "-file", csr.toString());
      caKey.join();
      keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", caPass,
          "-infile", csr.toString(), "-outfile", serverPem.toString(), "-validity", "2",
          "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "KU=digitalSignature,keyEncipherment",
          "-ext", "EKU=serverAuth,clientAuth");
      Certificate caCert = load(ca, caPass).getCertificate("ca");
      Files.writeString(caPem, pem(caCert));
      Certificate serverCert;
      try (InputStream in = Files.newInputStream(serverPem)) {
        serverCert = CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      KeyStore store = load(server, serverPass);
      Key key = store.getKey("server", serverPass.toCharArray());
      store.setKeyEntry("server", key, serverPass.toCharArray(), new Certificate[] {serverCert, caCert});
      try (OutputStream out = Files.newOutputStream(server)) {
        store.store(out, serverPass.toCharArray());
      }
      Files.delete(csr);
      Files.delete(serverPem);
      Files.delete(ca); // the authority's key is not needed once the server's certificate is signed
      return new TlsMaterial(caPem, server, serverPass);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Cannot write TLS material to " + dir, e);
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }

  private static String pem(Certificate certificate) throws GeneralSecurityException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static String randomPassword() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " did not finish within 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed (" + p.exitValue() + "): "
            + new String(out, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
