package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.gateway.audio.ChunkAggregator;
import org.junit.jupiter.api.Test;

class AudioIntakeTest {

  @Test
  void shouldStampEachChunkWithTheArrivalOfItsFirstFrame() {
    AudioIntake intake = new AudioIntake(new ChunkAggregator(100));
    AudioIntake.Added first = intake.add(new byte[60], 1000);
    assertThat(first.ready()).isEmpty();
    assertThat(first.flushGeneration()).as("held audio began: arm a flush").isPositive();
    AudioIntake.Added second = intake.add(new byte[60], 1040);
    assertThat(second.ready()).singleElement().satisfies(c -> {
      assertThat(c.pcm()).hasSize(60);
      assertThat(c.receivedAtMs()).isEqualTo(1000);
    });
    assertThat(intake.flushIfArmed(first.flushGeneration())).as("the armed audio was published").isNull();
    AudioIntake.Chunk held = intake.flushIfArmed(second.flushGeneration());
    assertThat(held.pcm()).hasSize(60);
    assertThat(held.receivedAtMs()).isEqualTo(1040);
  }

  @Test
  void shouldNotArmAFlushForAudioThatJoinsHeldAudio() {
    AudioIntake intake = new AudioIntake(new ChunkAggregator(100));
    long armed = intake.add(new byte[10], 0).flushGeneration();
    assertThat(intake.add(new byte[10], 5).flushGeneration()).isEqualTo(-1);
    assertThat(intake.flushIfArmed(armed).pcm()).hasSize(20);
    assertThat(intake.flush()).isNull();
  }
}
