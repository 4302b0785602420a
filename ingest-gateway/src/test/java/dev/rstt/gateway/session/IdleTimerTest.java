package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdleTimerTest {

  @Test
  void shouldBeIdleAfterTheTimeoutWithoutActivity() {
    IdleTimer timer = new IdleTimer(1000, 0);
    assertThat(timer.idle(999)).isFalse();
    assertThat(timer.idle(1000)).isTrue();
    timer.activity(1500);
    assertThat(timer.idle(2499)).isFalse();
    assertThat(timer.idle(2500)).isTrue();
  }

  @Test
  void shouldNeverBeIdleWhileNotReadingAndCountTheResumeAsActivity() {
    IdleTimer timer = new IdleTimer(1000, 0);
    timer.paused();
    assertThat(timer.idle(1_000_000)).isFalse();
    timer.resumed(1_000_000);
    assertThat(timer.isPaused()).isFalse();
    assertThat(timer.idle(1_000_999)).isFalse();
    assertThat(timer.idle(1_001_000)).isTrue();
  }

  @Test
  void shouldNotGoBackInTime() {
    IdleTimer timer = new IdleTimer(1000, 5000);
    timer.activity(10);
    assertThat(timer.idle(5999)).isFalse();
  }
}
