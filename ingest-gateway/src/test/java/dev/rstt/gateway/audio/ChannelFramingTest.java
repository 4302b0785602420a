package dev.rstt.gateway.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.rstt.avro.ChannelLabel;
import java.util.List;
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
  void shouldLabelTheMicAsTheUserAndChannel2RemoteForAPhoneCallAsOmiDoes() {
    assertThat(ChannelFraming.labels(two("phone_call"))).extracting(ChannelLabel::getChannel, ChannelLabel::getLabel,
            ChannelLabel::getIsUser, ChannelLabel::getSpeaker)
        .containsExactly(tuple(1, "mic", true, "SPEAKER_00"), tuple(2, "remote", false, "SPEAKER_01"));
  }

  @Test
  void shouldLabelChannel2SystemAudioForADesktopWithTheSameUserAndSpeaker() {
    assertThat(ChannelFraming.labels(two("desktop"))).extracting(ChannelLabel::getChannel, ChannelLabel::getLabel,
            ChannelLabel::getIsUser, ChannelLabel::getSpeaker)
        .containsExactly(tuple(1, "mic", true, "SPEAKER_00"), tuple(2, "system_audio", false, "SPEAKER_01"));
  }

  @Test
  void shouldLabelChannel2RemoteWithoutASourceOrWithAnUnknownOne() {
    for (AudioFormat format : new AudioFormat[] {TWO, two(null), two("omi"), two("DESKTOP"), two("")}) {
      assertThat(ChannelFraming.labels(format)).as(String.valueOf(format.source()))
          .extracting(ChannelLabel::getLabel).containsExactly("mic", "remote");
    }
    assertThat(ChannelFraming.labels(mono("desktop"))).as("a one-channel session has no labels").isNull();
  }

  private static AudioFormat two(String source) {
    return new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 2, List.of(), source);
  }

  private static AudioFormat mono(String source) {
    return new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1, List.of(), source);
  }

  /** A take-over warms every channel's decoder up: one message per channel for a codec with decoder state. */
  @Test
  void primingAsksForOneMessagePerChannelOfAStatefulCodec() {
    assertThat(ChannelFraming.primingMessages(new AudioFormat("en", 16000, AudioFormat.Codec.OPUS, 2))).isEqualTo(2);
    assertThat(ChannelFraming.primingMessages(new AudioFormat("en", 16000, AudioFormat.Codec.OPUS, 1))).isEqualTo(1);
    assertThat(ChannelFraming.primingMessages(new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 2))).isZero();
  }
}
