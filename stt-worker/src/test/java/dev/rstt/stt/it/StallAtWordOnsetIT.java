package dev.rstt.stt.it;

import static dev.rstt.stt.it.LiveSessionIT.assertEveryWordExactlyOnce;
import static dev.rstt.stt.it.LiveSessionIT.gauge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.StatusChanged;
import dev.rstt.common.audio.Pcm;
import dev.rstt.stt.it.Harness.GatewaySession;
import dev.rstt.stt.it.Harness.Heard;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * RELIABILITY.md F10 on real parts (the worker, a real broker, the emulator): a live final whose window ends at the
 * onset of the next word without it (a {@code Finalize} flush while that word is in progress: the emulator ends the
 * window at the word's start and keeps the word for a later final), then the socket stalls. The reroute must start
 * at or before the end of the last word the live path transcribed, so the rerouted audio holds the next word with
 * audio before its onset (the recognizer takes a tone at the very first sample of its audio for one cut). On the old
 * rule (live chunks done below the acknowledged cursor) both tests fail: the reroute starts at 7.000 s.
 */
class StallAtWordOnsetIT {

  private static final int RATE = Harness.RATE;
  /** The onset of w417, on a chunk boundary, as in the bench session of F10 (7.00-7.26 s). */
  private static final double ONSET = 7.0;
  private static final String BOUNDARY_WORD = "w417";
  private static final String LAST_LIVE_WORD = "w416";

  /**
   * Tone words w408..w421 of 0.26 s (0.28 s with their trailing zeros) and 0.42 s pauses, the first at 0.7 s: every
   * onset lies on a 100 ms chunk boundary, w417 at 7.00 s, w416 ends at 6.56 s.
   */
  static ToneScript script() {
    ToneScript.Builder b = ToneScript.builder(RATE).silence(700);
    for (int i = 0; i < 14; i++) {
      if (i > 0) {
        b.silence(420);
      }
      b.word(i % 3, String.format("%03d", 408 + i));
    }
    return b.silence(500).build();
  }

  @Test
  void shouldRerouteFromTheEndOfTheLastLiveWordWhenAFinalEndedAtTheNextWordsOnsetAndTheSocketStalled()
      throws Exception {
    try (Harness h = new Harness("f10onset", 2)) {
      // finals come only from the worker's Finalize (no endpoint inside a 0.42 s pause), one second after audio
      // was sent: the whole first burst is on the socket by then, so the Finalize meets w417 in progress
      ConfigurableApplicationContext worker = h.startWorker(Map.of(
          "rstt.stt.deepgram.endpointing", "2s",
          "rstt.stt.finalize-after", "1s"));
      ToneScript script = script();
      ToneScript.ExpectedWord boundary = word(script, BOUNDARY_WORD);
      ToneScript.ExpectedWord lastLive = word(script, LAST_LIVE_WORD);
      assertThat(boundary.start()).as("script: w417's onset on a chunk boundary").isEqualTo(ONSET);
      long onsetSamples = boundary.startSample();

      GatewaySession s = h.session(script);
      s.start();
      int boundaryChunk = s.chunkIndexAt(ONSET);
      assertThat(s.chunks.get(boundaryChunk).getOffsetSamples()).isEqualTo(onsetSamples);
      s.sendUntil(boundaryChunk + 1); // up to 7.1 s: w417's first tone heard, the word in progress

      // 1. the live socket's Finalize answer: a final ending at w417's onset, with w416 as its last word
      await().alias("a live final reaching w417's onset").atMost(Duration.ofSeconds(20))
          .until(() -> h.segments(s.id).stream().anyMatch(sp -> sp.getCoveredToSamples() >= onsetSamples));
      List<SegmentsProduced> firstLive = h.segments(s.id);
      SegmentsProduced reaching = firstLive.stream().filter(sp -> sp.getCoveredToSamples() >= onsetSamples)
          .findFirst().orElseThrow();
      assertThat(reaching.getCoveredToSamples())
          .as("F10 timeline: the final's window ends at w417's onset (%d), at most 2 ms inside it", onsetSamples)
          .isBetween(onsetSamples, onsetSamples + RATE / 500);
      String firstConnection = reaching.getSttSession();
      List<Heard> liveBefore = h.liveWords(s.id);
      assertThat(liveBefore).as("live words before the stall").extracting(Heard::text)
          .containsExactlyElementsOf(script.words().stream().filter(e -> e.start() < ONSET)
              .map(ToneScript.ExpectedWord::text).toList());
      Heard lastLiveHeard = liveBefore.get(liveBefore.size() - 1);
      assertThat(lastLiveHeard.text()).isEqualTo(LAST_LIVE_WORD);
      assertThat(lastLiveHeard.end()).isCloseTo(lastLive.end(), LiveSessionIT.within50ms());

      // 2. the socket stalls (audio accepted, nothing answered) while the gateway keeps sending
      h.putFaults("{\"live\":{\"stall\":true}}");
      int resumeChunk = s.chunkIndexAt(9.0);
      s.sendUntil(resumeChunk);
      await().atMost(Duration.ofSeconds(15)).until(() -> h.statusNames(s.id).contains("stt_degraded"));
      StatusChanged degraded = h.statuses(s.id).stream().filter(c -> c.getStatus().equals("stt_degraded"))
          .findFirst().orElseThrow();
      assertThat(degraded.getMetadata()).containsEntry("reason", "stalled");
      assertThat(degraded.getSttSession()).isEqualTo(firstConnection);
      await().atMost(Duration.ofSeconds(15)).until(() -> !h.rerouted(s.id).isEmpty()
          && h.rerouted(s.id).get(h.rerouted(s.id).size() - 1).getSeq() == resumeChunk - 1);

      // 3. what the worker published covers every word so far whole: the reroute starts at or before the end of
      // the last live word, and w417 lies inside the rerouted audio with audio before its onset
      List<double[]> runs = assertRerouteHoldsTheWord(h.rerouted(s.id), lastLiveHeard, boundary);
      assertThat(runs).as("rerouted audio: one contiguous run").hasSize(1);
      assertThat(runs.get(0)[1]).as("the rerouted run holds %s to its end", BOUNDARY_WORD)
          .isGreaterThan(boundary.end() + 0.01);
      assertCoveredWhole(script, liveBefore, runs, resumeChunk * Harness.CHUNK_MS / 1000.0);
      assertThat(h.liveWords(s.id)).as("the stalled socket transcribed nothing more").extracting(Heard::text)
          .containsExactlyElementsOf(liveBefore.stream().map(Heard::text).toList());

      // 4. Deepgram answers again: the session resumes live, ends, and every word is heard once (the rerouted
      // audio transcribed by the emulator's pre-recorded endpoint, as the batch worker does)
      h.clearFaults();
      await().atMost(Duration.ofSeconds(15)).until(() -> gauge(worker, "rstt.stt.live.sockets") == 1);
      s.end();
      await().atMost(Duration.ofSeconds(30)).until(() -> h.statusNames(s.id).contains("live_finished"));
      List<Heard> batch = h.batchWords(s.id);
      assertThat(Harness.matches(boundary, batch)).as("%s in the rerouted audio's transcript: %s", BOUNDARY_WORD,
          Harness.describe(batch)).hasSize(1);
      assertCoveredWhole(script, h.liveWords(s.id), runs(h.rerouted(s.id)), script.durationSeconds());
      assertEveryWordExactlyOnce(script, h.liveWords(s.id), batch);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
    }
  }

  /**
   * The bench's settings (endpointing 100 ms): w416 comes in its own endpointed final (to about 6.66 s); the
   * Finalize that meets w417 in progress gets an empty final ending at its onset (no record, covered at once). The
   * gateway then sends nothing for longer than the stall timeout (the app's audio paused mid-word), so the socket,
   * holding w417 unfinished, answers nothing more and the worker declares it stalled.
   */
  @Test
  void shouldRerouteFromTheEndOfTheLastLiveWordWhenAnEmptyFinalEndedAtTheNextWordsOnsetAndTheSocketWentQuiet()
      throws Exception {
    try (Harness h = new Harness("f10empty", 2)) {
      ConfigurableApplicationContext worker = h.startWorker(Map.of());
      ToneScript script = script();
      ToneScript.ExpectedWord boundary = word(script, BOUNDARY_WORD);
      GatewaySession s = h.session(script);
      s.start();
      s.sendUntil(s.chunkIndexAt(ONSET) + 1);

      await().atMost(Duration.ofSeconds(20)).until(() -> h.liveWords(s.id).stream()
          .anyMatch(w -> w.text().equals(LAST_LIVE_WORD)));
      await().atMost(Duration.ofSeconds(15)).until(() -> h.statusNames(s.id).contains("stt_degraded"));
      StatusChanged degraded = h.statuses(s.id).stream().filter(c -> c.getStatus().equals("stt_degraded"))
          .findFirst().orElseThrow();
      assertThat(degraded.getMetadata()).containsEntry("reason", "stalled");
      List<Heard> liveBefore = h.liveWords(s.id);
      assertThat(liveBefore).extracting(Heard::text).containsExactlyElementsOf(script.words().stream()
          .filter(e -> e.start() < ONSET).map(ToneScript.ExpectedWord::text).toList());
      assertThat(h.segments(s.id)).as("no final with words reached w417's onset").allSatisfy(sp ->
          assertThat(sp.getCoveredToSamples()).isLessThan(boundary.startSample()));
      await().atMost(Duration.ofSeconds(15)).until(() -> !h.rerouted(s.id).isEmpty());
      assertRerouteHoldsTheWord(h.rerouted(s.id), liveBefore.get(liveBefore.size() - 1), boundary);

      await().atMost(Duration.ofSeconds(15)).until(() -> gauge(worker, "rstt.stt.live.sockets") == 1);
      s.end();
      await().atMost(Duration.ofSeconds(30)).until(() -> h.statusNames(s.id).contains("live_finished"));
      assertCoveredWhole(script, h.liveWords(s.id), runs(h.rerouted(s.id)), script.durationSeconds());
      assertEveryWordExactlyOnce(script, h.liveWords(s.id), h.batchWords(s.id));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
    }
  }

  /**
   * The reroute starts at or before the end of the last live word, and the word after it has its onset inside
   * the rerouted audio with audio before it. Returns the rerouted runs.
   */
  private static List<double[]> assertRerouteHoldsTheWord(List<AudioChunk> rerouted, Heard lastLive,
      ToneScript.ExpectedWord next) {
    List<double[]> runs = runs(rerouted);
    double from = runs.get(0)[0];
    assertThat(from).as("the reroute after the stall starts at %.3f s, after the end of %s (%.3f s), the last word "
            + "the live socket transcribed: %s at %.3f s reaches the degraded path with no audio before its onset "
            + "and is lost (F10)", from, lastLive.text(), lastLive.end(), next.text(), next.start())
        .isLessThanOrEqualTo(lastLive.end());
    assertThat(runs).as("%s's onset (%.3f s) inside the rerouted audio with audio before it: %s", next.text(),
        next.start(), describe(runs)).anyMatch(r -> r[0] < next.start() - 0.01 && r[1] > next.start());
    return runs;
  }

  /**
   * Every word ending before {@code until} is transcribed live (by any connection) or lies whole, with audio on
   * both sides, in one contiguous run of rerouted audio.
   */
  private static void assertCoveredWhole(ToneScript script, List<Heard> live, List<double[]> runs, double until) {
    for (ToneScript.ExpectedWord e : script.words()) {
      if (e.end() < until) {
        boolean heardLive = !Harness.matches(e, live).isEmpty();
        boolean whole = runs.stream().anyMatch(r -> r[0] < e.start() - 0.001 && r[1] > e.end() + 0.001);
        assertThat(heardLive || whole).as("%s at %.3f-%.3f s: transcribed live (%s) or whole in the rerouted "
            + "audio (%s)", e.text(), e.start(), e.end(), Harness.describe(live), describe(runs)).isTrue();
      }
    }
  }

  private static String describe(List<double[]> runs) {
    return runs.stream().map(r -> String.format("[%.3f, %.3f)", r[0], r[1])).toList().toString();
  }

  private static ToneScript.ExpectedWord word(ToneScript script, String text) {
    return script.words().stream().filter(e -> e.text().equals(text)).findFirst().orElseThrow();
  }

  /** The rerouted chunks as contiguous runs of the session timeline, {@code [from, to)} in seconds. */
  private static List<double[]> runs(List<AudioChunk> rerouted) {
    List<AudioChunk> bySeq = new ArrayList<>(rerouted);
    bySeq.sort(Comparator.comparingLong(AudioChunk::getSeq));
    List<double[]> out = new ArrayList<>();
    for (AudioChunk c : bySeq) {
      double from = c.getOffsetSamples() / (double) RATE;
      double to = (c.getOffsetSamples() + Pcm.frames(c.getPcm().remaining(), 1)) / (double) RATE;
      if (!out.isEmpty() && Math.abs(out.get(out.size() - 1)[1] - from) < 1e-9) {
        out.get(out.size() - 1)[1] = to;
      } else if (out.isEmpty() || to > out.get(out.size() - 1)[1]) {
        out.add(new double[] {from, to});
      }
    }
    return out;
  }
}
