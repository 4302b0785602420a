package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.gateway.audio.AudioFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTimelineTest {

  @Test
  void shouldNumberChunksWithoutGapsOnAContiguousTimelineInSampleFrames() {
    SessionTimeline timeline = new SessionTimeline("s", "u", new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 2));
    assertThat(timeline.lastSeq()).isEqualTo(-1);
    AudioChunk a = timeline.next(new byte[400], 7);
    AudioChunk b = timeline.next(new byte[800], 8);
    assertThat(a.getSeq()).isZero();
    assertThat(a.getOffsetSamples()).isZero();
    assertThat(a.getReceivedAtMs()).isEqualTo(7);
    assertThat(b.getSeq()).isEqualTo(1);
    assertThat(b.getOffsetSamples()).as("400 bytes of 16-bit stereo = 100 frames").isEqualTo(100);
    SessionEnded end = timeline.ended("stop");
    assertThat(end.getLastSeq()).isEqualTo(1);
    assertThat(end.getEndOffsetSamples()).isEqualTo(300);
    assertThat(timeline.started("gw", 5).getStartedAtMs()).isEqualTo(5);
  }

  @Test
  void shouldCarryTheKeytermsOnTheStartAndEveryChunkAndNoneWhenThereAreNone() {
    SessionTimeline with = new SessionTimeline("s", "u",
        new AudioFormat("multi", 16000, AudioFormat.Codec.PCM16, 1, List.of("Omi", "tone word")));
    assertThat(with.started("gw", 1).getKeyterms()).containsExactly("Omi", "tone word");
    assertThat(with.next(new byte[2], 1).getKeyterms()).containsExactly("Omi", "tone word");
    assertThat(with.next(new byte[2], 2).getKeyterms()).containsExactly("Omi", "tone word");
    SessionTimeline without = new SessionTimeline("s", "u", new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1));
    assertThat(without.started("gw", 1).getKeyterms()).isNull();
    assertThat(without.next(new byte[2], 1).getKeyterms()).isNull();
  }
}
