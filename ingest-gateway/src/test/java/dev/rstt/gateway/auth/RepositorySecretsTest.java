package dev.rstt.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.rstt.common.auth.DevTokens;
import dev.rstt.gateway.support.JwksServer;
import dev.rstt.gateway.support.RepositoryConstants;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A token signed with any constant of the repository (every literal that could be an HS256 secret, and the former
 * built-in development secrets) is refused in every mode but a development mode configured with that constant:
 * JWKS mode refuses HS256 outright, a development gateway has a secret of its own, and an HS256 secret outside
 * development mode does not start.
 */
class RepositorySecretsTest {

  private static List<String> tokens(String secret) {
    List<String> out = new ArrayList<>();
    out.add(DevTokens.mint("victim", secret, Duration.ofHours(1), Clock.systemUTC()));
    out.add(DevTokens.mint("victim", secret, JwksServer.ISSUER, JwksServer.AUDIENCE, Duration.ofHours(1),
        Clock.systemUTC()));
    return out;
  }

  @Test
  void shouldFindTheRepositorysConstants() {
    Set<String> candidates = RepositoryConstants.candidates();
    assertThat(candidates).containsAll(RepositoryConstants.FORMER_DEFAULTS);
    // the scan itself works: it finds a 32+ byte literal that is in the sources today (this class's own)
    assertThat(candidates).contains("an-attackers-secret-that-is-long-enough-32");
    assertThat(candidates.size()).isGreaterThan(RepositoryConstants.FORMER_DEFAULTS.size());
  }

  @Test
  void shouldRefuseTokensSignedWithAnyRepositoryConstantInJwksModeAndInDevelopmentModeWithItsOwnSecret()
      throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate();
    TokenVerifier jwks = TokenVerifier.jwks(new ImmutableJWKSet<SecurityContext>(new JWKSet(key.toPublicJWK())),
        JwksServer.ISSUER, JwksServer.AUDIENCE, 30, Duration.ofSeconds(1));
    TokenVerifier development = TokenVerifier.hs256(DevTokens.randomSecret(), DevTokens.ISSUER, DevTokens.AUDIENCE,
        30);
    int checked = 0;
    for (String constant : RepositoryConstants.candidates()) {
      for (String token : tokens(constant)) {
        for (TokenVerifier verifier : List.of(jwks, development)) {
          assertThatThrownBy(() -> verifier.verify("Bearer " + token)).as("signed with %s", constant)
              .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo("invalid_token"));
          checked++;
        }
      }
      assertThatThrownBy(() -> AuthMode.resolve(AuthModeTest.auth("", "", "", constant), false))
          .isInstanceOf(AuthMode.ConfigurationException.class);
    }
    assertThat(checked).isGreaterThan(4 * RepositoryConstants.FORMER_DEFAULTS.size());
    // unsigned, and HS256 keyed with the public key's own bytes (algorithm confusion)
    String unsigned = new PlainJWT(new JWTClaimsSet.Builder().subject("victim").issuer(JwksServer.ISSUER)
        .audience(JwksServer.AUDIENCE).issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(600))).build()).serialize();
    String confused = DevTokens.mint("victim", key.toPublicJWK().toJSONString(), JwksServer.ISSUER,
        JwksServer.AUDIENCE, Duration.ofHours(1), Clock.systemUTC());
    for (String token : List.of(unsigned, confused)) {
      assertThatThrownBy(() -> jwks.verify("Bearer " + token)).isInstanceOfSatisfying(AuthException.class,
          e -> assertThat(e.code()).isEqualTo("invalid_token"));
    }
  }
}
