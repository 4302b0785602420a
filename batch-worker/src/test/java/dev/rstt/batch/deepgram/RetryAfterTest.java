package dev.rstt.batch.deepgram;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T20:00:00Z"), ZoneOffset.UTC);

  @Test
  void shouldParseSecondsAndHttpDates() {
    assertThat(RetryAfter.parse("7", clock)).hasValue(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse(" 0 ", clock)).hasValue(Duration.ZERO);
    assertThat(RetryAfter.parse("Fri, 27 Nov 2026 20:00:30 GMT", clock)).hasValue(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Fri, 27 Nov 2026 19:00:00 GMT", clock)).hasValue(Duration.ZERO);
  }

  @Test
  void shouldIgnoreMissingOrGarbage() {
    assertThat(RetryAfter.parse(null, clock)).isEmpty();
    assertThat(RetryAfter.parse("", clock)).isEmpty();
    assertThat(RetryAfter.parse("soon", clock)).isEmpty();
    assertThat(RetryAfter.parse("-3", clock)).isEmpty();
  }
}
