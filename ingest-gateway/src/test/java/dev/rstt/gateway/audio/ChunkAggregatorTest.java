package dev.rstt.gateway.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkAggregatorTest {

  private static byte[] bytes(int n, int value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void shouldGatherSmallFramesIntoChunksOfAtMostMaxBytes() {
    ChunkAggregator agg = new ChunkAggregator(3200);
    int emitted = 0;
    int total = 0;
    for (int i = 0; i < 25; i++) {
      List<byte[]> ready = agg.add(bytes(320, i));
      for (byte[] chunk : ready) {
        assertThat(chunk.length).isEqualTo(3200);
        emitted += chunk.length;
      }
      total += 320;
    }
    assertThat(emitted).isEqualTo(6400);
    assertThat(agg.buffered()).isEqualTo(total - emitted);
    assertThat(agg.flush()).hasSize(1600);
    assertThat(agg.isEmpty()).isTrue();
  }

  @Test
  void shouldNeverExceedMaxBytesExceptForOneBigFrame() {
    ChunkAggregator agg = new ChunkAggregator(1000);
    assertThat(agg.add(bytes(700, 1))).isEmpty();
    List<byte[]> ready = agg.add(bytes(700, 2)); // would overflow: the held 700 leave first
    assertThat(ready).hasSize(1);
    assertThat(ready.get(0)).containsOnly(1).hasSize(700);
    assertThat(agg.buffered()).isEqualTo(700);
    ready = agg.add(bytes(5000, 3)); // held audio first, then the big frame alone
    assertThat(ready).hasSize(2);
    assertThat(ready.get(0)).containsOnly(2).hasSize(700);
    assertThat(ready.get(1)).containsOnly(3).hasSize(5000);
    assertThat(agg.isEmpty()).isTrue();
  }

  @Test
  void shouldSizeChunksInWholeSampleFrames() {
    assertThat(ChunkAggregator.bytesFor(new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1), 100)).isEqualTo(3200);
    assertThat(ChunkAggregator.bytesFor(new AudioFormat("en", 44100, AudioFormat.Codec.PCM16, 2), 100))
        .isEqualTo(4410 * 4);
    assertThat(ChunkAggregator.bytesFor(new AudioFormat("en", 11025, AudioFormat.Codec.PCM16, 1), 100) % 2).isZero();
  }
}
