package dev.rstt.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.gateway.config.GatewayProperties;
import dev.rstt.gateway.config.SecurityPosture;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.config.EnableWebFlux;

/** The development token endpoint exists only in development mode with an explicit HS256 secret and no JWKS. */
class DevTokenEndpointTest {

  private static final String SECRET = dev.rstt.common.auth.DevTokens.randomSecret();

  @Configuration
  @EnableWebFlux
  @EnableConfigurationProperties({GatewayProperties.class, WebProperties.class, DevModeProperties.class})
  @Import(DevTokenEndpoint.class)
  static class Web {
    @Bean
    Clock clock() {
      return Clock.systemUTC();
    }

    @Bean
    @org.springframework.context.annotation.Lazy // only the endpoint needs it; refused setups never create it
    SecurityPosture securityPosture(GatewayProperties props, DevModeProperties dev) {
      return SecurityPosture.resolve(props, dev.devMode());
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Web.class);

  private static WebTestClient.ResponseSpec post(org.springframework.context.ApplicationContext ctx) {
    return WebTestClient.bindToApplicationContext(ctx).build().post().uri("/dev/token").exchange();
  }

  @Test
  void shouldNotExistWithoutDevelopmentMode() {
    runner.withPropertyValues("rstt.gateway.auth.hs256-secret=" + SECRET).run(ctx -> {
      assertThat(ctx).doesNotHaveBean("devTokenRoute");
      post(ctx).expectStatus().isNotFound();
    });
    runner.withPropertyValues("rstt.dev-mode=false", "rstt.gateway.auth.hs256-secret=" + SECRET).run(ctx ->
        post(ctx).expectStatus().isNotFound());
  }

  @Test
  void shouldNotExistInDevelopmentModeWithoutAnExplicitSecretOrWithJwks() {
    runner.withPropertyValues("rstt.dev-mode=true").run(ctx -> post(ctx).expectStatus().isNotFound());
    runner.withPropertyValues("rstt.dev-mode=true", "rstt.gateway.auth.hs256-secret=" + SECRET,
        "rstt.gateway.auth.jwks-url=https://keys.example/jwks", "rstt.gateway.auth.issuer=i",
        "rstt.gateway.auth.audience=a").run(ctx -> post(ctx).expectStatus().isNotFound());
  }

  @Test
  void shouldIssueATokenInDevelopmentModeWithAnExplicitSecret() {
    runner.withPropertyValues("rstt.dev-mode=true", "rstt.gateway.auth.hs256-secret=" + SECRET,
        "rstt.gateway.web.dev-token-ttl=10m").run(ctx -> {
          String body = new String(post(ctx).expectStatus().isOk().expectBody().returnResult().getResponseBody());
          assertThat(body).contains("\"user_id\":\"web-").contains("\"expires_in_seconds\":600");
          String token = body.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
          String user = body.replaceAll(".*\"user_id\":\"([^\"]+)\".*", "$1");
          assertThat(dev.rstt.gateway.auth.TokenVerifier.hs256(SECRET, "rstt-dev", "rstt-gateway", 0)
              .verifyToken(token)).isEqualTo(user);
        });
  }

  @Test
  void shouldReadDevelopmentModeAndTheSecretFromEnvironmentVariables() {
    // RSTT_DEV_MODE and RSTT_GATEWAY_AUTH_HS256_SECRET, as ./pipeline up sets them
    runner.withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
            new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of("RSTT_DEV_MODE", "true", "RSTT_GATEWAY_AUTH_HS256_SECRET", SECRET))))
        .run(ctx -> {
          assertThat(ctx.getBean(DevModeProperties.class).devMode()).isTrue();
          post(ctx).expectStatus().isOk();
        });
  }
}
