package dev.rstt.merger.topology;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.tone;
import static dev.rstt.merger.Events.word;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.TranscriptSegment;
import dev.rstt.avro.Word;
import dev.rstt.merger.merge.Segment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replays, re-transcriptions, switch overlaps and late batch segments (CONTRACT.md 6.1-6.3). */
class DedupTopologyTest {

  static final String S = "01SESSION0000000000000000A";
  static final String LIVE = "01LIVE00000000000000000001";
  static final String LIVE_AFTER_CRASH = "01LIVE00000000000000000002";
  static final String BATCH = "01BATCH0000000000000000001";

  @RegisterExtension
  final MergerHarness h = new MergerHarness();

  private List<String> allWords() {
    List<String> words = new ArrayList<>();
    for (Segment s : h.transcript(S).segments()) {
      words.addAll(List.of(s.text().split(" ")));
      assertThat(s.words()).as("words stored per segment").hasSize(s.text().split(" ").length);
    }
    return words;
  }

  /** Tone words w{first}..w{last}, 0.4 s apart from {@code at}, shifted by {@code jitter} seconds. */
  private static Word[] tones(int first, int last, double at, double jitter) {
    Word[] words = new Word[last - first + 1];
    for (int i = first; i <= last; i++) {
      words[i - first] = tone(String.format("w%03d", i), at + (i - first) * 0.4 + jitter);
    }
    return words;
  }

  @Test
  void shouldIgnoreARedeliveredRecordOfTheSameSttSessionAndSeq() {
    var first = produced(S, LIVE, 0, segment("SPEAKER_0", tones(1, 3, 1.0, 0)));
    var second = produced(S, LIVE, 1, segment("SPEAKER_0", tones(4, 5, 2.2, 0)));
    h.pipe(S, first, second, first, second);
    assertThat(h.drain()).hasSize(2);
    assertThat(allWords()).containsExactly("w001", "w002", "w003", "w004", "w005");
    assertThat(h.transcript(S).revision()).isEqualTo(2);
    assertThat(h.meters.counter("rstt.merger.records.redelivered").count()).isEqualTo(2.0);
    assertThat(h.meters.counter("rstt.merger.words", "mode", "live").count()).as("words merged").isEqualTo(5.0);
  }

