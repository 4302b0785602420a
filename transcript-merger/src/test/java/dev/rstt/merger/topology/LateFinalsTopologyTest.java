package dev.rstt.merger.topology;

import static dev.rstt.merger.Events.covering;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.tone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.merger.AppView;
import dev.rstt.merger.merge.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live final that arrives after later ones (Deepgram's late finals) still lands in time order (CONTRACT.md
 * 6.3): inside a segment of its own speaker it is combined in order; inside a segment of another speaker, that
 * segment is split where it starts, so reading the segments by start reads the words as spoken.
 */
class LateFinalsTopologyTest {

  static final String S = "01SESSION0000000000000000A";
  static final String LIVE = "01LIVE00000000000000000001";

  @RegisterExtension
  final MergerHarness h = new MergerHarness();

  private static SegmentsProduced fin(long seq, double from, double to, dev.rstt.avro.Segment segment) {
    return covering(S, LIVE, seq, "live", "deepgram", from, to, segment);
  }

  private List<String> words() {
    return h.transcript(S).segments().stream().flatMap(s -> List.of(s.text().split(" ")).stream()).toList();
  }

  @Test
  void shouldCombineALateFinalOfTheSameSpeakerInTimeOrder() {
    h.pipe(S, fin(0, 0.0, 1.36, segment("SPEAKER_1", tone("w101", 1.0))));
    h.pipe(S, fin(1, 1.76, 2.16, segment("SPEAKER_1", tone("w103", 1.8))));
    h.pipe(S, fin(2, 2.16, 2.16, segment("SPEAKER_1", tone("w102", 1.4)))); // late: its window is gone
    assertThat(h.transcript(S).segments()).singleElement().extracting(Segment::text).isEqualTo("w101 w102 w103");
  }

  @Test
  void shouldSplitASegmentOfAnotherSpeakerWhereALateFinalStarts() {
    AppView app = new AppView();
    h.pipe(S, fin(0, 0.0, 1.36, segment("SPEAKER_3", tone("w301", 1.0))));
    h.pipe(S, fin(1, 1.76, 2.16, segment("SPEAKER_3", tone("w303", 1.8))));
    app.applyAll(h.drain());
    String combined = app.segments().get(0).getId();
    h.pipe(S, fin(2, 2.16, 2.16, segment("SPEAKER_0", tone("w002", 1.4))));
    List<SessionUpdate> updates = h.drain();
    app.applyAll(updates);
    assertThat(words()).containsExactly("w301", "w002", "w303");
    assertThat(app.words()).containsExactly("w301", "w002", "w303");
    assertThat(h.transcript(S).segments()).extracting(Segment::speaker)
        .containsExactly("SPEAKER_3", "SPEAKER_0", "SPEAKER_3");
    assertThat(h.transcript(S).segments().get(0).id()).as("the first part keeps the id").isEqualTo(combined);
  }
}
