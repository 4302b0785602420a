package dev.rstt.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.rstt.gateway.config.GatewayProperties;
import dev.rstt.gateway.support.JwksServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;

/**
 * The outage-tolerant key cache against a real JWKS HTTP server that the test stops and starts: last good keys
 * keep serving for the outage TTL, then a token cannot be checked and that is "unavailable", never a bad token;
 * an unknown key id stays a bad token even when re-fetches are rate limited.
 */
class JwksKeysTest {

  /** Short times so an outage plays out in seconds: cache 1 s, outage tolerance 3 s, at most 2 fetches per 300 ms. */
  static GatewayProperties.Jwks settings() {
    return new GatewayProperties.Jwks(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMillis(300),
        Duration.ofMillis(500), "");
  }

  private static TokenVerifier verifier(String url) {
    return TokenVerifier.jwks(JwksKeys.fromUrl(url, settings(), null), JwksServer.ISSUER, JwksServer.AUDIENCE, 30,
        JwksKeys.retryAfter(settings()));
  }

  @Test
  void shouldServeTheLastGoodKeysThroughAnOutageForItsTtlThenSayUnavailableNotInvalid() throws Exception {
    try (JwksServer jwks = JwksServer.http()) {
      TokenVerifier verifier = verifier(jwks.url());
      String token = jwks.token("alice");
      assertThat(verifier.verify("Bearer " + token)).isEqualTo("alice");
      jwks.stop();
      long stoppedAt = System.nanoTime();
      long[] lastAcceptedMs = {0};
      AuthUnavailableException unavailable = await("the outage outlives the last good keys").atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
              verifier.verify("Bearer " + token);
              lastAcceptedMs[0] = (System.nanoTime() - stoppedAt) / 1_000_000;
              return null;
            } catch (AuthUnavailableException e) {
              return e;
            }
          }, e -> e != null);
      // still accepted after the cache TTL (1 s) ran out: the outage cache served the last good keys
      assertThat(lastAcceptedMs[0]).as("last accepted, ms after the JWKS stopped").isGreaterThan(1_000);
      assertThat(unavailable.code()).isEqualTo("auth_unavailable");
      assertThat(unavailable.retryAfter()).isEqualTo(Duration.ofSeconds(1));
      // back: accepted again
      jwks.restart();
      await("keys fetched again").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
          .ignoreExceptions().until(() -> "alice".equals(verifier.verify("Bearer " + token)));
    }
  }

  @Test
  void shouldSayUnavailableWhenTheJwksNeverAnswered() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    TokenVerifier verifier = verifier("http://127.0.0.1:" + dead + "/keys");
    try (JwksServer other = JwksServer.http()) {
      String token = other.token("bob");
      for (int i = 0; i < 5; i++) { // first tries, retries and rate-limited tries alike
        assertThatThrownBy(() -> verifier.verify("Bearer " + token)).isInstanceOf(AuthUnavailableException.class);
      }
    }
  }

  @Test
  void shouldRefuseAnUnknownKeyIdAsABadTokenEvenWhenRefetchesAreRateLimited() throws Exception {
    try (JwksServer jwks = JwksServer.http()) {
      TokenVerifier verifier = verifier(jwks.url());
      assertThat(verifier.verify("Bearer " + jwks.token("alice"))).isEqualTo("alice");
      RSAKey stranger = new RSAKeyGenerator(2048).keyID("not-in-the-set").generate();
      SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(stranger.getKeyID()).build(),
          new JWTClaimsSet.Builder().subject("mallory").issuer(JwksServer.ISSUER).audience(JwksServer.AUDIENCE)
              .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
      forged.sign(new RSASSASigner(stranger));
      for (int i = 0; i < 10; i++) { // each makes nimbus re-fetch; past two per interval the rate limit refuses
        assertThatThrownBy(() -> verifier.verify("Bearer " + forged.serialize()))
            .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo("invalid_token"));
      }
      assertThat(verifier.verify("Bearer " + jwks.token("alice"))).isEqualTo("alice");
    }
  }
}
