package dev.rstt.merger.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BoundedThreadReplacementTest {

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void shouldReplaceUpToTheLimitInTheWindowThenShutDown() {
    MutableClock clock = new MutableClock();
    BoundedThreadReplacement handler = new BoundedThreadReplacement(2, Duration.ofMinutes(10), clock);
    RuntimeException boom = new IllegalStateException("boom");
    assertThat(handler.handle(boom)).isEqualTo(REPLACE_THREAD);
    clock.now = clock.now.plusSeconds(60);
    assertThat(handler.handle(boom)).isEqualTo(REPLACE_THREAD);
    clock.now = clock.now.plusSeconds(60);
    assertThat(handler.handle(boom)).isEqualTo(SHUTDOWN_CLIENT);
  }

  @Test
  void shouldForgetCrashesOlderThanTheWindow() {
    MutableClock clock = new MutableClock();
    BoundedThreadReplacement handler = new BoundedThreadReplacement(1, Duration.ofMinutes(10), clock);
    assertThat(handler.handle(new RuntimeException())).isEqualTo(REPLACE_THREAD);
    clock.now = clock.now.plus(Duration.ofMinutes(10));
    assertThat(handler.handle(new RuntimeException())).isEqualTo(REPLACE_THREAD);
    assertThat(handler.handle(new RuntimeException())).isEqualTo(SHUTDOWN_CLIENT);
  }
}
