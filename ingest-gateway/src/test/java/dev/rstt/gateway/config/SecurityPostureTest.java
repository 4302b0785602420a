package dev.rstt.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.common.auth.DevTokens;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Development settings are refused outside development mode; development mode says so loudly. */
class SecurityPostureTest {

  @Configuration
  @EnableConfigurationProperties(GatewayProperties.class)
  static class Props {
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Props.class);
  private static final String SECRET = DevTokens.randomSecret();

  @Test
  void shouldPrintABannerInDevelopmentModeWithoutTheSecret() {
    runner.withPropertyValues("rstt.gateway.auth.hs256-secret=" + SECRET, "rstt.gateway.limits.max-speed=20")
        .run(ctx -> {
          SecurityPosture posture = SecurityPosture.resolve(ctx.getBean(GatewayProperties.class), true);
          assertThat(posture.banner()).anySatisfy(l -> assertThat(l).contains("DEVELOPMENT MODE is ON"))
              .anySatisfy(l -> assertThat(l).contains("20.0x real time"))
              .allSatisfy(l -> assertThat(l).doesNotContain(SECRET));
        });
  }

  @Test
  void shouldPrintNoBannerOutsideDevelopmentMode() {
    runner.withPropertyValues("rstt.gateway.auth.jwks-url=https://keys.example/jwks", "rstt.gateway.auth.issuer=i",
        "rstt.gateway.auth.audience=a").run(ctx ->
        assertThat(SecurityPosture.resolve(ctx.getBean(GatewayProperties.class), false).banner()).isEmpty());
  }

  @Test
  void shouldRefuseAFastPaceOutsideDevelopmentMode() {
    runner.withPropertyValues("rstt.gateway.auth.jwks-url=https://keys.example/jwks", "rstt.gateway.auth.issuer=i",
        "rstt.gateway.auth.audience=a", "rstt.gateway.limits.max-speed=10").run(ctx -> {
          assertThatThrownBy(() -> SecurityPosture.resolve(ctx.getBean(GatewayProperties.class), false))
              .hasMessageContaining("rstt.gateway.limits.max-speed=10.0").hasMessageContaining("rstt.dev-mode");
          assertThat(SecurityPosture.resolve(ctx.getBean(GatewayProperties.class), true).auth()).isNotNull();
        });
  }
}
