package dev.rstt.merger.topology;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.tone;
import static dev.rstt.merger.Events.word;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.TranscriptSegment;
import dev.rstt.merger.merge.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** omi's combine rules and the stt_session barrier, through the production topology (CONTRACT.md 6.3, 6.4). */
class MergeRulesTopologyTest {

  static final String S = "01SESSION0000000000000000A";
  static final String LIVE = "01LIVE00000000000000000001";
  static final String LIVE2 = "01LIVE00000000000000000002";

  @RegisterExtension
  final MergerHarness h = new MergerHarness();

  private List<String> texts() {
    return h.transcript(S).segments().stream().map(Segment::text).toList();
  }

  @Test
  void shouldCombineSameSpeakerWithinThreeSecondsIntoTheSameSegmentId() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", word("Hello", 0.5, 0.8), word("there", 0.9, 1.2))));
    h.pipe(S, produced(S, LIVE, 1, segment("SPEAKER_0", word("General", 3.9, 4.3), word("Kenobi.", 4.4, 4.9))));
    List<SessionUpdate> updates = h.drain();
    assertThat(updates).hasSize(2);
    TranscriptSegment first = updates.get(0).getSegments().get(0);
    TranscriptSegment grown = updates.get(1).getSegments().get(0);
    assertThat(updates.get(1).getSegments()).hasSize(1);
    assertThat(grown.getId()).isEqualTo(first.getId());
    assertThat(grown.getText()).isEqualTo("Hello there General Kenobi.");
    assertThat(grown.getStart()).isEqualTo(0.5);
    assertThat(grown.getEnd()).isEqualTo(4.9);
    assertThat(grown.getSttSession()).isEqualTo(LIVE);
    assertThat(texts()).containsExactly("Hello there General Kenobi.");
  }

  @Test
  void shouldStartANewSegmentWhenTheGapIsThreeSecondsOrMore() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", word("One", 0.0, 0.5))));
    h.pipe(S, produced(S, LIVE, 1, segment("SPEAKER_0", word("Two", 3.5, 4.0)))); // gap exactly 3.0
    h.pipe(S, produced(S, LIVE, 2, segment("SPEAKER_0", word("Three", 6.9, 7.2)))); // gap 2.9
    assertThat(texts()).containsExactly("One", "Two Three");
    List<SessionUpdate> updates = h.drain();
    assertThat(updates.get(1).getSegments().get(0).getId()).isNotEqualTo(updates.get(0).getSegments().get(0).getId());
    assertThat(updates.get(2).getSegments().get(0).getId()).isEqualTo(updates.get(1).getSegments().get(0).getId());
  }

  @Test
  void shouldCloseALongSegmentThatEndsASentenceButNotOneThatDoesNot() {
    String longSentence = "A".repeat(124) + "."; // 125 characters ending a sentence
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", word(longSentence, 0.0, 1.0))));
    h.pipe(S, produced(S, LIVE, 1, segment("SPEAKER_0", word("Next", 1.5, 2.0))));
    assertThat(texts()).containsExactly(longSentence, "Next");

    String S2 = "01SESSION0000000000000000B";
    String longOpen = "B".repeat(130); // long but not ending a sentence
    h.pipe(S2, produced(S2, LIVE2, 0, segment("SPEAKER_0", word(longOpen, 0.0, 1.0))));
    h.pipe(S2, produced(S2, LIVE2, 1, segment("SPEAKER_0", word("Next", 1.5, 2.0))));
    assertThat(h.transcript(S2).segments()).extracting(Segment::text).containsExactly(longOpen + " Next");

    String S3 = "01SESSION0000000000000000C";
    String shortSentence = "Short.";
    h.pipe(S3, produced(S3, LIVE2, 0, segment("SPEAKER_0", word(shortSentence, 0.0, 1.0))));
    h.pipe(S3, produced(S3, LIVE2, 1, segment("SPEAKER_0", word("Next", 1.5, 2.0))));
    assertThat(h.transcript(S3).segments()).extracting(Segment::text).containsExactly("Short. Next");
  }

  @Test
  void shouldCombineALowercaseContinuationWithoutATimeLimitOnlyAfterAnOpenSentence() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", word("And", 0.0, 0.3), word("then", 0.4, 0.7))));
    h.pipe(S, produced(S, LIVE, 1, segment("SPEAKER_0", word("nothing", 20.0, 20.4), word("happened.", 20.5, 21.0))));
    h.pipe(S, produced(S, LIVE, 2, segment("SPEAKER_0", word("really", 40.0, 40.4))));
    h.pipe(S, produced(S, LIVE, 3, segment("SPEAKER_0", word("Capital", 60.0, 60.4))));
    assertThat(texts()).containsExactly("And then nothing happened.", "really", "Capital");
  }

  @Test
  void shouldKeepDifferentSpeakersApartUnlessBothAreTheUser() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", word("hi", 0.0, 0.3))));
    h.pipe(S, produced(S, LIVE, 1, segment("SPEAKER_1", word("hello", 0.5, 0.8))));
    assertThat(texts()).containsExactly("hi", "hello");

    String S2 = "01SESSION0000000000000000B";
    h.pipe(S2, produced(S2, LIVE2, 0, segment("SPEAKER_0", true, word("hi", 0.0, 0.3))));
    h.pipe(S2, produced(S2, LIVE2, 1, segment("SPEAKER_1", true, word("again", 0.5, 0.8))));
    assertThat(h.transcript(S2).segments()).extracting(Segment::text).containsExactly("hi again");
    assertThat(h.transcript(S2).segments().get(0).speaker()).isEqualTo("SPEAKER_0");
  }

  @Test
  void shouldNotCombineSegmentsOfDifferentProviders() {
    h.pipe(S, produced(S, "", 0, "live", "deepgram", segment("SPEAKER_0", word("one", 0.0, 0.3))));
    h.pipe(S, produced(S, "", 1, "live", "other", segment("SPEAKER_0", word("two", 0.5, 0.8))));
    assertThat(texts()).containsExactly("one", "two");
  }

  @Test
  void shouldNeverCombineAcrossTwoSetSttSessionsOnAnyRule() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", true, word("same", 0.0, 0.3))));
    h.pipe(S, produced(S, LIVE2, 0, segment("SPEAKER_0", true, word("speaker", 0.4, 0.7))));
    h.pipe(S, produced(S, LIVE, 1, segment("SPEAKER_0", true, word("lowercase", 30.0, 30.3))));
    assertThat(texts()).containsExactly("same", "speaker", "lowercase");
    assertThat(h.transcript(S).segments()).extracting(Segment::sttSession).containsExactly(LIVE, LIVE2, LIVE);
  }

  @Test
  void shouldCombineWhenEitherOrBothSttSessionsAreUnset() {
    // None + set
    h.pipe(S, produced(S, "", 0, segment("SPEAKER_0", word("none", 0.0, 0.3))));
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", word("set", 0.4, 0.7))));
    assertThat(texts()).containsExactly("none set");
    // set + None
    String S2 = "01SESSION0000000000000000B";
    h.pipe(S2, produced(S2, LIVE, 0, segment("SPEAKER_0", word("set", 0.0, 0.3))));
    h.pipe(S2, produced(S2, " ", 0, segment("SPEAKER_0", word("none", 0.4, 0.7))));
    assertThat(h.transcript(S2).segments()).extracting(Segment::text).containsExactly("set none");
    assertThat(h.transcript(S2).segments().get(0).sttSession()).isEqualTo(LIVE);
    // None + None
    String S3 = "01SESSION0000000000000000C";
    h.pipe(S3, produced(S3, "", 0, segment("SPEAKER_0", word("none", 0.0, 0.3))));
    h.pipe(S3, produced(S3, "", 1, segment("SPEAKER_0", word("again", 0.4, 0.7))));
    assertThat(h.transcript(S3).segments()).extracting(Segment::text).containsExactly("none again");
    assertThat(h.transcript(S3).segments().get(0).sttSession()).isNull();
  }

  @Test
  void shouldNormaliseTextAsOmiDoes() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_0", word("Well", 0.0, 0.2), word(",", 0.2, 0.25),
        word("is", 0.3, 0.4), word("it", 0.5, 0.6), word("?", 0.6, 0.65), word("Yes", 0.7, 0.8), word(".", 0.8, 0.85),
        word("Wow", 0.9, 1.0), word("!", 1.0, 1.05))));
    assertThat(texts()).containsExactly("Well, is it? Yes. Wow !");
  }

  @Test
  void shouldCarryUserAndMonotonicRevisionsAndTheSegmentFields() {
    h.pipe(S, produced(S, LIVE, 0, segment("SPEAKER_2", tone("w001", 1.0))));
    h.pipe(S, produced(S, LIVE, 1, segment("SPEAKER_1", tone("w002", 1.5))));
    List<SessionUpdate> updates = h.drain();
    assertThat(updates).extracting(SessionUpdate::getRevision).containsExactly(1L, 2L);
    assertThat(updates).extracting(SessionUpdate::getUserId).containsOnly("user-1");
    assertThat(updates).extracting(SessionUpdate::getSessionId).containsOnly(S);
    TranscriptSegment seg = updates.get(0).getSegments().get(0);
    assertThat(seg.getSpeaker()).isEqualTo("SPEAKER_2");
    assertThat(seg.getSpeakerId()).isEqualTo(2);
    assertThat(seg.getIsUser()).isFalse();
    assertThat(seg.getPersonId()).isNull();
    assertThat(seg.getSttProvider()).isEqualTo("deepgram");
    assertThat(seg.getStart()).isEqualTo(1.0);
    assertThat(seg.getEnd()).isEqualTo(1.26);
    assertThat(updates).allSatisfy(u -> assertThat(u.getRemovedSegmentIds()).isEmpty());
  }

  @Test
  void shouldDeriveTheSameSegmentIdsFromTheSameInputOnAnyInstance() {
    var input = List.of(
        produced(S, LIVE, 0, segment("SPEAKER_0", tone("w001", 1.0)), segment("SPEAKER_1", tone("w101", 1.0))),
        produced(S, LIVE2, 0, "batch", "deepgram", segment("SPEAKER_0", tone("w002", 9.0))));
    input.forEach(r -> h.pipe(S, r));
    try (MergerHarness second = new MergerHarness()) {
      input.forEach(r -> second.pipe(S, r));
      assertThat(second.transcript(S).segments()).extracting(Segment::id)
          .containsExactlyElementsOf(h.transcript(S).segments().stream().map(Segment::id).toList())
          .doesNotHaveDuplicates()
          .hasSize(3);
    }
  }
}
