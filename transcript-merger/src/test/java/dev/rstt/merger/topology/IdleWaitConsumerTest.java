package dev.rstt.merger.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The idle wait rule of the merger's main consumer. */
class IdleWaitConsumerTest {

  static final Duration POLL_MS = Duration.ofMillis(20);
  static final Duration IDLE = Duration.ofSeconds(1);

  @Test
  void shouldWaitAsAskedUntilTwoPollsInARowFoundNothing() {
    assertThat(IdleWaitConsumer.wait(POLL_MS, 0, IDLE)).as("after records").isEqualTo(POLL_MS);
    assertThat(IdleWaitConsumer.wait(POLL_MS, 1, IDLE)).as("one empty poll: a commit may still be due")
        .isEqualTo(POLL_MS);
    assertThat(IdleWaitConsumer.wait(POLL_MS, 2, IDLE)).as("idle").isEqualTo(IDLE);
  }

  @Test
  void shouldNeverShortenAPollNorLengthenOneWhenTheIdleWaitIsNotLonger() {
    assertThat(IdleWaitConsumer.wait(Duration.ofSeconds(5), 2, IDLE)).isEqualTo(Duration.ofSeconds(5));
    assertThat(IdleWaitConsumer.wait(POLL_MS, 2, Duration.ZERO)).as("switched off").isEqualTo(POLL_MS);
    assertThat(IdleWaitConsumer.wait(POLL_MS, 2, Duration.ofMillis(20))).isEqualTo(POLL_MS);
  }
}
