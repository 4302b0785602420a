package dev.rstt.batch.session;

import static dev.rstt.batch.session.Driver.acked;
import static dev.rstt.batch.session.Driver.ackedChunk;
import static dev.rstt.batch.session.Driver.batchFinished;
import static dev.rstt.batch.session.Driver.cut;
import static dev.rstt.batch.session.Driver.done;
import static dev.rstt.batch.session.Driver.doneChunks;
import static dev.rstt.batch.session.Driver.endedInput;
import static dev.rstt.batch.session.Driver.recovered;
import static dev.rstt.batch.session.Driver.resumedInput;
import static dev.rstt.batch.session.Driver.segments;
import static dev.rstt.batch.session.Driver.words;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.LiveResumed;
import dev.rstt.batch.deepgram.Transcript;
import org.junit.jupiter.api.Test;

/**
 * Episodes and their statuses (docs/CONTRACT.md section 5), on the core alone: one line per expected effect.
 * stt_recovered and batch_finished wait for every chunk cut before them; redelivered audio is skipped within an
 * episode; a new episode's audio is taken even before the last resume offset.
 */
class SessionCoreEpisodeTest {

  private static final Transcript T = words("one");

  @Test
  void shouldAnnounceSttRecoveredOnlyAfterTheFlushedChunksAreAcknowledged() {
    Driver d = new Driver().tone(500);
    d.feed(0, 4);
    d.on(resumedInput(8_000, "r"));
    assertThat(d.on(new Input.Transcribed("b-1", T))).containsExactly(segments("b-1", 0, 8_000, T));
    assertThat(d.on(ackedChunk("b-1"))).containsExactly(
        done(0), done(1), done(2), done(3), done(4),
        recovered(0, 8_000, 8_000L, 0.5));
    assertThat(d.core.mode()).isEqualTo(SessionMode.WAITING);
    assertThat(d.on(acked(new AckKey.Recovered(0)))).as("the LiveResumed record").containsExactly(done("r"));
  }

  @Test
  void shouldNotHoldAStatusForChunksCutAfterIt() {
    Driver d = new Driver().tone(500).tone(1000).silence(200);
    d.feed(0, 4);
    d.on(resumedInput(8_000, "r"));
    assertThat(d.feed(5, 15)).as("the next episode: cut at its first silence past 1 s").containsExactly(
        cut("b-2", 8_000, 24_800, "cut"),
        d.transcribe("b-2", 8_000, 24_800, 1));
    d.on(new Input.Transcribed("b-2", T));
    assertThat(d.on(ackedChunk("b-2"))).as("stt_recovered still waits for b-1").containsExactly(doneChunks(5, 14));
    d.on(new Input.Transcribed("b-1", T));
    assertThat(d.on(ackedChunk("b-1"))).containsExactly(
        done(0), done(1), done(2), done(3), done(4),
        recovered(0, 8_000, 8_000L, 0.5));
  }

  @Test
  void shouldFinishTheSessionAfterBatchFinishedIsAcknowledged() {
    Driver d = new Driver().tone(500);
    d.feed(0, 4);
    d.on(endedInput(8_000, "e"));
    assertThat(d.core.mode()).isEqualTo(SessionMode.ENDING);
    d.on(new Input.Transcribed("b-1", T));
    assertThat(d.on(ackedChunk("b-1"))).containsExactly(
        done(0), done(1), done(2), done(3), done(4),
        batchFinished(0, 8_000, 8_000L));
    assertThat(d.on(acked(new AckKey.BatchFinished(0)))).containsExactly(
        done("e"),
        new Effect.Finished());
    assertThat(d.core.finished()).isTrue();
    assertThat(d.on(d.chunkInput(2))).as("nothing after the end").isEmpty();
  }

  @Test
  void shouldSkipRedeliveredAudioAndTrimAPartialOverlapWithinAnEpisode() {
    Driver d = new Driver().tone(600);
    d.feed(0, 4);
    assertThat(d.on(d.chunkInput(3, "c3 again"))).containsExactly(
        new Effect.DuplicateSkipped(3, 4_800, 6_400),
        done("c3 again"));
    assertThat(d.on(new Input.Audio(d.audio(5, 7_200, 9_600), Driver.c(5)))).as("only [8000, 9600) is new")
        .isEmpty();
    assertThat(d.on(resumedInput(9_600, "r"))).as("the tape once, without the copy").containsExactly(
        cut("b-1", 0, 9_600, "flush"),
        d.transcribe("b-1", 0, 9_600, 0));
  }

