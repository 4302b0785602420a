package dev.rstt.gateway.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.avro.ChannelLabel;
import org.junit.jupiter.api.Test;

class ChannelFramingTest {

  private static final AudioFormat MONO = new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1);
  private static final AudioFormat TWO = new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 2);

  @Test
  void shouldReadAOneChannelMessageWhollyAsAudioOfChannel0() throws Exception {
    byte[] message = {1, 2, 3, 4};
    ChannelFraming.Frame frame = ChannelFraming.split(message, MONO);
    assertThat(frame.channel()).isZero();
    assertThat(frame.audio()).isEqualTo(message);
    assertThat(ChannelFraming.channels(MONO)).containsExactly(0);
    assertThat(ChannelFraming.labels(MONO)).isNull();
  }

  @Test
  void shouldSplitOmisChannelIdByteFromTheAudio() throws Exception {
    ChannelFraming.Frame mic = ChannelFraming.split(new byte[] {1, 10, 11, 12, 13}, TWO);
    ChannelFraming.Frame remote = ChannelFraming.split(new byte[] {2, 20, 21}, TWO);
    assertThat(mic.channel()).isEqualTo(1);
    assertThat(mic.audio()).containsExactly(10, 11, 12, 13);
    assertThat(remote.channel()).isEqualTo(2);
    assertThat(remote.audio()).containsExactly(20, 21);
    assertThat(ChannelFraming.channels(TWO)).containsExactly(1, 2);
  }

  @Test
  void shouldRefuseAChannelIdTheSessionDoesNotHave() {
    for (int id : new int[] {0, 3, 255}) {
      assertThatThrownBy(() -> ChannelFraming.split(new byte[] {(byte) id, 1, 2}, TWO))
          .isInstanceOf(ChannelFraming.UnknownChannelException.class)
          .hasMessageContaining("channel id " + id)
          .satisfies(e -> assertThat(((ChannelFraming.UnknownChannelException) e).id()).isEqualTo(id));
    }
  }

  @Test
  void shouldLabelTheMicAsTheUserAsOmiDoes() {
    assertThat(ChannelFraming.labels(TWO)).extracting(ChannelLabel::getChannel, ChannelLabel::getLabel,
            ChannelLabel::getIsUser, ChannelLabel::getSpeaker)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "mic", true, "SPEAKER_00"),
            org.assertj.core.groups.Tuple.tuple(2, "remote", false, "SPEAKER_01"));
  }
}
