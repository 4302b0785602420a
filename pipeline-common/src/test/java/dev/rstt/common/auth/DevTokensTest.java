package dev.rstt.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DevTokensTest {

  private static final String SECRET = "a-development-secret-of-32-bytes-or-more";

  @Test
  void shouldSignSubjectIssuerAndLifetime() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
    SignedJWT jwt = SignedJWT.parse(DevTokens.mint("alice", SECRET, Duration.ofMinutes(30), clock));
    assertThat(jwt.verify(new MACVerifier(SECRET))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("rstt-dev");
    assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(clock.instant());
    assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(clock.instant().plusSeconds(1800));
  }

  @Test
  void shouldRefuseAShortSecret() {
    assertThatThrownBy(() -> DevTokens.mint("bob", "short", Duration.ofHours(1), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
  }
}
