package dev.rstt.merger.merge;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.tone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusChanged;
import dev.rstt.merger.LongSession;
import dev.rstt.merger.store.SessionStateSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The open tail (docs/CONTRACT.md section 6.8): closing what no later event can change leaves every merge result
 * as it was, and keeps the state small.
 */
class TailClosingTest {

  static final String S = "01SESSION0000000000000000A";
  static final Duration HORIZON = Duration.ofSeconds(30);

  private static Optional<SessionUpdate> apply(SessionTranscript t, SpecificRecord e, long now) {
    return e instanceof SegmentsProduced p ? t.apply(p, now) : t.apply((StatusChanged) e, now);
  }

  /** The closed segments written so far followed by the open tail: the whole transcript. */
  private static List<Segment> whole(List<Segment> closed, SessionTranscript t) {
    List<Segment> all = new ArrayList<>(closed);
    all.addAll(t.segments());
    return all;
  }

  @Test
  void closingTheSettledPartChangesNoUpdateAndNoSegment() {
    // 40 minutes of speech with degraded episodes whose batch records arrive 20 live records (about two minutes,
    // four horizons) late, copies in every recovery overlap, redeliveries.
    LongSession session = new LongSession(S, 4_000, 300, 20, 7);
    SessionTranscript unbounded = new SessionTranscript(S);
    SessionTranscript tail = new SessionTranscript(S);
    List<Segment> closed = new ArrayList<>();
    List<StatusRecord> closedStatuses = new ArrayList<>();
    int largest = 0;
    long late = 0;
    long now = 0;
    for (SpecificRecord e : session.events) {
      now += 100;
      Optional<SessionUpdate> expected = apply(unbounded, e, now);
      Optional<SessionUpdate> actual = apply(tail, e, now);
      late += tail.lateWords();
      assertThat(actual).as("the update of event %s", e).isEqualTo(expected);
      Closing closing = tail.close(HORIZON);
      for (Closing.Closed<Segment> c : closing.segments()) {
        assertThat(c.position()).as("positions follow each other").isEqualTo(closed.size());
        closed.add(c.item());
      }
      closing.statuses().forEach(c -> closedStatuses.add(c.item()));
      byte[] stored = SessionStateSerde.encode(tail);
      largest = Math.max(largest, stored.length);
      tail = SessionStateSerde.decode(stored); // through the store's codec, as in the topology
    }
    assertThat(late).as("words from before the open tail").isZero();
    assertThat(closed).as("most of the session closed").hasSizeGreaterThan(unbounded.segments().size() * 3 / 4);
    assertThat(whole(closed, tail)).extracting(Segment::id)
        .containsExactlyElementsOf(unbounded.segments().stream().map(Segment::id).toList());
    assertThat(whole(closed, tail)).extracting(Segment::text)
        .containsExactlyElementsOf(unbounded.segments().stream().map(Segment::text).toList());
    assertThat(LongSession.words(whole(closed, tail).stream().map(Segment::text).toList()))
        .containsExactlyElementsOf(session.expected);
    List<StatusRecord> statuses = new ArrayList<>(closedStatuses);
    statuses.addAll(tail.statuses());
    assertThat(statuses).isEqualTo(unbounded.statuses());
    assertThat(tail.statuses()).hasSizeLessThanOrEqualTo(Closing.TAIL_STATUSES);
    assertThat(tail.applied().sttSessions()).as("stt_sessions long gone are forgotten")
        .hasSizeLessThan(unbounded.applied().sttSessions().size());
    assertThat(largest).as("the largest tail value, bytes").isLessThan(SessionStateSerde.encode(unbounded).length / 4);
    assertThat(tail.complete()).isEqualTo(unbounded.complete()).isTrue();
  }

