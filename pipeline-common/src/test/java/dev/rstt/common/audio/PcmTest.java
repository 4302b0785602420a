package dev.rstt.common.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.testsupport.ToneScript;
import org.junit.jupiter.api.Test;

class PcmTest {

  @Test
  void shouldWriteAWaveFileThatParsesBackToTheSamePcm() {
    ToneScript script = ToneScript.builder(24000).silence(50).word(3, "999").build();
    byte[] wav = Pcm.wav(script.pcm(), 24000, 1);

    WavFile parsed = WavFile.parse(wav);

    assertThat(parsed.sampleRate()).isEqualTo(24000);
    assertThat(parsed.channels()).isEqualTo(1);
    assertThat(parsed.pcm()).isEqualTo(script.pcm());
    assertThat(wav).isEqualTo(script.wav());
  }

  @Test
  void shouldMeasureSilenceAsZeroAndToneAsLoud() {
    ToneScript script = ToneScript.builder(16000).silence(100).word(0, "123").build();
    byte[] pcm = script.pcm();
    assertThat(Pcm.rms(pcm, 0, 1600)).isZero();
    assertThat(Pcm.rms(pcm, 1600, 2400)).isGreaterThan(5000);
  }

  @Test
  void shouldConvertBetweenSamplesAndSeconds() {
    assertThat(Pcm.frames(640, 1)).isEqualTo(320);
    assertThat(Pcm.frames(640, 2)).isEqualTo(160);
    assertThat(Pcm.seconds(24000, 16000)).isEqualTo(1.5);
    assertThat(Pcm.samples(1.5, 16000)).isEqualTo(24000);
  }

  @Test
  void shouldRejectFilesThatAreNotPcm16Wave() {
    assertThatThrownBy(() -> WavFile.parse("not a wave file".getBytes())).hasMessageContaining("RIFF");
  }
}
