package dev.rstt.batch.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChunkBackoffTest {

  private static final long MS = 1_000_000L;
  private static final BatchSettings S = BatchSettings.defaults(); // 500 ms, x2, ±50 %, at most 30 s

  @Test
  void shouldDoublePerRoundUpToTheCapWithJitterInTheMiddle() {
    ChunkBackoff b = new ChunkBackoff(S, bound -> bound / 2);
    assertThat(b.delay(1)).isEqualTo(500 * MS);
    assertThat(b.delay(2)).isEqualTo(1_000 * MS);
    assertThat(b.delay(6)).isEqualTo(16_000 * MS);
    assertThat(b.delay(7)).isEqualTo(30_000 * MS);
    assertThat(b.delay(1_000)).isEqualTo(30_000 * MS);
  }

  @Test
  void shouldSpreadByTheJitterFactorAndNeverExceedTheCap() {
    ChunkBackoff low = new ChunkBackoff(S, bound -> 0);
    ChunkBackoff high = new ChunkBackoff(S, bound -> bound - 1);
    assertThat(low.delay(1)).isEqualTo(250 * MS);
    assertThat(high.delay(1)).isEqualTo(750 * MS);
    assertThat(high.delay(20)).isEqualTo(30_000 * MS);
    assertThat(low.delay(20)).isEqualTo(15_000 * MS);
  }

  @Test
  void shouldNotSpreadWithoutJitter() {
    BatchSettings none = new BatchSettings(S.minChunk(), S.maxChunk(), S.vadWindow(), S.minSilence(), S.silenceRms(),
        S.quietSearch(), S.idleFlush(), S.sessionRetention(), Duration.ofMillis(100), 3.0, 0.0, Duration.ofSeconds(1));
    ChunkBackoff b = new ChunkBackoff(none, bound -> bound - 1);
    assertThat(b.delay(1)).isEqualTo(100 * MS);
    assertThat(b.delay(2)).isEqualTo(300 * MS);
    assertThat(b.delay(3)).isEqualTo(900 * MS);
    assertThat(b.delay(4)).isEqualTo(1_000 * MS);
  }
}
