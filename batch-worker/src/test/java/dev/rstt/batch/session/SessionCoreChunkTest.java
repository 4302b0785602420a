package dev.rstt.batch.session;

import static dev.rstt.batch.session.Driver.acked;
import static dev.rstt.batch.session.Driver.ackedChunk;
import static dev.rstt.batch.session.Driver.batchFinished;
import static dev.rstt.batch.session.Driver.chunkLost;
import static dev.rstt.batch.session.Driver.done;
import static dev.rstt.batch.session.Driver.endedInput;
import static dev.rstt.batch.session.Driver.failed;
import static dev.rstt.batch.session.Driver.recovered;
import static dev.rstt.batch.session.Driver.resumedInput;
import static dev.rstt.batch.session.Driver.segments;
import static dev.rstt.batch.session.Driver.words;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.batch.deepgram.Transcript;
import dev.rstt.common.deepgram.DeepgramFailure;
import org.junit.jupiter.api.Test;

/**
 * A batch chunk's outcomes (docs/CONTRACT.md section 5), on the core alone: one line per expected effect.
 * Transient failures send it again after a back-off, a permanent one is a chunk_lost; records are done only when
 * the chunks holding them are acknowledged; a revoked partition forgets everything.
 */
class SessionCoreChunkTest {

  private static final Transcript T = words("one", "two");

  @Test
  void shouldSendAChunkAgainAfterABackOffWhileDeepgramFailsTransiently() {
    Driver d = new Driver().tone(500);
    d.feed(0, 4);
    d.on(resumedInput(8_000, "r"));
    assertThat(d.at(100).on(failed("b-1", DeepgramFailure.TRANSIENT))).as("retry-initial-backoff").containsExactly(
        d.transcribe("b-1", 0, 8_000, 0, 0, 1, 600));
    assertThat(d.at(700).on(failed("b-1", DeepgramFailure.TRANSIENT))).as("doubled").containsExactly(
        d.transcribe("b-1", 0, 8_000, 0, 0, 2, 1_700));
    assertThat(d.on(new Input.Transcribed("b-1", T))).containsExactly(segments("b-1", 0, 8_000, T));
    assertThat(d.on(failed("b-1", DeepgramFailure.TRANSIENT))).as("a late answer for a chunk done with").isEmpty();
    assertThat(d.on(ackedChunk("b-1"))).containsExactly(
        done(0), done(1), done(2), done(3), done(4),
        recovered(0, 8_000, 8_000L, 0.5));
  }

  @Test
  void shouldAskForTheChunkInTheLanguageAndWithTheKeytermsItsAudioCarries() {
    Driver d = new Driver().tone(500);
    java.util.List<Effect> effects = new java.util.ArrayList<>();
    for (long seq = 0; seq <= 4; seq++) {
      dev.rstt.avro.AudioChunk chunk = d.chunk(seq);
      chunk.setLanguage("multi");
      chunk.setKeyterms(java.util.List.of("Omi", "tone word"));
      effects.addAll(d.on(new Input.Audio(chunk, Driver.c(seq))));
    }
    effects.addAll(d.on(resumedInput(8_000, "r")));
    assertThat(effects).filteredOn(Effect.Transcribe.class::isInstance).singleElement()
        .satisfies(e -> {
          Effect.Transcribe t = (Effect.Transcribe) e;
          assertThat(t.language()).isEqualTo("multi");
          assertThat(t.keyterms()).containsExactly("Omi", "tone word");
        });
  }

  @Test
  void shouldReportAChunkLostOnAPermanentErrorAndGoOn() {
    Driver d = new Driver().tone(500);
    d.feed(0, 4);
    d.on(endedInput(8_000, "e"));
    assertThat(d.on(failed("b-1", DeepgramFailure.PERMANENT))).containsExactly(
        chunkLost("b-1", 0, 8_000, "HTTP 401"));
    assertThat(d.on(ackedChunk("b-1"))).as("the audio is accounted for: its records are done").containsExactly(
        done(0), done(1), done(2), done(3), done(4),
        batchFinished(0, 8_000, 8_000L));
  }

  @Test
  void shouldHoldARecordSplitBetweenTwoChunksUntilBothAreAcknowledged() {
    Driver d = new Driver().tone(1050).silence(150).tone(400);
    d.feed(0, 10); // the silence starts inside chunk 10
    assertThat(d.on(d.chunkInput(11))).containsExactly(
        Driver.cut("b-1", 0, 18_080, "cut"), // the middle of the silent windows so far: inside chunk 11
        d.transcribe("b-1", 0, 18_080, 0));
    d.feed(12, 15);
    d.on(resumedInput(25_600, "r"));
    d.on(new Input.Transcribed("b-2", T));
    assertThat(d.on(ackedChunk("b-2"))).as("chunk 11 also waits for b-1").containsExactly(
        done(12), done(13), done(14), done(15));
    d.on(new Input.Transcribed("b-1", T));
    assertThat(d.on(ackedChunk("b-1"))).containsExactly(
        done(0), done(1), done(2), done(3), done(4), done(5), done(6), done(7), done(8), done(9), done(10), done(11),
        recovered(0, 25_600, 25_600L, 1.6));
  }

  @Test
  void shouldIgnoreAnswersAboutChunksItDoesNotHold() {
    Driver d = new Driver().tone(500);
    d.feed(0, 4);
    assertThat(d.on(new Input.Transcribed("b-9", T))).isEmpty();
    assertThat(d.on(ackedChunk("b-9"))).isEmpty();
    assertThat(d.on(acked(new AckKey.Recovered(3)))).isEmpty();
  }

  @Test
  void shouldForgetEverythingWithoutMarkingRecordsDoneWhenThePartitionIsRevoked() {
    Driver d = new Driver().tone(1500);
    d.feed(0, 14);
    d.on(resumedInput(24_000, "r"));
    assertThat(d.core.heldBytes()).isEqualTo(24_000 * 2);
    assertThat(d.on(new Input.Revoked())).containsExactly(new Effect.Finished());
    assertThat(d.core.heldBytes()).isZero();
    assertThat(d.on(new Input.Transcribed("b-1", T))).isEmpty();
    assertThat(d.on(ackedChunk("b-1"))).isEmpty();
  }

  @Test
  void shouldForgetASessionWithNothingPendingAfterTheRetention() {
    Driver d = new Driver().tone(500);
    d.feed(0, 4);
    d.on(resumedInput(8_000, "r"));
    d.on(new Input.Transcribed("b-1", T));
    d.on(ackedChunk("b-1"));
    d.on(acked(new AckKey.Recovered(0)));
    assertThat(d.tickAfter(60_000)).isEmpty();
    assertThat(d.tickAfter(1)).containsExactly(new Effect.Finished());
  }

  @Test
  void shouldKeepASessionWithAChunkOutstandingPastTheRetention() {
    Driver d = new Driver().tone(500);
    d.feed(0, 4);
    d.on(resumedInput(8_000, "r"));
    assertThat(d.tickAfter(600_000)).isEmpty();
    assertThat(d.core.finished()).isFalse();
  }
}
