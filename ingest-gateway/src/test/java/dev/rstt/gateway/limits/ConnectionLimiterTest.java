package dev.rstt.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void shouldCapConcurrentSessionsPerUser() {
    ConnectionLimiter limiter = new ConnectionLimiter(2, 100, Duration.ofSeconds(1), new ManualClock());
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    ConnectionLimiter.Decision third = limiter.tryAcquire("a");
    assertThat(third.allowed()).isFalse();
    assertThat(third.reason()).isEqualTo("too_many_sessions");
    assertThat(third.retryAfter()).isPositive();
    assertThat(limiter.tryAcquire("b").allowed()).isTrue();
    limiter.release("a");
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
  }

  @Test
  void shouldRefillTheConnectionBucketWithTime() {
    ManualClock clock = new ManualClock();
    ConnectionLimiter limiter = new ConnectionLimiter(100, 3, Duration.ofSeconds(10), clock);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("a").allowed()).isTrue();
      limiter.release("a");
    }
    ConnectionLimiter.Decision refused = limiter.tryAcquire("a");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.reason()).isEqualTo("connect_rate");
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(10));
    clock.now = clock.now.plusSeconds(4);
    assertThat(limiter.tryAcquire("a").retryAfter()).isEqualTo(Duration.ofSeconds(6));
    clock.now = clock.now.plusSeconds(6);
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
  }

  @Test
  void shouldForgetIdleUsersWithAFullBucket() {
    ManualClock clock = new ManualClock();
    ConnectionLimiter limiter = new ConnectionLimiter(5, 2, Duration.ofSeconds(1), clock);
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.sessions("a")).isEqualTo(1);
    clock.now = clock.now.plusSeconds(5);
    limiter.release("a");
    assertThat(limiter.sessions("a")).isZero();
  }
}
