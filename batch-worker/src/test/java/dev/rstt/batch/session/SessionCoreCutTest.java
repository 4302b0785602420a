package dev.rstt.batch.session;

import static dev.rstt.batch.session.Driver.ackedChunk;
import static dev.rstt.batch.session.Driver.cut;
import static dev.rstt.batch.session.Driver.doneChunks;
import static dev.rstt.batch.session.Driver.endedInput;
import static dev.rstt.batch.session.Driver.resumedInput;
import static dev.rstt.batch.session.Driver.segments;
import static dev.rstt.batch.session.Driver.silentSegments;
import static dev.rstt.batch.session.Driver.words;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.batch.deepgram.Transcript;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How degraded audio becomes batch chunks (docs/CONTRACT.md section 5), on the core alone: one line per expected
 * effect. Settings of {@link Driver}: min-chunk 1 s, max-chunk 3 s, quiet-search 1 s, idle-flush 2 s, session-retention
 * 60 s; 16 kHz.
 */
class SessionCoreCutTest {

  @Test
  void shouldCutInTheFirstSilenceOnceTheChunkHoldsMinChunk() {
    Driver d = new Driver().tone(1200).silence(300).tone(1500);
    assertThat(d.feed(0, 11)).as("1.2 s of voice, no silence yet").isEmpty();
    assertThat(d.core.mode()).isEqualTo(SessionMode.DEGRADED);
    assertThat(d.on(d.chunkInput(12))).as("100 ms of silence: cut in its middle").containsExactly(
        cut("b-1", 0, 20_000, "cut"),
        d.transcribe("b-1", 0, 20_000, 0));
    Transcript t = words("one", "two");
    assertThat(d.on(new Input.Transcribed("b-1", t))).containsExactly(segments("b-1", 0, 20_000, t));
    assertThat(d.on(ackedChunk("b-1"))).as("the records wholly in the chunk; c12 is partly buffered")
        .containsExactly(doneChunks(0, 11));
    assertThat(d.feed(13, 29)).as("a silence at the chunk's start is before min-chunk: no cut").isEmpty();
  }

  @Test
  void shouldCutAtTheQuietestWindowBeforeMaxChunkWhenThereIsNoSilence() {
    Driver d = new Driver().tone(2500).tone(20, 1_000).tone(1500); // a quieter (not silent) window at 2.5 s
    assertThat(d.feed(0, 28)).isEmpty();
    assertThat(d.on(d.chunkInput(29))).as("3 s reached: the middle of the quietest window of the last second")
        .containsExactly(
            cut("b-1", 0, 40_160, "cut"),
            d.transcribe("b-1", 0, 40_160, 0));
  }

  @Test
  void shouldFlushEverythingBufferedOnLiveResumedAndOnSessionEnded() {
    Driver d = new Driver().tone(500).tone(500);
    d.feed(0, 4);
    assertThat(d.on(resumedInput(8_000, "r"))).as("stt_recovered waits for the chunk").containsExactly(
        cut("b-1", 0, 8_000, "flush"),
        d.transcribe("b-1", 0, 8_000, 0));
    d.feed(5, 9);
    assertThat(d.on(endedInput(16_000, "e"))).containsExactly(
        cut("b-2", 8_000, 16_000, "flush"),
        d.transcribe("b-2", 8_000, 16_000, 1));
  }

  @Test
  void shouldCutAnIdleSessionOnlyAtItsLastSilenceAndHoldAWordStillArriving() {
    Driver d = new Driver().tone(500).silence(200).tone(400); // the second word stops half way: its rest is late
    d.feed(0, 8);
    assertThat(d.tickAfter(1_999)).isEmpty();
    assertThat(d.tickAfter(1)).as("idle-flush: cut in the last silence").containsExactly(
        cut("b-1", 0, 9_600, "idle"),
        d.transcribe("b-1", 0, 9_600, 0, 0, 0, 2_000));
    assertThat(d.tickAfter(2_000)).as("the next idle period: in the silence left before the half word").containsExactly(
        new Effect.ChunkCut("b-2", 9_600, 10_400, "idle", true),
        silentSegments("b-2", 9_600, 10_400));
    for (int period = 3; period <= 12; period++) {
      assertThat(d.tickAfter(2_000)).as("idle period %d: the half word is held, not cut", period).isEmpty();
    }
    assertThat(d.feed(9, 10)).as("the rest of the word, after the stall").isEmpty();
    assertThat(d.on(endedInput(17_600, "e"))).as("the word whole in one chunk").containsExactly(
        cut("b-3", 10_400, 17_600, "flush"),
        d.transcribe("b-3", 10_400, 17_600, 2, 0, 0, 24_000));
  }

  @Test
  void shouldHoldAWordWhoseAudioStopsInAPauseInsideIt() {
    // the second word stops in a 20 ms pause between two of its sounds, on a chunk boundary (the broker froze
    // there): a quiet end shorter than min-silence is part of the word, not the silence after it
    Driver d = new Driver().tone(500).silence(200).tone(80).silence(20).tone(200);
    d.feed(0, 7);
    assertThat(d.tickAfter(1_999)).isEmpty();
    assertThat(d.tickAfter(1)).as("idle-flush: cut in the last pause of min-silence, not at the inner pause")
        .containsExactly(
            cut("b-1", 0, 9_600, "idle"),
            d.transcribe("b-1", 0, 9_600, 0, 0, 0, 2_000));
    assertThat(d.tickAfter(2_000)).as("the next idle period: in the silence left before the word").containsExactly(
        new Effect.ChunkCut("b-2", 9_600, 10_400, "idle", true),
        silentSegments("b-2", 9_600, 10_400));
    for (int period = 3; period <= 12; period++) {
      assertThat(d.tickAfter(2_000)).as("idle period %d: the word is held, not cut", period).isEmpty();
    }
    assertThat(d.feed(8, 9)).as("the rest of the word, after the stall").isEmpty();
    assertThat(d.on(endedInput(16_000, "e"))).as("the word whole in one chunk").containsExactly(
        cut("b-3", 10_400, 16_000, "flush"),
        d.transcribe("b-3", 10_400, 16_000, 2, 0, 0, 24_000));
  }