  /**
   * A recovery connection got the overlap before S and died before finalising the word S cuts (docs/CONTRACT.md
   * section 4): the next episode begins with that overlap again, and it is transcribed, not skipped.
   */
  @Test
  void shouldTakeANewEpisodesAudioThatBeginsBeforeTheLastResumeOffset() {
    Driver d = new Driver().tone(2000);
    d.feed(0, 9);
    assertThat(d.on(resumedInput(16_000, "r"))).containsExactly(
        cut("b-1", 0, 16_000, "flush"),
        d.transcribe("b-1", 0, 16_000, 0));
    for (long seq = 6; seq <= 9; seq++) {
      assertThat(d.on(d.chunkInput(seq, "c" + seq + "'"))).as("overlap chunk %d: a new episode's", seq).isEmpty();
    }
    assertThat(d.core.episodeStart()).isEqualTo(9_600);
    assertThat(d.on(d.chunkInput(9, "c9''"))).as("but a redelivery within the new episode").containsExactly(
        new Effect.DuplicateSkipped(9, 14_400, 16_000),
        done("c9''"));
    d.feed(10, 19);
    assertThat(d.on(endedInput(32_000, "e"))).containsExactly(
        cut("b-2", 9_600, 32_000, "flush"),
        d.transcribe("b-2", 9_600, 32_000, 1));
    d.on(new Input.Transcribed("b-1", T));
    d.on(new Input.Transcribed("b-2", T));
    assertThat(d.on(ackedChunk("b-2"))).containsExactly(
        done("c6'"), done("c7'"), done("c8'"), done("c9'"),
        done(10), done(11), done(12), done(13), done(14), done(15), done(16), done(17), done(18), done(19));
    assertThat(d.on(ackedChunk("b-1"))).as("each status says where its episode's audio ended").containsExactly(
        done(0), done(1), done(2), done(3), done(4), done(5), done(6), done(7), done(8), done(9),
        recovered(0, 16_000, 16_000L, 1.0),
        batchFinished(1, 32_000, 32_000L));
  }

  @Test
  void shouldRecoverAColdTakeOverWithNothingBufferedAtOnce() {
    Driver d = new Driver();
    LiveResumed cold = LiveResumed.newBuilder(resumedInput(48_000, "r").record()).setColdTakeover(true).build();
    assertThat(d.on(new Input.Resumed(cold, new Driver.Ref("r")))).as("no degraded audio: degraded_to null")
        .containsExactly(recovered(0, 48_000, null, 0.0));
    assertThat(d.on(acked(new AckKey.Recovered(0)))).containsExactly(done("r"));
  }

  @Test
  void shouldReportDegradedAudioPastTheResumeOffsetAfterAColdTakeOverThatResumedBeforeIt() {
    Driver d = new Driver().silence(1000).tone(1000);
    d.feed(10, 19); // the previous owner's rerouted audio [1 s, 2 s)
    LiveResumed cold = LiveResumed.newBuilder(resumedInput(8_000, "r").record()).setColdTakeover(true).build();
    assertThat(d.on(new Input.Resumed(cold, new Driver.Ref("r")))).containsExactly(
        cut("b-1", 16_000, 32_000, "flush"),
        d.transcribe("b-1", 16_000, 32_000, 0));
    d.on(new Input.Transcribed("b-1", T));
    assertThat(d.on(ackedChunk("b-1"))).containsExactly(
        done(10), done(11), done(12), done(13), done(14), done(15), done(16), done(17), done(18), done(19),
        recovered(0, 8_000, 32_000L, 0.0));
  }

  @Test
  void shouldSendEveryStatusInOrderOnceItsChunksAreAcknowledged() {
    Driver d = new Driver().tone(1000);
    d.feed(0, 4);
    d.on(resumedInput(8_000, "r"));
    d.feed(5, 9);
    d.on(endedInput(16_000, "e"));
    d.on(new Input.Transcribed("b-2", T));
    assertThat(d.on(ackedChunk("b-2"))).as("batch_finished must not overtake stt_recovered").containsExactly(
        doneChunks(5, 9));
    d.on(new Input.Transcribed("b-1", T));
    assertThat(d.on(ackedChunk("b-1"))).containsExactly(
        done(0), done(1), done(2), done(3), done(4),
        recovered(0, 8_000, 8_000L, 0.5),
        batchFinished(1, 16_000, 16_000L));
    assertThat(d.on(acked(new AckKey.BatchFinished(1)))).containsExactly(done("e"));
    assertThat(d.on(acked(new AckKey.Recovered(0)))).containsExactly(done("r"), new Effect.Finished());
  }

