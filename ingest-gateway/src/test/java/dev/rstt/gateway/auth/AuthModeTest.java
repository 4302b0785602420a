package dev.rstt.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.common.auth.DevTokens;
import dev.rstt.gateway.config.GatewayProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The authentication mode is explicit: each refused combination names the setting to change. */
class AuthModeTest {

  private static final String SECRET = DevTokens.randomSecret();

  static GatewayProperties.Auth auth(String jwksUrl, String issuer, String audience, String secret) {
    return new GatewayProperties.Auth(jwksUrl, issuer, audience, secret, Duration.ofSeconds(30),
        new GatewayProperties.Jwks(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofSeconds(30),
            Duration.ofSeconds(2), ""));
  }

  @Test
  void shouldRefuseToStartWithoutJwksOutsideDevelopmentModeNamingBothSettings() {
    assertThatThrownBy(() -> AuthMode.resolve(auth("", "", "", ""), false))
        .isInstanceOf(AuthMode.ConfigurationException.class)
        .hasMessageContaining("rstt.gateway.auth.jwks-url").hasMessageContaining("rstt.dev-mode=true")
        .hasMessageContaining("RSTT_DEV_MODE");
  }

  @Test
  void shouldRefuseAnHs256SecretOutsideDevelopmentMode() {
    assertThatThrownBy(() -> AuthMode.resolve(auth("", "", "", SECRET), false))
        .hasMessageContaining("rstt.gateway.auth.hs256-secret").hasMessageContaining("rstt.dev-mode");
    assertThatThrownBy(() -> AuthMode.resolve(auth("https://keys.example/jwks", "i", "a", SECRET), false))
        .hasMessageContaining("rstt.gateway.auth.hs256-secret");
  }

  @Test
  void shouldRequireAnExplicitSecretInDevelopmentModeWithoutJwks() {
    assertThatThrownBy(() -> AuthMode.resolve(auth("", "", "", ""), true))
        .hasMessageContaining("rstt.gateway.auth.hs256-secret").hasMessageContaining("RSTT_GATEWAY_AUTH_HS256_SECRET");
    AuthMode dev = AuthMode.resolve(auth("", "", "", SECRET), true);
    assertThat(dev.kind()).isEqualTo(AuthMode.Kind.HS256);
    assertThat(dev.issuer()).isEqualTo(DevTokens.ISSUER);
    assertThat(dev.audience()).isEqualTo(DevTokens.AUDIENCE);
    assertThat(dev.toString()).doesNotContain(SECRET);
    AuthMode configured = AuthMode.resolve(auth("", "me", "my-app", SECRET), true);
    assertThat(configured.issuer()).isEqualTo("me");
    assertThat(configured.audience()).isEqualTo("my-app");
  }

  @Test
  void shouldAllowPlainHttpJwksOnlyInDevelopmentMode() {
    assertThatThrownBy(() -> AuthMode.resolve(auth("http://keys.example/jwks", "i", "a", ""), false))
        .hasMessageContaining("must be https outside development mode").hasMessageContaining("rstt.dev-mode");
    assertThat(AuthMode.resolve(auth("http://127.0.0.1:9/jwks", "i", "a", ""), true).kind())
        .isEqualTo(AuthMode.Kind.JWKS);
    AuthMode prod = AuthMode.resolve(auth("https://keys.example/jwks", "i", "a", ""), false);
    assertThat(prod.kind()).isEqualTo(AuthMode.Kind.JWKS);
    assertThat(prod.development()).isFalse();
    assertThatThrownBy(() -> AuthMode.resolve(auth("ftp://keys.example/jwks", "i", "a", ""), true))
        .hasMessageContaining("https URL");
  }

  @Test
  void shouldPreferJwksOverASecretInDevelopmentMode() {
    AuthMode both = AuthMode.resolve(auth("https://keys.example/jwks", "i", "a", SECRET), true);
    assertThat(both.kind()).isEqualTo(AuthMode.Kind.JWKS);
    assertThat(both.hs256Secret()).isNull();
  }
}
