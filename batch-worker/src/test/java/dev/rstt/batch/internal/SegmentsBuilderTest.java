package dev.rstt.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.batch.deepgram.Transcript;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentsBuilderTest {

  @Test
  void shouldPutWordsOnTheSessionTimelineByTheChunkStartAndSplitBySpeaker() {
    Transcript t = new Transcript(List.of(
        new Transcript.Word("w001", "W001", 0.5, 0.76, 0.9f, 0),
        new Transcript.Word("w002", "w002.", 1.0, 1.26, 0.9f, 0),
        new Transcript.Word("w103", "w103", 2.0, 2.26, 0.9f, 1),
        new Transcript.Word("w004", null, 3.0, 3.26, 0.9f, 0)), "req");
    SegmentsProduced p = SegmentsBuilder.build("s1", "u1", "01ULID", 160_000, 400_000, 16_000, t, 99);

    assertThat(p.getMode()).isEqualTo("batch");
    assertThat(p.getSeq()).isZero();
    assertThat(p.getCoveredFromSamples()).isEqualTo(160_000);
    assertThat(p.getCoveredToSamples()).isEqualTo(400_000);
    assertThat(p.getSegments()).hasSize(3);
    assertThat(p.getSegments().get(0).getText()).isEqualTo("W001 w002.");
    assertThat(p.getSegments().get(0).getSpeaker()).isEqualTo("SPEAKER_0");
    assertThat(p.getSegments().get(0).getStart()).isCloseTo(10.5, within(1e-9));
    assertThat(p.getSegments().get(0).getEnd()).isCloseTo(11.26, within(1e-9));
    assertThat(p.getSegments().get(1).getSpeaker()).isEqualTo("SPEAKER_1");
    assertThat(p.getSegments().get(1).getSpeakerId()).isEqualTo(1);
    assertThat(p.getSegments().get(1).getWords().get(0).getStart()).isCloseTo(12.0, within(1e-9));
    assertThat(p.getSegments().get(2).getText()).isEqualTo("w004");
  }

  @Test
  void shouldGiveAChannelsWordsItsSpeakerAndIsUserAsOmiDoes() {
    Transcript t = new Transcript(List.of(
        new Transcript.Word("w001", "w001", 0.5, 0.76, 0.9f, 0),
        new Transcript.Word("w103", "w103", 2.0, 2.26, 0.9f, 1)), "req");
    SegmentsProduced mic = SegmentsBuilder.build("s1", 1, "u1", "01ULID", 0, 64_000, 16_000, t, 99);
    assertThat(mic.getChannel()).isEqualTo(1);
    assertThat(mic.getSegments()).as("diarization overridden: one speaker").singleElement().satisfies(seg -> {
      assertThat(seg.getSpeaker()).isEqualTo("SPEAKER_00");
      assertThat(seg.getSpeakerId()).isZero();
      assertThat(seg.getIsUser()).isTrue();
      assertThat(seg.getText()).isEqualTo("w001 w103");
    });
    SegmentsProduced remote = SegmentsBuilder.build("s1", 2, "u1", "01ULID", 0, 64_000, 16_000, t, 99);
    assertThat(remote.getSegments()).singleElement().satisfies(seg -> {
      assertThat(seg.getSpeaker()).isEqualTo("SPEAKER_01");
      assertThat(seg.getIsUser()).isFalse();
    });
    assertThat(SegmentsBuilder.build("s1", "u1", "01ULID", 0, 64_000, 16_000, t, 99).getChannel()).isZero();
  }

  @Test
  void shouldProduceAnEmptyResultForSilence() {
    SegmentsProduced p = SegmentsBuilder.build("s1", null, "01ULID", 0, 8000, 8000, Transcript.empty(), 1);
    assertThat(p.getSegments()).isEmpty();
    assertThat(p.getCoveredToSamples()).isEqualTo(8000);
  }
}
