package dev.rstt.schemas;

import static org.assertj.core.api.Assertions.assertThat;

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
}
