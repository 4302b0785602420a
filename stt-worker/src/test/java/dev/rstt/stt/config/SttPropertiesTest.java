package dev.rstt.stt.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.common.deepgram.DeepgramException;
import dev.rstt.stt.internal.Breakers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class SttPropertiesTest {

  @Configuration
  @EnableConfigurationProperties(SttProperties.class)
  static class Props {
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
      .withUserConfiguration(Props.class);

  @Test
  void shouldDefaultToABreakerThatOpensAfterThreeFailuresAndWaitsThirtySeconds() {
    runner.run(ctx -> {
      SttProperties p = ctx.getBean(SttProperties.class);
      assertThat(p.breaker().slidingWindowSize()).isEqualTo(3);
      assertThat(p.breaker().minimumNumberOfCalls()).isEqualTo(3);
      assertThat(p.breaker().failureRateThreshold()).isEqualTo(100f);
      assertThat(p.breaker().waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(30));
      assertThat(p.stallTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(p.recoverySpread()).isEqualTo(Duration.ofSeconds(5));
      assertThat(p.recoveryOverlap()).isEqualTo(Duration.ofSeconds(1));
      assertThat(p.deepgram().endpointing()).isEqualTo(Duration.ofMillis(100));
      assertThat(p.deepgram().effectiveKey()).isEqualTo("emulator");
      assertThat(p.publishRetryBackoff()).isEqualTo(Duration.ofMillis(200));
      assertThat(p.publishRetryMaxBackoff()).isEqualTo(Duration.ofSeconds(5));
      assertThat(p.publishStall()).isEqualTo(Duration.ofSeconds(5));
    });
  }

  @Test
  void shouldRefuseAPublishRetryBackOffOfZero() {
    runner.withPropertyValues("rstt.stt.publish-retry-backoff=0ms").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("rstt.stt.publish-retry-backoff");
    });
  }

  @Test
  void shouldFailStartupNamingTheKeyAndValueOfABadDuration() {
    runner.withPropertyValues("rstt.stt.stall-timeout=1ms").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("rstt.stt.stall-timeout")
          .hasMessageContaining("PT0.001S");
    });
  }

  @Test
  void shouldFailStartupWhenMinimumCallsExceedTheWindow() {
    runner.withPropertyValues("rstt.stt.breaker.minimum-number-of-calls=5", "rstt.stt.breaker.sliding-window-size=3")
        .run(ctx -> {
          assertThat(ctx).hasFailed();
          assertThat(ctx.getStartupFailure()).rootCause()
              .hasMessageContaining("rstt.stt.breaker.minimum-number-of-calls (5)");
        });
  }

  @Test
  void shouldRejectABaseUrlThatIsNotHttpOrWs() {
    runner.withPropertyValues("rstt.stt.deepgram.base-url=ftp://x").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("rstt.stt.deepgram.base-url")
          .hasMessageContaining("ftp://x");
    });
  }

  @Test
  void shouldOpenTheBreakerAfterThreeTransientFailuresButIgnorePermanentOnes() {
    runner.run(ctx -> {
      CircuitBreakerConfig config = Breakers.config(ctx.getBean(SttProperties.class).breaker());
      CircuitBreaker breaker = CircuitBreaker.of(Breakers.NAME, config);
      for (int i = 0; i < 5; i++) {
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onError(1, TimeUnit.MILLISECONDS, new DeepgramException(401, null, "bad key", null, null));
      }
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      breaker.onError(1, TimeUnit.MILLISECONDS, new DeepgramException(503, null, "down", null, null));
      breaker.onError(1, TimeUnit.MILLISECONDS, new IOException("reset"));
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      breaker.onError(1, TimeUnit.MILLISECONDS, DeepgramException.socketDied("stalled"));
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(breaker.tryAcquirePermission()).isFalse();
    });
  }
}
