package dev.rstt.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChannelsTest {

  @Test
  void shouldLabelTheMicAsTheUserAndTheOtherSideAsSpeaker1AsOmiDoes() {
    assertThat(Channels.multi(0)).isFalse();
    assertThat(Channels.isUser(1)).isTrue();
    assertThat(Channels.speaker(1)).isEqualTo("SPEAKER_00");
    assertThat(Channels.speakerId(1)).isZero();
    assertThat(Channels.isUser(2)).isFalse();
    assertThat(Channels.speaker(2)).isEqualTo("SPEAKER_01");
    assertThat(Channels.speakerId(2)).isEqualTo(1);
  }

  @Test
  void shouldNameOnlyAMultiChannelSessionsChannelsInDeepgramsExtra() {
    assertThat(Channels.deepgramExtra(0)).isNull();
    assertThat(Channels.deepgramExtra(1)).isEqualTo("channel:1");
    assertThat(Channels.deepgramExtra(2)).isEqualTo("channel:2");
  }

  @Test
  void shouldLabelChannel2SystemAudioForADesktopAndRemoteForEveryOtherSourceAsOmisBuildChannelConfig() {
    assertThat(Channels.label(1, "phone_call")).isEqualTo("mic");
    assertThat(Channels.label(2, "phone_call")).isEqualTo("remote");
    assertThat(Channels.label(1, "desktop")).isEqualTo("mic");
    assertThat(Channels.label(2, "desktop")).isEqualTo("system_audio");
    assertThat(Channels.label(1, null)).as("absent").isEqualTo("mic");
    assertThat(Channels.label(2, null)).as("absent").isEqualTo("remote");
    assertThat(Channels.label(2, "")).as("empty").isEqualTo("remote");
    for (String unknown : new String[] {"omi", "phone", "openglass", "friend_com", "something_new"}) {
      assertThat(Channels.label(1, unknown)).as(unknown).isEqualTo("mic");
      assertThat(Channels.label(2, unknown)).as(unknown).isEqualTo("remote");
    }
    // omi compares the string as sent: no trimming, no case folding
    assertThat(Channels.label(2, "Desktop")).isEqualTo("remote");
    assertThat(Channels.label(2, " desktop")).isEqualTo("remote");
  }

  @Test
  void shouldRefuseToLabelTheOnlyChannelOfAOneChannelSession() {
    assertThatThrownBy(() -> Channels.label(0, "desktop")).isInstanceOf(IllegalArgumentException.class);
  }
}