  @Test
  void shouldFlushATailWithoutSilenceWholeOnlyAfterTwiceTheSessionRetention() {
    BatchSettings retention5s = new BatchSettings(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMillis(20),
        Duration.ofMillis(100), 500, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofMillis(500), 2.0, 0.5, Duration.ofSeconds(30));
    Driver d = new Driver(retention5s).tone(500); // a word, then nothing: no LiveResumed, no SessionEnded ever
    d.feed(0, 4);
    for (int period = 1; period <= 4; period++) {
      assertThat(d.tickAfter(2_000)).as("idle period %d: no silence to cut in", period).isEmpty();
    }
    assertThat(d.core.finished()).as("held audio keeps the session past its retention").isFalse();
    assertThat(d.tickAfter(2_000)).as("10 s idle, twice session-retention: the tail whole").containsExactly(
        cut("b-1", 0, 8_000, "idle"),
        d.transcribe("b-1", 0, 8_000, 0, 0, 0, 10_000));
    Transcript t = words("one");
    assertThat(d.on(new Input.Transcribed("b-1", t))).containsExactly(segments("b-1", 0, 8_000, t));
    assertThat(d.on(ackedChunk("b-1"))).containsExactly(doneChunks(0, 4));
    assertThat(d.tickAfter(1)).as("nothing left: forgotten").containsExactly(new Effect.Finished());
  }

  @Test
  void shouldFlushAnIdleSessionWholeWhenItsAudioEndsInSilence() {
    Driver d = new Driver().tone(800).silence(100); // the pause ends before min-chunk: no cut while reading
    assertThat(d.feed(0, 8)).isEmpty();
    assertThat(d.tickAfter(2_000)).as("nothing of a word can be late: everything, in one chunk").containsExactly(
        cut("b-1", 0, 14_400, "idle"),
        d.transcribe("b-1", 0, 14_400, 0, 0, 0, 2_000));
  }

  @Test
  void shouldNotCountTheWorkersOwnPauseAsIdleTime() {
    Driver d = new Driver().tone(800).silence(100);
    d.feed(0, 8);
    assertThat(d.on(new Input.ConsumptionPaused())).isEmpty();
    assertThat(d.tickAfter(5_000)).as("no idle flush while the worker does not read").isEmpty();
    assertThat(d.on(new Input.ConsumptionResumed())).isEmpty();
    assertThat(d.tickAfter(1_999)).as("the idle clock starts again").isEmpty();
    assertThat(d.tickAfter(1)).containsExactly(
        cut("b-1", 0, 14_400, "idle"),
        d.transcribe("b-1", 0, 14_400, 0, 0, 0, 7_000));
  }

  @Test
  void shouldCutAtAGapInTheTimeline() {
    Driver d = new Driver().tone(1000);
    d.feed(0, 4);
    assertThat(d.on(d.chunkInput(8))).as("chunks 5-7 never came").containsExactly(
        cut("b-1", 0, 8_000, "gap"),
        d.transcribe("b-1", 0, 8_000, 0));
    assertThat(d.on(resumedInput(14_400, "r"))).containsExactly(
        cut("b-2", 12_800, 14_400, "flush"),
        d.transcribe("b-2", 12_800, 14_400, 1));
  }

  @Test
  void shouldPublishASilentChunkWithoutCallingDeepgram() {
    Driver d = new Driver().silence(500);
    d.feed(0, 4);
    assertThat(d.on(resumedInput(8_000, "r"))).containsExactly(
        new Effect.ChunkCut("b-1", 0, 8_000, "flush", true),
        silentSegments("b-1", 0, 8_000));
  }

  @Test
  void shouldForceACutAtTheLastSilenceWhenTheWorkerIsAtItsMemoryCap() {
    Driver d = new Driver().tone(300).silence(100).tone(100);
    d.feed(0, 4);
    assertThat(d.core.oldestBufferedAt()).isZero();
    assertThat(d.on(new Input.ForceCut())).containsExactly(
        cut("b-1", 0, 5_600, "forced"),
        d.transcribe("b-1", 0, 5_600, 0));
    assertThat(d.core.heldBytes()).as("the chunk and the rest of the buffer").isEqualTo(8_000 * 2);
  }

  @Test
  void shouldFlushWhenTheAudioFormatChanges() {
    Driver d = new Driver().tone(600);
    d.feed(0, 4);
    var narrow = dev.rstt.avro.AudioChunk.newBuilder(d.chunk(5)).setSampleRate(8_000)
        .setPcm(ByteBuffer.wrap(new byte[1_600])).build();
    assertThat(d.on(new Input.Audio(narrow, new Driver.Ref("c5")))).containsExactly(
        cut("b-1", 0, 8_000, "flush"),
        d.transcribe("b-1", 0, 8_000, 0));
  }
}
