package dev.rstt.gateway.support;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A real JWKS endpoint ({@code GET /keys}) over http or https (then with {@link TestTls}'s self-signed certificate),
 * with an RSA key whose tokens it mints. It can be stopped and started again on the same port, to play a JWKS
 * outage.
 */
public final class JwksServer implements AutoCloseable {

  public static final String ISSUER = "https://issuer.test";
  public static final String AUDIENCE = "rstt-test-app";

  private final RSAKey key;
  private final TestTls tls;
  private final AtomicInteger requests = new AtomicInteger();
  private int port;
  private HttpServer server;

  private JwksServer(TestTls tls) throws Exception {
    this.key = new RSAKeyGenerator(2048).keyID("test-key-1").generate();
    this.tls = tls;
    start(0);
  }

  /** Plain http (allowed in development mode only). */
  public static JwksServer http() throws Exception {
    return new JwksServer(null);
  }

  /** https with a self-signed certificate for 127.0.0.1/localhost ({@code tls.trustBundleProperties}). */
  public static JwksServer https(TestTls tls) throws Exception {
    return new JwksServer(tls);
  }

  private void start(int onPort) throws IOException {
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", onPort);
    if (tls != null) {
      HttpsServer https = HttpsServer.create(address, 0);
      SSLContext context = tls.serverContext();
      https.setHttpsConfigurator(new HttpsConfigurator(context));
      server = https;
    } else {
      server = HttpServer.create(address, 0);
    }
    byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    server.createContext("/keys", exchange -> {
      requests.incrementAndGet();
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    port = server.getAddress().getPort();
  }

  public String url() {
    return (tls != null ? "https" : "http") + "://127.0.0.1:" + port + "/keys";
  }

  public int requests() {
    return requests.get();
  }

  /** The JWKS goes away (connections refused). */
  public void stop() {
    server.stop(0);
  }

  /** The JWKS answers again, on the same port. */
  public void restart() throws IOException {
    start(port);
  }

  /** An RS256 token of this issuer's key for {@code sub}, with the test issuer and audience. */
  public String token(String sub) {
    try {
      JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(sub).issuer(ISSUER).audience(AUDIENCE)
          .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
          .build();
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
