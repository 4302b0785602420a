package dev.rstt.merger.merge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CoverageTest {

  @Test
  void shouldSpanEveryRecordOfAnSttSessionInMicroseconds() {
    Coverage c = new Coverage();
    assertThat(c.extend("live", 16_000, 24_000, 16_000)).isTrue();
    assertThat(c.extend("live", 24_000, 40_000, 16_000)).isTrue();
    assertThat(c.extend("live", 20_000, 22_000, 16_000)).as("a late final's window").isTrue();
    assertThat(c.of("live")).isEqualTo(new Coverage.Range(1_000_000, 2_500_000));
    assertThat(c.of("batch").known()).as("never seen").isFalse();
    assertThat(c.extend(null, 0, 10, 16_000)).as("an unset stt_session has no range").isTrue();
  }

  @Test
  void shouldForgetARangeANonsensicalRecordSpoiled() {
    Coverage c = new Coverage();
    c.extend("live", 16_000, 24_000, 16_000);
    assertThat(c.extend("live", 30_000, 20_000, 16_000)).isFalse();
    assertThat(c.of("live").known()).isFalse();
    assertThat(c.extend("live", 40_000, 48_000, 16_000)).isTrue();
    assertThat(c.of("live").known()).as("unknown stays unknown").isFalse();
    assertThat(c.extend("other", 0, 10, 0)).as("rate 0").isFalse();
  }

  @Test
  void shouldRestoreKnownAndUnknownRanges() {
    Coverage c = new Coverage();
    c.restore("a", 1_000, 2_000);
    c.restore("old", -1, -1);
    assertThat(c.of("a")).isEqualTo(new Coverage.Range(1_000, 2_000));
    assertThat(c.has("old")).isTrue();
    assertThat(c.of("old").known()).isFalse();
  }
}