  /**
   * An STT worker that took the session over re-routes from its committed offset, before this episode: the chunks
   * there were on a live connection that died with the previous owner. Skipping them as redeliveries (everything
   * before the last accepted sample) lost them; the episode starts afresh there instead.
   */
  @Test
  void shouldTranscribeAgainFromAReplayThatStartsBeforeTheEpisode() {
    Driver d = new Driver().tone(2000);
    assertThat(d.feed(5, 9)).isEmpty();
    assertThat(d.on(d.chunkInput(2))).as("chunk 2 was never here: the episode restarts at it").containsExactly(
        cut("b-1", 8_000, 16_000, "replay"),
        d.transcribe("b-1", 8_000, 16_000, 0));
    assertThat(d.core.episodeStart()).isEqualTo(3_200);
    for (long seq = 3; seq <= 12; seq++) {
      assertThat(d.on(d.chunkInput(seq, "c" + seq + "'"))).as("chunk %d taken again", seq).isEmpty();
    }
    assertThat(d.on(resumedInput(20_800, "r"))).containsExactly(
        cut("b-2", 3_200, 20_800, "flush"),
        d.transcribe("b-2", 3_200, 20_800, 1));
    d.on(new Input.Transcribed("b-1", T));
    d.on(new Input.Transcribed("b-2", T));
    d.on(ackedChunk("b-1"));
    assertThat(d.on(ackedChunk("b-2"))).as("degraded from the replay's first sample").containsExactly(
        done(2), done("c3'"), done("c4'"), done("c5'"), done("c6'"), done("c7'"), done("c8'"), done("c9'"),
        done("c10'"), done("c11'"), done("c12'"),
        recovered(0, 20_800, 20_800L, 1.1));
  }

  @Test
  void shouldTranscribeAReplayIntoAGapOfTheEpisode() {
    Driver d = new Driver().tone(2000);
    d.feed(0, 4);
    assertThat(d.on(d.chunkInput(10))).as("chunks 5-9 missing").containsExactly(
        cut("b-1", 0, 8_000, "gap"),
        d.transcribe("b-1", 0, 8_000, 0));
    d.feed(11, 12);
    assertThat(d.on(d.chunkInput(3, "c3'"))).as("all there: a redelivery").containsExactly(
        new Effect.DuplicateSkipped(3, 4_800, 6_400),
        done("c3'"));
    assertThat(d.on(d.chunkInput(6))).as("into the gap: the episode restarts at it").containsExactly(
        cut("b-2", 16_000, 20_800, "replay"),
        d.transcribe("b-2", 16_000, 20_800, 1));
    assertThat(d.core.episodeStart()).as("the episode still began at 0").isZero();
    d.feed(7, 9);
    d.on(d.chunkInput(10, "c10'"));
    assertThat(d.on(endedInput(17_600, "e"))).containsExactly(
        cut("b-3", 9_600, 17_600, "flush"),
        d.transcribe("b-3", 9_600, 17_600, 2));
    for (String stt : new String[] {"b-1", "b-2", "b-3"}) {
      d.on(new Input.Transcribed(stt, T));
      d.on(ackedChunk(stt));
    }
    assertThat(d.core.mode()).isEqualTo(SessionMode.ENDING);
    assertThat(d.on(ackedChunk("b-3"))).isEmpty();
    d.on(acked(new AckKey.BatchFinished(0)));
    assertThat(d.core.finished()).isTrue();
  }

  @Test
  void shouldReportTheFurthestDegradedAudioOfAnEpisodeWhoseReplayStoppedShortOfIt() {
    Driver d = new Driver().tone(2000);
    d.feed(5, 12);
    d.on(d.chunkInput(2));
    d.feed(3, 6);
    d.on(resumedInput(11_200, "r")); // the take-over went live again before the audio already re-routed
    d.on(new Input.Transcribed("b-1", T));
    d.on(new Input.Transcribed("b-2", T));
    d.on(ackedChunk("b-1"));
    assertThat(d.on(ackedChunk("b-2"))).as("degraded to the end of chunk 12, not of the replay")
        .endsWith(recovered(0, 11_200, 20_800L, 0.5));
  }

  @Test
  void shouldTakeATakeOversReplayAfterSessionEndedAsANewEpisode() {
    Driver d = new Driver().tone(1000);
    d.feed(0, 9);
    d.on(endedInput(16_000, "e"));
    assertThat(d.on(d.chunkInput(5, "c5'"))).as("not a redelivery: a new owner re-routes the tail").isEmpty();
    for (long seq = 6; seq <= 9; seq++) {
      d.on(d.chunkInput(seq, "c" + seq + "'"));
    }
    assertThat(d.on(endedInput(16_000, "e'"))).containsExactly(
        cut("b-2", 8_000, 16_000, "flush"),
        d.transcribe("b-2", 8_000, 16_000, 1));
    d.on(new Input.Transcribed("b-1", T));
    d.on(new Input.Transcribed("b-2", T));
    assertThat(d.on(ackedChunk("b-2"))).containsExactly(done("c5'"), done("c6'"), done("c7'"), done("c8'"),
        done("c9'"));
    assertThat(d.on(ackedChunk("b-1"))).containsExactly(
        done(0), done(1), done(2), done(3), done(4), done(5), done(6), done(7), done(8), done(9),
        batchFinished(0, 16_000, 16_000L),
        batchFinished(1, 16_000, 16_000L));
  }
}
