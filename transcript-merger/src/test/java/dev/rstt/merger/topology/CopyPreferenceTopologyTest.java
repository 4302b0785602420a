package dev.rstt.merger.topology;

import static dev.rstt.merger.Events.covering;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.word;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.TranscriptSegment;
import dev.rstt.avro.Word;
import dev.rstt.merger.AppView;
import dev.rstt.merger.merge.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which copy of a word is kept when two stt_sessions transcribed it (CONTRACT.md 6.2), through the production
 * topology: a copy inside its stt_session's audio over a cut one, then the higher confidence, then the earlier;
 * a better copy arriving after a worse one replaces it, and the app, applying every update, ends with the stored
 * transcript.
 */
class CopyPreferenceTopologyTest {

  static final String S = "01SESSION0000000000000000A";
  static final String BATCH = "01BATCH0000000000000000001";
  static final String LIVE = "01LIVE00000000000000000003";

  @RegisterExtension
  final MergerHarness h = new MergerHarness();

  private static Word tone(int n, double start, double confidence) {
    return word(String.format("w%03d", n), start, start + 0.26, confidence);
  }

  private static SegmentsProduced batch(String stt, double from, double to, dev.rstt.avro.Segment... segments) {
    return covering(S, stt, 0, "batch", "deepgram", from, to, segments);
  }

  private static SegmentsProduced live(long seq, double from, double to, dev.rstt.avro.Segment... segments) {
    return covering(S, LIVE, seq, "live", "deepgram", from, to, segments);
  }

  /**
   * A recovery at 5.9 s: the batch chunk [3.0, 5.9) ends inside w012 (heard: its speaker tone, "w"); the live
   * connection starts 1 s earlier, at 4.9, inside w010 (heard: its last digit, "0", speaker unknown). Each path's
   * times are off by a few tens of milliseconds.
   */
  private static final SegmentsProduced BATCH_CHUNK = batch(BATCH, 3.0, 5.9, segment("SPEAKER_1",
      tone(7, 3.2, 0.95), tone(8, 3.7, 0.95), tone(9, 4.2, 0.95), tone(10, 4.7, 0.95), tone(11, 5.2, 0.95),
      word("w", 5.8, 5.9, 0.3)));
  private static final List<SegmentsProduced> LIVE_FINALS = List.of(
      live(0, 4.9, 5.06, segment("SPEAKER_0", word("0", 4.9, 4.99, 0.25))),
      live(1, 5.06, 5.56, segment("SPEAKER_1", tone(11, 5.22, 0.95))),
      live(2, 5.56, 6.15, segment("SPEAKER_1", tone(12, 5.79, 0.97))),
      live(3, 6.15, 6.66, segment("SPEAKER_1", tone(13, 6.3, 0.96))));

  private List<String> storedWords() {
    return h.transcript(S).segments().stream().flatMap(s -> List.of(s.text().split(" ")).stream()).toList();
  }

  /** The app's view equals the stored transcript, segment by segment. */
  private void assertAppConvergedTo(AppView app) {
    List<Segment> stored = h.transcript(S).segments();
    assertThat(app.segments()).extracting(TranscriptSegment::getId).containsExactlyElementsOf(
        stored.stream().map(Segment::id).toList());
    assertThat(app.segments()).extracting(TranscriptSegment::getText).containsExactlyElementsOf(
        stored.stream().map(Segment::text).toList());
  }

  private double replaced(String reason) {
    return h.meters.counter("rstt.merger.words.replaced", "reason", reason).count();
  }