  @Test
  void shouldDropWordsReTranscribedByANewSttSessionAfterACrashButKeepTheNewOnes() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", tones(1, 5, 1.0, 0))));
    h.drain();
    // A new worker took over from an older chunk: it re-transcribes w003..w005 (times within 15 ms) and goes on.
    h.pipe(S, produced(S, LIVE_AFTER_CRASH, 0, segment("SPEAKER_0", tones(3, 5, 1.8, 0.012))));
    assertThat(h.drain()).as("nothing new, nothing sent").isEmpty();
    h.pipe(S, produced(S, LIVE_AFTER_CRASH, 1, segment("SPEAKER_0", tones(5, 8, 2.6, -0.01))));
    List<SessionUpdate> updates = h.drain();
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).getSegments()).singleElement()
        .satisfies(s -> assertThat(s.getText()).isEqualTo("w006 w007 w008"))
        .satisfies(s -> assertThat(s.getSttSession()).isEqualTo(LIVE_AFTER_CRASH));
    assertThat(allWords()).containsExactly("w001", "w002", "w003", "w004", "w005", "w006", "w007", "w008");
    assertThat(h.meters.counter("rstt.merger.words.deduplicated").count()).isEqualTo(4.0);
  }

  @Test
  void shouldDropTheSecondCopyOfTheOverlapAtALiveToBatchAndBatchToLiveSwitch() {
    // Live w001..w004 on [1.0, 2.46]; the live socket died, the batch chunk starts from the last final cursor.
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", tones(1, 4, 1.0, 0))));
    // The batch chunk re-transcribes w004 (overlap) and w005..w008.
    h.pipe(S, produced(S, BATCH, 0, "batch", "deepgram", segment("SPEAKER_0", tones(4, 8, 2.2, 0.005))));
    // Recovery: live resumes with a 1 s overlap: w007, w008 again, then w009.
    String resumed = "01LIVE00000000000000000003";
    h.pipe(S, produced(S, resumed, 0, segment("SPEAKER_0", tones(7, 9, 3.4, -0.008))));
    assertThat(allWords()).containsExactly("w001", "w002", "w003", "w004", "w005", "w006", "w007", "w008", "w009");
    assertThat(h.transcript(S).segments()).extracting(Segment::sttSession).containsExactly(LIVE, BATCH, resumed);
    assertThat(h.meters.counter("rstt.merger.words", "mode", "live").count()).as("live words merged").isEqualTo(5.0);
    assertThat(h.meters.counter("rstt.merger.words", "mode", "batch").count()).as("batch words merged").isEqualTo(4.0);
  }

  @Test
  void shouldPlaceALateBatchSegmentByItsTimeAndKeepTheOtherIds() {
    // Live resumed at 10 s and its words arrive before the batch chunk of [0, 10).
    String resumed = "01LIVE00000000000000000003";
    h.pipe(S, produced(S, resumed, 0, segment("SPEAKER_0", tones(20, 21, 10.0, 0))));
    String liveId = h.drain().get(0).getSegments().get(0).getId();
    h.pipe(S, produced(S, BATCH, 0, "batch", "deepgram",
        segment("SPEAKER_0", tones(1, 3, 1.0, 0)), segment("SPEAKER_1", tones(10, 11, 5.0, 0))));
    List<SessionUpdate> updates = h.drain();
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).getSegments()).extracting(TranscriptSegment::getText)
        .containsExactly("w001 w002 w003", "w010 w011");
    assertThat(updates.get(0).getSegments()).extracting(TranscriptSegment::getId).doesNotContain(liveId);
    assertThat(h.transcript(S).segments()).extracting(Segment::text)
        .containsExactly("w001 w002 w003", "w010 w011", "w020 w021");
    assertThat(h.transcript(S).segments().get(2).id()).isEqualTo(liveId);
  }

  @Test
  void shouldDropAtExactlyHalfTheShorterWordAndKeepBelowHalf() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", word("alpha", 1.0, 1.5))));
    // gamma overlaps alpha by 0.25 = half of 0.5: a second copy, dropped.
    h.pipe(S, produced(S, LIVE_AFTER_CRASH, 0, segment("SPEAKER_0", word("gamma", 1.25, 1.75))));
    // beta overlaps alpha by 0.1875 < 0.25: a different word, kept (it is not compared with dropped gamma).
    h.pipe(S, produced(S, BATCH, 0, "batch", "deepgram", segment("SPEAKER_1", word("beta", 1.3125, 1.8125))));
    assertThat(allWords()).containsExactly("alpha", "beta");
  }

  @Test
  void shouldKeepOverlappingWordsOfTheSameSttSession() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", word("one", 1.0, 1.4)),
        segment("SPEAKER_1", word("uno", 1.05, 1.45))));
    h.pipe(S, produced(S, LIVE, 1, segment("SPEAKER_1", word("dos", 1.1, 1.5))));
    assertThat(allWords()).containsExactly("one", "uno", "dos");
  }

  @Test
  void shouldSplitASegmentAroundADroppedDuplicateSoNoSegmentSpansAnothersWord() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_1", tone("w105", 2.0))));
    h.pipe(S, produced(S, BATCH, 0, "batch", "deepgram",
        segment("SPEAKER_0", tone("w001", 1.0), tone("w105", 2.0), tone("w002", 3.0))));
    assertThat(h.transcript(S).segments()).extracting(Segment::text).containsExactly("w001", "w105", "w002");
    assertThat(h.transcript(S).segments()).extracting(Segment::sttSession).containsExactly(BATCH, LIVE, BATCH);
  }
}
