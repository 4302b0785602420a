package dev.rstt.stt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rstt.avro.Segment;
import dev.rstt.stt.deepgram.FinalResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentsTest {

  private static FinalResult.Word word(String text, double start, int speaker) {
    return new FinalResult.Word(text.toLowerCase(), text, start, start + 0.26, 0.9f, speaker);
  }

  @Test
  void shouldShiftEveryTimeByTheConnectionStartOnTheSessionTimeline() {
    // a connection that started 12.5 s into the session at 16 kHz
    long start = 200_000;
    FinalResult r = new FinalResult(0.0, 1.0, false, List.of(word("w001", 0.1, 0), word("w002", 0.5, 0)));
    List<Segment> segments = Segments.build(r, start, 16_000);
    assertThat(segments).hasSize(1);
    Segment s = segments.get(0);
    assertThat(s.getStart()).isCloseTo(12.6, within(1e-9));
    assertThat(s.getEnd()).isCloseTo(13.26, within(1e-9));
    assertThat(s.getWords().get(1).getStart()).isCloseTo(13.0, within(1e-9));
    assertThat(s.getText()).isEqualTo("w001 w002");
  }

  @Test
  void shouldSplitSegmentsOnEverySpeakerChangeAndNameSpeakers() {
    FinalResult r = new FinalResult(0, 2, false, List.of(word("w001", 0.1, 0), word("w002.", 0.5, 0),
        word("W003", 0.9, 2), word("w004", 1.3, 0)));
    List<Segment> segments = Segments.build(r, 0, 8000);
    assertThat(segments).extracting(Segment::getSpeaker).containsExactly("SPEAKER_0", "SPEAKER_2", "SPEAKER_0");
    assertThat(segments).extracting(Segment::getSpeakerId).containsExactly(0, 2, 0);
    assertThat(segments).extracting(Segment::getText).containsExactly("w001 w002.", "W003", "w004");
  }

  @Test
  void shouldGiveAChannelsSegmentsItsSpeakerAndIsUserAsOmiDoes() {
    FinalResult r = new FinalResult(0, 2, false, List.of(word("w001", 0.1, 0), word("w002", 0.9, 2)));
    assertThat(Segments.ofChannel(Segments.build(r, 0, 8000), 1))
        .extracting(Segment::getSpeaker, Segment::getSpeakerId, Segment::getIsUser)
        .containsOnly(org.assertj.core.groups.Tuple.tuple("SPEAKER_00", 0, true));
    assertThat(Segments.ofChannel(Segments.build(r, 0, 8000), 2))
        .extracting(Segment::getSpeaker, Segment::getSpeakerId, Segment::getIsUser)
        .containsOnly(org.assertj.core.groups.Tuple.tuple("SPEAKER_01", 1, false));
    assertThat(Segments.ofChannel(Segments.build(r, 0, 8000), 0)).as("a one-channel session: diarized")
        .extracting(Segment::getSpeaker).containsExactly("SPEAKER_0", "SPEAKER_2");
  }

  @Test
  void shouldProduceNoSegmentForAnEmptyResult() {
    assertThat(Segments.build(new FinalResult(0, 1, true, List.of()), 0, 16000)).isEmpty();
  }

  @Test
  void shouldMapConnectionSecondsToSessionSamples() {
    assertThat(Segments.toSessionSamples(48_000, 1.5, 16_000)).isEqualTo(72_000);
    assertThat(Segments.toSessionSamples(0, 0.0000312, 16_000)).isEqualTo(0);
  }
}
