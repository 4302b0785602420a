package dev.rstt.merger.topology;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.tone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusChanged;
import dev.rstt.avro.TranscriptSegment;
import dev.rstt.merger.query.TranscriptPages;
import dev.rstt.merger.query.TranscriptView;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A two-channel session (docs/CONTRACT.md section 11): channels kept apart, the session's updates and reads. */
class ChannelsTopologyTest {

  static final String S = "01SESSION0000000000000000C";
  static final String MIC = "01LIVE0000000000000000MIC1";
  static final String MIC_AGAIN = "01LIVE0000000000000000MIC2";
  static final String REMOTE = "01LIVE00000000000000REMOTE";

  @RegisterExtension
  final MergerHarness h = new MergerHarness();

  private static SegmentsProduced on(int channel, SegmentsProduced p) {
    p.setChannel(channel);
    return p;
  }

  private static StatusChanged on(int channel, StatusChanged s) {
    s.setChannel(channel);
    return s;
  }

  @Test
  void shouldKeepTheSameWordAtTheSameTimeOnBothChannelsAndNumberTheSessionsUpdatesInOneSequence() {
    h.pipe(S, on(1, produced(S, MIC, 0, segment("SPEAKER_00", true, tone("w001", 1.0), tone("w002", 1.4)))),
        on(2, produced(S, REMOTE, 0, segment("SPEAKER_01", false, tone("w001", 1.0), tone("w002", 1.4)))),
        on(1, produced(S, MIC_AGAIN, 0, segment("SPEAKER_00", true, tone("w002", 1.41)))),
        on(2, produced(S, REMOTE, 1, segment("SPEAKER_01", false, tone("w003", 2.0)))));
    List<SessionUpdate> updates = h.drain();

    assertThat(updates).extracting(SessionUpdate::getRevision).as("one sequence over both channels")
        .containsExactly(1L, 2L, 3L);
    assertThat(updates.get(1).getSegments()).singleElement().satisfies(seg -> {
      assertThat(seg.getText()).as("no dedup across channels").isEqualTo("w001 w002");
      assertThat(seg.getIsUser()).isFalse();
      assertThat(seg.getSpeaker()).isEqualTo("SPEAKER_01");
    });
    assertThat(updates.get(0).getSegments()).extracting(TranscriptSegment::getIsUser).containsExactly(true);
    assertThat(h.meters.counter("rstt.merger.words.deduplicated").count())
        .as("the mic's own copy of w002 is a duplicate within its channel").isEqualTo(1.0);
    assertThat(h.transcript(S)).as("no one-channel state").isNull();
    assertThat(h.transcript(S + "/1").segments()).extracting(s -> s.text()).containsExactly("w001 w002");
    assertThat(h.transcript(S + "/2").segments()).extracting(s -> s.text()).containsExactly("w001 w002 w003");
  }

  @Test
  void shouldBeCompleteOnlyWhenEveryChannelIs() {
    h.pipe(S, on(1, status(S, "ready")), on(2, status(S, "ready")),
        on(1, produced(S, MIC, 0, segment("SPEAKER_00", true, tone("w001", 1.0)))),
        on(1, status(S, "live_finished")));
    List<SessionUpdate> first = h.drain();
    assertThat(first).isNotEmpty().noneMatch(SessionUpdate::getComplete);
    h.pipe(S, on(2, produced(S, REMOTE, 0, segment("SPEAKER_01", false, tone("w101", 3.0)))),
        on(2, status(S, "live_finished")));
    List<SessionUpdate> second = h.drain();
    assertThat(second.get(second.size() - 1).getComplete()).isTrue();
    assertThat(second.subList(0, second.size() - 1)).noneMatch(SessionUpdate::getComplete);
  }

  @Test
  void shouldReadTheSessionsTranscriptOrderedByTimeAcrossChannels() {
    h.pipe(S, on(1, produced(S, MIC, 0, segment("SPEAKER_00", true, tone("w001", 1.0)))),
        on(1, produced(S, MIC_AGAIN, 0, segment("SPEAKER_00", true, tone("w003", 5.0)))), // its own segment
        on(2, produced(S, REMOTE, 0, segment("SPEAKER_01", false, tone("w102", 3.0)))),
        on(1, status(S, "live_finished")), on(2, status(S, "live_finished")));
    List<SessionUpdate> updates = h.drain();

    TranscriptPages.Result result = TranscriptPages.read(h.store(), h.history(), S, null, 1000);
    assertThat(result).isInstanceOf(TranscriptPages.Result.Page.class);
    TranscriptView view = ((TranscriptPages.Result.Page) result).view();
    assertThat(view.sessionId()).isEqualTo(S);
    assertThat(view.segments()).extracting(TranscriptView.SegmentView::text).containsExactly("w001", "w102", "w003");
    assertThat(view.segments()).extracting(TranscriptView.SegmentView::isUser).containsExactly(true, false, true);
    assertThat(view.complete()).isTrue();
    assertThat(view.revision()).isEqualTo(updates.get(updates.size() - 1).getRevision());
    TranscriptView second = ((TranscriptPages.Result.Page) TranscriptPages.read(h.store(), h.history(), S,
        view.segments().get(0).id(), 1)).view();
    assertThat(second.segments()).extracting(TranscriptView.SegmentView::text).containsExactly("w102");
    assertThat(second.next()).isEqualTo(second.segments().get(0).id());
    assertThat(TranscriptPages.read(h.store(), h.history(), S, "no-such-id", 10))
        .isInstanceOf(TranscriptPages.Result.UnknownCursor.class);
  }
}
