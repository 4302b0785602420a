package dev.rstt.merger.topology;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.tone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flapping session on the production topology (CONTRACT.md 6.5, 6.6), in the partition order an end-to-end
 * run produced: live sockets dying 300 ms after opening, pre-recorded answers taking ~4 s, so each episode's
 * stt_recovered arrives after the next episodes opened. The app must get one stt_degraded, one stt_recovered
 * after the last batch segment, and complete only then.
 */
class FlappingEpisodesTopologyTest {

  static final String S = "01SESSION0000000000000000A";

  @RegisterExtension
  final MergerHarness h = new MergerHarness();

  private static long at(double seconds) {
    return Math.round(seconds * 16000);
  }

  private static SegmentsProduced live(String stt, long seq, String word, double start) {
    return produced(S, stt, seq, segment("SPEAKER_0", tone(word, start)));
  }

  private static SegmentsProduced batch(String stt, String word, double start) {
    return produced(S, stt, 0, "batch", "deepgram", segment("SPEAKER_0", tone(word, start)));
  }

  private static String describe(SessionUpdate u) {
    String what = u.getStatus() != null ? u.getStatus().getStatus()
        : u.getSegments().stream().map(s -> s.getText()).toList().toString();
    return what + (u.getComplete() ? " complete" : "");
  }

  @Test
  void shouldCompleteAndRecoverOnlyAfterTheLastEpisodesBatchSegments() {
    h.pipe(S,
        status(S, "ready", 0),
        live("01LIVE0", 0, "w085", 2.995),
        status(S, "stt_degraded", at(3.3)),
        live("01LIVE1", 0, "w089", 5.231), // the recovery connection's overlap, then it died
        status(S, "stt_degraded", at(6.1)),
        live("01LIVE2", 0, "w094", 8.026),
        status(S, "stt_degraded", at(9.0)),
        batch("01BATCH1", "w086", 3.554),
        status(S, "stt_recovered", at(5.9), at(5.9)),
        batch("01BATCH2", "w091", 6.349),
        status(S, "stt_recovered", at(9.0), at(9.0)),
        status(S, "stt_degraded", at(11.7)),
        live("01LIVE3", 0, "w119", 22.001), // the last recovery held
        status(S, "live_finished", at(22.681)));
    List<SessionUpdate> first = h.drain();
    assertThat(first).extracting(FlappingEpisodesTopologyTest::describe).containsExactly(
        "ready", "[w085]", "stt_degraded", "[w089]", "[w094]", "[w086]", "[w091]", "[w119]");
    assertThat(h.transcript(S).openEpisodes()).as("stored in the state store").containsExactly(at(9.0), at(11.7));
    assertThat(h.transcript(S).complete()).isFalse();

    h.pipe(S,
        batch("01BATCH3", "w096", 9.144),
        status(S, "stt_recovered", at(11.6), at(11.6)),
        batch("01BATCH4", "w101", 11.939),
        status(S, "stt_recovered", at(14.1), at(14.1)));
    assertThat(h.drain()).extracting(FlappingEpisodesTopologyTest::describe).containsExactly(
        "[w096]", "[w101]", "stt_recovered complete");
    assertThat(h.transcript(S).statuses()).extracting(s -> s.status())
        .containsExactly("ready", "stt_degraded", "stt_recovered");
  }
}
