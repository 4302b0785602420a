package dev.rstt.stt.session;

import static dev.rstt.stt.session.Driver.CHUNK_SAMPLES;
import static dev.rstt.stt.session.Driver.RATE;
import static dev.rstt.stt.session.Driver.acked;
import static dev.rstt.stt.session.Driver.chunkInput;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.stt.deepgram.FinalResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A live socket dies after a final whose window ends past the end of its last word: in the pause right before the
 * next word, at its onset or inside it (a Finalize flushes what was sent; the next word would come in a later
 * final). The audio rerouted to audio.degraded must hold that next word whole, with the pause before it
 * (docs/CONTRACT.md section 3): rerouting from the final's end lost it in a bench under load.
 */
class SessionCoreWordBoundaryTest {

  /** The bench timeline: W416 ends at 6.58 s, W417 is 7.00-7.26 s; the final ends at {@code finalEnd}. */
  private static List<Long> reroutedAfterStall(double finalEnd) {
    Driver d = new Driver().live();
    for (int i = 1; i < 73; i++) {
      d.on(chunkInput(i)); // 7.3 s of audio sent at 0 ms
    }
    FinalResult.Word w416 = new FinalResult.Word("w416", "W416.", 6.32, 6.58, 0.9f, 0);
    d.on(new Input.FinalReceived("stt-1", new FinalResult(0, finalEnd, true, List.of(w416))));
    d.on(acked(new AckKey.Segments("stt-1", 0)));
    List<Long> rerouted = new ArrayList<>();
    for (int tick = 0; tick < 10 && rerouted.isEmpty(); tick++) {
      for (Effect e : d.tickAfter(1_000)) {
        if (e instanceof Effect.Publish p && p.key() instanceof AckKey.Reroute r) {
          rerouted.add(r.seq());
        }
      }
    }
    assertThat(d.core.mode()).as("the socket stalled").isEqualTo(SessionMode.DEGRADED);
    return rerouted;
  }

  private static void assertHoldsTheNextWordWhole(List<Long> rerouted) {
    long lastWordEnd = Math.round(6.58 * RATE);
    long nextWordEnd = Math.round(7.26 * RATE);
    assertThat(rerouted).as("rerouted chunks").isNotEmpty();
    assertThat(rerouted.get(0) * CHUNK_SAMPLES).as("the reroute starts at or before the end of W416, the last "
        + "word a final transcribed").isLessThanOrEqualTo(lastWordEnd);
    assertThat((rerouted.get(rerouted.size() - 1) + 1) * CHUNK_SAMPLES).as("and reaches past W417")
        .isGreaterThanOrEqualTo(nextWordEnd);
    for (int i = 1; i < rerouted.size(); i++) {
      assertThat(rerouted.get(i)).as("contiguous").isEqualTo(rerouted.get(i - 1) + 1);
    }
  }

  @Test
  void shouldRerouteTheWordWhoseOnsetTheFinalsWindowReached() {
    assertHoldsTheNextWordWhole(reroutedAfterStall(7.0));
  }

  @Test
  void shouldRerouteTheWordAFinalEndingInsideItLeftOut() {
    assertHoldsTheNextWordWhole(reroutedAfterStall(7.1));
  }

  @Test
  void shouldRerouteThePauseBeforeTheNextWordWhenTheFinalEndsInIt() {
    assertHoldsTheNextWordWhole(reroutedAfterStall(6.9));
  }
}
