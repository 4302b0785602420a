package dev.rstt.stt.session;

import static dev.rstt.stt.session.Driver.CHUNK_SAMPLES;
import static dev.rstt.stt.session.Driver.c;
import static dev.rstt.stt.session.Driver.chunkAt;
import static dev.rstt.stt.session.Driver.done;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Audio sent again after a gateway took a resumed session over (docs/CONTRACT.md section 10). */
class RepeatsTest {

  private static final long JUMP = 1L << 32;

  @Test
  void aChunkWhollyOnTheTimelineAlreadyIsDoneAndNotSent() {
    Driver d = new Driver().live(); // chunk 0 on stt-1
    d.on(new Input.Chunk(chunkAt(1, CHUNK_SAMPLES), c(1)));
    assertThat(d.on(new Input.Chunk(chunkAt(JUMP + 2, CHUNK_SAMPLES), c(JUMP + 2)))).containsExactly(
        new Effect.RepeatDropped(CHUNK_SAMPLES), done(c(JUMP + 2)));
    assertThat(d.on(new Input.Chunk(chunkAt(JUMP + 3, 2 * CHUNK_SAMPLES), c(JUMP + 3))))
        .as("the next new audio goes on").containsExactly(
            new Effect.SendAudio("stt-1", chunkAt(JUMP + 3, 2 * CHUNK_SAMPLES)));
  }

  @Test
  void aChunkOverlappingTheTimelineIsTrimmedToItsNewAudio() {
    Driver d = new Driver().live(); // chunk 0: [0, 1600)
    byte[] pcm = new byte[CHUNK_SAMPLES * 2];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (byte) (i / 2);
    }
    AudioChunk overlapping = AudioChunk.newBuilder(chunkAt(JUMP, CHUNK_SAMPLES / 2)).setPcm(ByteBuffer.wrap(pcm)).build();
    var effects = d.on(new Input.Chunk(overlapping, c(JUMP)));
    assertThat(effects).hasSize(2);
    assertThat(effects.get(0)).isEqualTo(new Effect.RepeatDropped(CHUNK_SAMPLES / 2));
    AudioChunk sent = ((Effect.SendAudio) effects.get(1)).chunk();
    assertThat(sent.getOffsetSamples()).isEqualTo(CHUNK_SAMPLES);
    assertThat(sent.getSeq()).isEqualTo(JUMP);
    assertThat(sent.getPcm().remaining()).isEqualTo(CHUNK_SAMPLES);
    assertThat(sent.getPcm().get(sent.getPcm().position())).as("the new half's first byte")
        .isEqualTo((byte) (CHUNK_SAMPLES / 2));
  }

  @Test
  void aColdTakeOverAcceptsTheFirstChunkWhereverItStarts() {
    Driver d = new Driver();
    d.on(Driver.startedInput());
    assertThat(d.on(new Input.Chunk(chunkAt(5, 5 * CHUNK_SAMPLES), c(5))))
        .noneMatch(e -> e instanceof Effect.RepeatDropped);
  }
}