  @Test
  void anOpenEpisodeHoldsTheTailFromItsStart() {
    SessionTranscript t = new SessionTranscript(S);
    t.apply(produced(S, "live", 0, segment("SPEAKER_0", tone("w001.", 1.0))), 1);
    t.apply(produced(S, "live", 1, segment("SPEAKER_0", tone("w100.", 50.0))), 2);
    t.apply(status(S, "stt_degraded", 16_000 * 100), 3); // from 100 s
    t.apply(produced(S, "live2", 0, segment("SPEAKER_0", tone("w900.", 200.0))), 4);
    t.apply(produced(S, "live2", 1, segment("SPEAKER_0", tone("w901.", 400.0))), 5);
    assertThat(t.close(HORIZON).segments()).as("w001 ends a horizon before the episode: closes").extracting(
        c -> c.item().text()).containsExactly("w001.");
    assertThat(t.segments()).as("w100 stays: a word of the episode follows it").extracting(Segment::text)
        .containsExactly("w100.", "w900.", "w901.");
    // The batch words of the episode arrive late, but inside the tail: merged as ever.
    t.apply(produced(S, "batch", 0, "batch", "deepgram", segment("SPEAKER_0", tone("w150.", 150.0))), 6);
    assertThat(t.lateWords()).isZero();
    assertThat(t.close(HORIZON).segments()).as("held by the open episode").isEmpty();
    t.apply(status(S, "stt_recovered", 16_000 * 200, 16_000L * 200), 7);
    assertThat(t.close(HORIZON).segments()).extracting(c -> c.item().text()).containsExactly("w100.", "w150.");
    assertThat(t.history().closedSegments()).isEqualTo(3);
    assertThat(t.segments()).extracting(Segment::text).containsExactly("w900.", "w901.");
  }

  @Test
  void aWordFromBeforeTheTailIsKeptAndCountedAsLate() {
    SessionTranscript t = new SessionTranscript(S);
    t.apply(produced(S, "live", 0, segment("SPEAKER_0", tone("w001.", 1.0))), 1);
    t.apply(produced(S, "live", 1, segment("SPEAKER_0", tone("w100.", 50.0))), 2);
    t.apply(produced(S, "live", 2, segment("SPEAKER_0", tone("w500.", 100.0))), 2);
    assertThat(t.close(HORIZON).segments()).hasSize(1);
    Optional<SessionUpdate> update =
        t.apply(produced(S, "batch", 0, "batch", "deepgram", segment("SPEAKER_1", tone("w002.", 1.5))), 3);
    assertThat(t.lateWords()).isEqualTo(1);
    assertThat(update).as("never dropped").isPresent();
    assertThat(t.segments()).extracting(Segment::text).containsExactly("w002.", "w100.", "w500.");
  }

  @Test
  void statusesBeyondTheTailMoveOutAndTheHistoryStaysBounded() {
    SessionTranscript t = new SessionTranscript(S);
    List<Long> positions = new ArrayList<>();
    List<Long> dropped = new ArrayList<>();
    for (int i = 0; i < SessionTranscript.MAX_STATUS_HISTORY + 20; i++) {
      t.apply(status(S, "chunk_lost"), i);
      Closing c = t.close(HORIZON);
      c.statuses().forEach(s -> positions.add(s.position()));
      dropped.addAll(c.droppedStatuses());
    }
    int total = SessionTranscript.MAX_STATUS_HISTORY + 20;
    assertThat(t.statuses()).hasSize(Closing.TAIL_STATUSES);
    assertThat(positions).hasSize(total - Closing.TAIL_STATUSES);
    assertThat(positions.get(positions.size() - 1)).isEqualTo(total - Closing.TAIL_STATUSES - 1L);
    assertThat(dropped).as("the oldest beyond the bound leave the history").containsExactly(
        java.util.stream.LongStream.range(0, 20).boxed().toArray(Long[]::new));
    assertThat(t.history().droppedStatuses()).isEqualTo(20);
  }

  @Test
  void aValueWrittenBeforeTheTailGetsItsFrontierFromItsSegmentsAndCloses() {
    SessionTranscript t = new SessionTranscript(S);
    t.apply(produced(S, "live", 0, segment("SPEAKER_0", tone("w001.", 1.0))), 1);
    t.apply(produced(S, "live", 1, segment("SPEAKER_0", tone("w100.", 50.0))), 2);
    t.apply(produced(S, "live", 2, segment("SPEAKER_0", tone("w500.", 100.0))), 2);
    // As an older value decodes: nothing closed, frontier unknown.
    SessionTranscript old = SessionTranscript.restore(S, t.userId(), t.revision(), t.segments(),
        t.applied().ranges(), t.coverage(), t.statuses(), t.readyForwarded(), t.openEpisodes(), t.liveFinished(),
        t.batchFinished(), t.lastActivityMs(), History.Stored.NONE);
    SessionTranscript read = SessionStateSerde.decode(SessionStateSerde.encode(old));
    assertThat(read.history().stored().frontierUs()).isEqualTo(100_360_000L); // w500 ends at 100.26, covered +0.1
    assertThat(read.close(HORIZON).segments()).extracting(c -> c.item().text()).containsExactly("w001.");
  }
}
