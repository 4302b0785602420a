package dev.rstt.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class WebPropertiesTest {

  @Configuration
  @EnableConfigurationProperties({WebProperties.class, DevModeProperties.class})
  static class Props {
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Props.class);

  @Test
  void shouldDefaultToProductionSettings() {
    runner.run(ctx -> {
      assertThat(ctx.getBean(DevModeProperties.class).devMode()).as("development mode is off by default").isFalse();
      WebProperties web = ctx.getBean(WebProperties.class);
      assertThat(web.authTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(web.devTokenTtl()).isEqualTo(Duration.ofHours(1));
      assertThat(web.faultApiUrl()).isEmpty();
    });
  }

  @Test
  void shouldRefuseBadValuesAtStart() {
    runner.withPropertyValues("rstt.gateway.web.fault-api-url=localhost:8090").run(ctx ->
        assertThat(ctx).hasFailed().getFailure().rootCause().hasMessageContaining("fault-api-url"));
    runner.withPropertyValues("rstt.gateway.web.auth-timeout=10ms").run(ctx -> assertThat(ctx).hasFailed());
    runner.withPropertyValues("rstt.gateway.web.dev-token-ttl=30d").run(ctx -> assertThat(ctx).hasFailed());
    runner.withPropertyValues("rstt.dev-mode=maybe").run(ctx -> assertThat(ctx).hasFailed());
    runner.withPropertyValues("rstt.gateway.web.fault-api-url=http://127.0.0.1:8090").run(ctx ->
        assertThat(ctx).hasNotFailed());
  }
}
