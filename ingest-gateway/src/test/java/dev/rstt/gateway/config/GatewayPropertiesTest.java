package dev.rstt.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class GatewayPropertiesTest {

  @Configuration
  @EnableConfigurationProperties(GatewayProperties.class)
  static class Props {
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Props.class);

  @Test
  void shouldDefaultEverySetting() {
    runner.run(ctx -> {
      GatewayProperties p = ctx.getBean(GatewayProperties.class);
      assertThat(p.chunk().maxDuration()).isEqualTo(Duration.ofMillis(100));
      assertThat(p.chunk().maxDelay()).isEqualTo(Duration.ofMillis(40));
      assertThat(p.stopTimeout()).isEqualTo(Duration.ofSeconds(60));
      assertThat(p.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
      assertThat(p.pingInterval()).isEqualTo(Duration.ofSeconds(10));
      assertThat(p.maxFrameBytes()).isEqualTo(65536);
      assertThat(p.mergerUrl()).isEqualTo("http://localhost:8083");
      assertThat(p.auth().usesJwks()).isFalse();
      assertThat(p.auth().hs256Secret()).as("no built-in secret").isEmpty();
      assertThat(p.auth().jwks().cacheTtl()).isEqualTo(Duration.ofMinutes(5));
      assertThat(p.auth().jwks().outageTtl()).isEqualTo(Duration.ofHours(1));
      assertThat(p.auth().jwks().minRefreshInterval()).isEqualTo(Duration.ofSeconds(30));
      assertThat(p.limits().maxSpeed()).isEqualTo(1.5);
      assertThat(p.limits().paceBurst()).isEqualTo(Duration.ofSeconds(5));
      assertThat(p.limits().maxSessionDuration()).isEqualTo(Duration.ofHours(12));
      assertThat(p.limits().noAudioTimeout()).isEqualTo(Duration.ofMinutes(10));
      assertThat(p.limits().maxSockets()).isEqualTo(1000);
      assertThat(p.limits().ipConnectBurst()).isEqualTo(30);
      assertThat(p.limits().ipConnectRefill()).isEqualTo(Duration.ofMillis(500));
      assertThat(p.codecs().lc3Library()).isEqualTo("lc3");
      assertThat(p.codecs().aacLibrary()).isEqualTo("faad");
    });
  }

  @Test
  void shouldFailStartupNamingTheKeyAndTheValue() {
    runner.withPropertyValues("rstt.gateway.chunk.max-duration=5ms").run(ctx -> {
      assertThat(ctx).hasFailed();
      String message = failureText(ctx.getStartupFailure());
      // names the property and the rejected value (at real startup Boot's failure analyzer also prints the
      // kebab-case key and where the value came from)
      assertThat(message).contains("rstt.gateway").contains("chunk.maxDuration").contains("PT0.005S")
          .contains("DurationMin");
    });
    runner.withPropertyValues("rstt.gateway.idle-timeout=banana").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(failureText(ctx.getStartupFailure())).contains("rstt.gateway.idle-timeout").contains("banana");
    });
    runner.withPropertyValues("rstt.gateway.auth.jwks-url=https://example/keys").run(ctx -> {
      assertThat(ctx).hasFailed(); // issuer and audience are required with a JWKS URL
      assertThat(failureText(ctx.getStartupFailure())).contains("issuer and audience are required");
    });
    runner.withPropertyValues("rstt.gateway.auth.hs256-secret=too-short").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(failureText(ctx.getStartupFailure())).contains("at least 32 bytes");
    });
    runner.withPropertyValues("rstt.gateway.limits.max-speed=0.5").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(failureText(ctx.getStartupFailure())).contains("limits.maxSpeed");
    });
    runner.withPropertyValues("rstt.gateway.auth.jwks.min-refresh-interval=10m").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(failureText(ctx.getStartupFailure())).contains("shorter than jwks.cache-ttl");
    });
    runner.withPropertyValues("rstt.gateway.codecs.lc3-library= ").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(failureText(ctx.getStartupFailure())).contains("codecs.lc3Library");
    });
  }

  private static String failureText(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
      if (c instanceof org.springframework.boot.context.properties.bind.validation.BindValidationException b) {
        b.getValidationErrors().forEach(e -> sb.append(e).append('\n'));
      }
    }
    return sb.toString();
  }
}
