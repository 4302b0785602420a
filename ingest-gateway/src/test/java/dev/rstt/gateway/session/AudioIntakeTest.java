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

  @Test
  void chunksAreCutBetweenMessagesAndNameTheMessagesTheyComplete() {
    AudioIntake intake = new AudioIntake(new ChunkAggregator(100));
    intake.add(new byte[60], 0); // message 0
    AudioIntake.Added second = intake.add(new byte[60], 1); // message 1 does not fit: message 0 alone is cut
    assertThat(second.ready()).singleElement().satisfies(c -> {
      assertThat(c.framesStart()).isZero();
      assertThat(c.framesEnd()).isEqualTo(1);
    });
    intake.add(new byte[0], 2); // message 2: an undecodable frame still counts
    AudioIntake.Added fourth = intake.add(new byte[40], 3); // message 3 fills the chunk
    assertThat(fourth.ready()).singleElement().satisfies(c -> {
      assertThat(c.pcm()).hasSize(100);
      assertThat(c.framesStart()).isEqualTo(1);
      assertThat(c.framesEnd()).isEqualTo(4);
    });
    AudioIntake.Added big = intake.add(new byte[250], 4); // larger than a chunk: one chunk by itself
    assertThat(big.ready()).singleElement().satisfies(c -> {
      assertThat(c.framesStart()).isEqualTo(4);
      assertThat(c.framesEnd()).isEqualTo(5);
    });
  }

  @Test
  void aChunkEndingWhereTheDecoderHeldBytesBackIsNoResumePoint() {
    AudioIntake intake = new AudioIntake(new ChunkAggregator(100), 7);
    intake.add(new byte[30], 0, false); // message 7: half a sample frame carried over
    AudioIntake.Chunk unclean = intake.flush();
    assertThat(unclean.framesStart()).isEqualTo(7);
    assertThat(unclean.framesEnd()).isNull();
    intake.add(new byte[30], 1, true); // message 8 completes it
    AudioIntake.Chunk clean = intake.flush();
    assertThat(clean.framesStart()).isEqualTo(8);
    assertThat(clean.framesEnd()).isEqualTo(9);
  }
}
