package dev.rstt.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.rstt.common.auth.DevTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

  static RSAKey rsa;
  static ECKey ec;
  static RSAKey stranger;
  static TokenVerifier firebaseLike;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
    stranger = new RSAKeyGenerator(2048).keyID("k1").generate(); // same kid, different key
    firebaseLike = TokenVerifier.jwks(new ImmutableJWKSet<SecurityContext>(
        new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK()))),
        "https://securetoken.google.com/proj", "proj", 30, Duration.ofSeconds(30));
  }

  private static JWTClaimsSet claims(String iss, String aud, Instant exp) {
    return new JWTClaimsSet.Builder().subject("alice").issuer(iss).audience(aud)
        .issueTime(Date.from(Instant.now().minusSeconds(10))).expirationTime(Date.from(exp)).build();
  }

  private static String rs256(RSAKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  @Test
  void shouldAcceptRs256AndEs256FromTheJwksWithIssuerAndAudience() throws Exception {
    Instant exp = Instant.now().plusSeconds(600);
    JWTClaimsSet good = claims("https://securetoken.google.com/proj", "proj", exp);
    assertThat(firebaseLike.verify("Bearer " + rs256(rsa, good))).isEqualTo("alice");
    SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k2").build(), good);
    es.sign(new ECDSASigner(ec));
    assertThat(firebaseLike.verify("Bearer " + es.serialize())).isEqualTo("alice");
  }

  @Test
  void shouldRejectWrongAudienceIssuerKeyOrExpiry() throws Exception {
    Instant exp = Instant.now().plusSeconds(600);
    assertCode(rs256(rsa, claims("https://securetoken.google.com/proj", "other", exp)), "invalid_token");
    assertCode(rs256(rsa, claims("https://evil.example", "proj", exp)), "invalid_token");
    assertCode(rs256(stranger, claims("https://securetoken.google.com/proj", "proj", exp)), "invalid_token");
    assertCode(rs256(rsa, claims("https://securetoken.google.com/proj", "proj", Instant.now().minusSeconds(120))),
        "expired_token");
    // an HS256 token must not pass a JWKS verifier (algorithm confusion)
    assertCode(DevTokens.mint("alice", DevTokens.randomSecret(), Duration.ofHours(1), Clock.systemUTC()),
        "invalid_token");
  }

  @Test
  void shouldAcceptADevelopmentTokenWithItsSecretIssuerAndAudienceOnly() throws Exception {
    String secret = DevTokens.randomSecret();
    TokenVerifier dev = TokenVerifier.hs256(secret, DevTokens.ISSUER, DevTokens.AUDIENCE, 30);
    String token = DevTokens.mint("bob", secret, Duration.ofHours(1), Clock.systemUTC());
    assertThat(dev.verify("Bearer " + token)).isEqualTo("bob");
    assertThat(dev.verify("bearer " + token)).isEqualTo("bob");
    TokenVerifier other = TokenVerifier.hs256(DevTokens.randomSecret(), DevTokens.ISSUER, DevTokens.AUDIENCE, 30);
    assertThatThrownBy(() -> other.verify("Bearer " + token)).isInstanceOfSatisfying(AuthException.class,
        e -> assertThat(e.code()).isEqualTo("invalid_token"));
    assertThatThrownBy(() -> dev.verify(null)).isInstanceOfSatisfying(AuthException.class,
        e -> assertThat(e.code()).isEqualTo("missing_token"));
    assertThatThrownBy(() -> dev.verify(token)).isInstanceOfSatisfying(AuthException.class,
        e -> assertThat(e.code()).isEqualTo("missing_token"));
    // iss and aud are checked as in JWKS mode: the right secret with another issuer or audience is refused
    for (String[] claims : new String[][] {{"someone-else", DevTokens.AUDIENCE}, {DevTokens.ISSUER, "another-app"}}) {
      String wrong = DevTokens.mint("bob", secret, claims[0], claims[1], Duration.ofHours(1), Clock.systemUTC());
      assertThatThrownBy(() -> dev.verify("Bearer " + wrong)).isInstanceOfSatisfying(AuthException.class,
          e -> assertThat(e.code()).isEqualTo("invalid_token"));
    }
    TokenVerifier configured = TokenVerifier.hs256(secret, "my-issuer", "my-app", 30);
    assertThat(configured.verify("Bearer " + DevTokens.mint("carol", secret, "my-issuer", "my-app",
        Duration.ofHours(1), Clock.systemUTC()))).isEqualTo("carol");
    assertThatThrownBy(() -> configured.verify("Bearer " + token)).isInstanceOf(AuthException.class);
  }

  @Test
  void shouldFetchKeysFromAJwksUrl() throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    byte[] jwks = new JWKSet(rsa.toPublicJWK()).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    server.createContext("/keys", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, jwks.length);
      exchange.getResponseBody().write(jwks);
      exchange.close();
    });
    server.start();
    try {
      TokenVerifier verifier = TokenVerifier.jwks(JwksKeys.fromUrl(
          "http://127.0.0.1:" + server.getAddress().getPort() + "/keys", JwksKeysTest.settings(), null),
          "https://issuer.example", "aud-1", 30, Duration.ofSeconds(1));
      String token = rs256(rsa, claims("https://issuer.example", "aud-1", Instant.now().plusSeconds(60)));
      assertThat(verifier.verify("Bearer " + token)).isEqualTo("alice");
    } finally {
      server.stop(0);
    }
  }

  private static void assertCode(String token, String code) {
    assertThatThrownBy(() -> firebaseLike.verify("Bearer " + token)).isInstanceOfSatisfying(AuthException.class,
        e -> assertThat(e.code()).isEqualTo(code));
  }
}