  @Test
  void shouldReplaceALiveFragmentThatArrivedFirstWithTheWholeBatchCopyAndDeleteItsSegment() {
    AppView app = new AppView();
    LIVE_FINALS.forEach(r -> h.pipe(S, r));
    app.applyAll(h.drain());
    assertThat(app.words()).containsExactly("0", "w011", "w012", "w013");
    String fragmentId = app.segments().get(0).getId();

    h.pipe(S, BATCH_CHUNK);
    List<SessionUpdate> updates = h.drain();
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).getRemovedSegmentIds()).containsExactly(fragmentId);
    assertThat(updates.get(0).getSegments()).extracting(TranscriptSegment::getText)
        .containsExactly("w007 w008 w009 w010");
    app.applyAll(updates);
    assertThat(app.words()).containsExactly("w007", "w008", "w009", "w010", "w011", "w012", "w013");
    assertThat(storedWords()).containsExactlyElementsOf(app.words());
    assertAppConvergedTo(app);
    assertThat(replaced("inside")).isEqualTo(1.0);
    assertThat(h.meters.counter("rstt.merger.words.deduplicated").count())
        .as("batch w011 (a tie: the live one came first) and the batch fragment of w012").isEqualTo(2.0);
  }

  @Test
  void shouldReplaceABatchFragmentThatArrivedFirstWithTheWholeLiveCopyAndShrinkItsSegment() {
    AppView app = new AppView();
    h.pipe(S, BATCH_CHUNK);
    List<SessionUpdate> first = h.drain();
    app.applyAll(first);
    String batchId = first.get(0).getSegments().get(0).getId();
    assertThat(app.words()).containsExactly("w007", "w008", "w009", "w010", "w011", "w");

    LIVE_FINALS.forEach(r -> h.pipe(S, r));
    List<SessionUpdate> updates = h.drain();
    assertThat(updates).as("the live fragment of w010 and live w011 are dropped: no update").hasSize(2);
    assertThat(updates.get(0).getSegments()).extracting(TranscriptSegment::getId, TranscriptSegment::getText)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(batchId, "w007 w008 w009 w010 w011"),
            org.assertj.core.groups.Tuple.tuple(updates.get(0).getSegments().get(1).getId(), "w012"));
    assertThat(updates.get(0).getRemovedSegmentIds()).isEmpty();
    app.applyAll(updates);
    assertThat(app.words()).containsExactly("w007", "w008", "w009", "w010", "w011", "w012", "w013");
    assertAppConvergedTo(app);
    assertThat(replaced("inside")).isEqualTo(1.0);
  }

  @Test
  void shouldReplaceACopyOfLowerConfidenceAndSplitItsSegmentAroundIt() {
    String first = "01BATCH0000000000000000002";
    String redone = "01BATCH0000000000000000003";
    AppView app = new AppView();
    h.pipe(S, batch(first, 9.0, 11.0,
        segment("SPEAKER_2", tone(19, 9.2, 0.93), tone(20, 9.7, 0.91), tone(21, 10.2, 0.95))));
    app.applyAll(h.drain());
    String firstId = app.segments().get(0).getId();
    // The same audio again (a chunk re-cut after a crash), heard better for w020 only.
    h.pipe(S, batch(redone, 9.0, 11.0,
        segment("SPEAKER_2", tone(19, 9.21, 0.93), tone(20, 9.69, 0.97), tone(21, 10.19, 0.90))));
    List<SessionUpdate> updates = h.drain();
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).getSegments()).extracting(TranscriptSegment::getText, TranscriptSegment::getSttSession)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("w019", first),
            org.assertj.core.groups.Tuple.tuple("w020", redone),
            org.assertj.core.groups.Tuple.tuple("w021", first));
    assertThat(updates.get(0).getSegments().get(0).getId()).as("the first part keeps the id").isEqualTo(firstId);
    assertThat(updates.get(0).getSegments().get(0).getEnd()).isEqualTo(9.46);
    app.applyAll(updates);
    assertThat(app.words()).containsExactly("w019", "w020", "w021");
    assertAppConvergedTo(app);
    assertThat(replaced("confidence")).isEqualTo(1.0);
    assertThat(h.meters.counter("rstt.merger.words.deduplicated").count()).isEqualTo(2.0);
  }

  @Test
  void shouldKeepTheBestFragmentWhenEveryCopyOfAWordIsCut() {
    String a = "01BATCH0000000000000000004";
    String b = "01BATCH0000000000000000005";
    h.pipe(S, batch(a, 12.0, 13.08, segment("SPEAKER_0", tone(30, 12.2, 0.95), word("w0", 13.0, 13.08, 0.30))));
    h.pipe(S, batch(b, 12.0, 13.15, segment("SPEAKER_0", tone(30, 12.2, 0.95), word("w04", 13.0, 13.15, 0.42))));
    assertThat(storedWords()).as("the fragment heard better replaced the other").containsExactly("w030", "w04");
    assertThat(replaced("confidence")).isEqualTo(1.0);
  }

  @Test
  void shouldKeepBothHalvesOfAWordCutAtOnePointByBothPaths() {
    // Outside the contract (section 4 never cuts a word on both paths); nothing is dropped that is not a copy.
    h.pipe(S, batch(BATCH, 14.0, 15.1, segment("SPEAKER_0", tone(40, 14.2, 0.95), word("w0", 15.0, 15.1, 0.3))));
    h.pipe(S, live(0, 15.1, 16.0, segment("SPEAKER_0", word("42", 15.1, 15.26, 0.3), tone(43, 15.5, 0.95))));
    assertThat(storedWords()).containsExactly("w040", "w0", "42", "w043");
  }

  @Test
  void shouldKeepTheEarlierCopyWhenBothAreInsideWithTheSameConfidence() {
    String other = "01BATCH0000000000000000006";
    h.pipe(S, batch(BATCH, 20.0, 21.0, segment("SPEAKER_0", tone(50, 20.3, 0.95))));
    h.pipe(S, batch(other, 20.0, 21.0, segment("SPEAKER_0", tone(50, 20.35, 0.95))));
    assertThat(h.transcript(S).segments()).singleElement().extracting(Segment::sttSession).isEqualTo(BATCH);
    assertThat(h.meters.find("rstt.merger.words.replaced").counters()).isEmpty();
  }
}
