package dev.rstt.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevTokensTest {

  private static final String SECRET = DevTokens.randomSecret();

  @Test
  void shouldSignSubjectIssuerAudienceAndLifetime() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
    SignedJWT jwt = SignedJWT.parse(DevTokens.mint("alice", SECRET, Duration.ofMinutes(30), clock));
    assertThat(jwt.verify(new MACVerifier(SECRET))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("rstt-dev");
    assertThat(jwt.getJWTClaimsSet().getAudience()).isEqualTo(List.of("rstt-gateway"));
    assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(clock.instant());
    assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(clock.instant().plusSeconds(1800));
    SignedJWT other = SignedJWT.parse(DevTokens.mint("bob", SECRET, "iss-x", "aud-y", Duration.ofMinutes(1), clock));
    assertThat(other.getJWTClaimsSet().getIssuer()).isEqualTo("iss-x");
    assertThat(other.getJWTClaimsSet().getAudience()).isEqualTo(List.of("aud-y"));
  }

  @Test
  void shouldRefuseAShortSecret() {
    assertThatThrownBy(() -> DevTokens.mint("bob", "short", Duration.ofHours(1), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
  }

  @Test
  void shouldGenerateADifferentSecretEachTime() {
    String a = DevTokens.randomSecret();
    assertThat(a).hasSize(64).isNotEqualTo(DevTokens.randomSecret());
  }
}
