package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StopCloseTest {

  @Test
  void shouldClose1000OnlyWhenTheTranscriptIsComplete() {
    assertThat(StopClose.decide(true, false, true)).isEqualTo(StopClose.COMPLETE);
    assertThat(StopClose.COMPLETE.status().getCode()).isEqualTo(1000);
    assertThat(StopClose.COMPLETE.lastFrames("s")).isEmpty();
  }

  @Test
  void shouldSayTheTranscriptIsPendingWhenStopTimedOutOnlyOnceTheAudioIsStored() {
    StopClose close = StopClose.decide(false, false, true);
    assertThat(close).isEqualTo(StopClose.TRANSCRIPT_PENDING);
    assertThat(close.status().getCode()).isEqualTo(4010);
    assertThat(close.lastFrames("01ABC")).singleElement().asString()
        .contains("\"code\":\"transcript_pending\"").contains("/v1/sessions/01ABC/transcript")
        .contains("\"retry_after_seconds\":10");
  }

  @Test
  void shouldSayAudioWasLostWhenARecordFailedWhateverElse() {
    assertThat(StopClose.decide(false, true, false)).isEqualTo(StopClose.AUDIO_LOST);
    assertThat(StopClose.decide(true, true, true)).isEqualTo(StopClose.AUDIO_LOST);
    assertThat(StopClose.AUDIO_LOST.status().getCode()).isEqualTo(1013);
    assertThat(StopClose.AUDIO_LOST.lastFrames("s")).singleElement().asString().contains("kafka_unavailable");
  }

  @Test
  void shouldSayTheAudioIsNotStoredWhenKafkaHasNotAcknowledgedIt() {
    StopClose close = StopClose.decide(false, false, false);
    assertThat(close).isEqualTo(StopClose.NOT_STORED);
    assertThat(close.status().getCode()).isEqualTo(1013);
    assertThat(close.lastFrames("s")).singleElement().asString().contains("\"code\":\"audio_not_stored\"")
        .contains("keep it");
  }
}
