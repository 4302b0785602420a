package dev.rstt.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class BatchPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(BatchProperties.class)
  static class Config {
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
          ValidationAutoConfiguration.class))
      .withUserConfiguration(Config.class);

  @Test
  void shouldDefaultEverything() {
    runner.run(ctx -> {
      BatchProperties p = ctx.getBean(BatchProperties.class);
      assertThat(p.minChunk()).isEqualTo(Duration.ofSeconds(5));
      assertThat(p.maxChunk()).isEqualTo(Duration.ofSeconds(30));
      assertThat(p.idleFlush()).isEqualTo(Duration.ofSeconds(10));
      assertThat(p.maxBuffered().toMegabytes()).isEqualTo(64);
      assertThat(p.groupId()).isEqualTo("batch-worker");
      assertThat(p.deepgram().authorizationKey()).isEqualTo("emulator");
      assertThat(p.retry().maxAttempts()).isEqualTo(4);
      assertThat(p.breaker().waitInOpenState()).isEqualTo(Duration.ofSeconds(5));
      assertThat(p.publishRetryBackoff()).isEqualTo(Duration.ofMillis(200));
      assertThat(p.publishRetryMaxBackoff()).isEqualTo(Duration.ofSeconds(5));
    });
  }

  @Test
  void shouldFailStartupNamingKeyAndValue() {
    runner.withPropertyValues("rstt.batch.min-chunk=20ms").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("minChunk").hasMessageContaining("PT0.02S");
    });
    runner.withPropertyValues("rstt.batch.min-chunk=40s").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("max-chunk must be longer");
    });
    runner.withPropertyValues("rstt.batch.concurrency=0").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("concurrency");
    });
    runner.withPropertyValues("rstt.batch.publish-retry-backoff=10s").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("publish-retry-max-backoff");
    });
    runner.withPropertyValues("rstt.batch.idle-flush=soon").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).hasStackTraceContaining("rstt.batch.idle-flush").hasStackTraceContaining("soon");
    });
  }
}
