package dev.rstt.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ToneScriptTest {

  @Test
  void shouldPlaceEachWordAtItsExactSamples() {
    ToneScript script = ToneScript.builder(16000).silence(100).word(2, "042").silence(200).word(0, "007").build();

    assertThat(script.words()).hasSize(2);
    ToneScript.ExpectedWord first = script.words().get(0);
    assertThat(first.text()).isEqualTo("w042");
    assertThat(first.speaker()).isEqualTo(2);
    assertThat(first.startSample()).isEqualTo(1600);
    assertThat(first.end() - first.start()).isEqualTo(0.260, org.assertj.core.data.Offset.offset(1e-9));
    // word (280 ms incl. trailing gap) + 200 ms silence after the first word's start
    assertThat(script.words().get(1).startSample()).isEqualTo(1600 + 16 * 280 + 16 * 200);
  }

  @Test
  void shouldWriteTheSpecifiedToneSamples() {
    ToneScript script = ToneScript.builder(8000).word(1, "123").build();
    short[] samples = script.samples();
    // n = 10 of the 'B' tone (row 770, column 1633)
    long expected = Math.round(32767 * 0.3 * (Math.sin(2 * Math.PI * 770 * 10 / 8000.0)
        + Math.sin(2 * Math.PI * 1633 * 10 / 8000.0)));
    assertThat(samples[10]).isEqualTo((short) expected);
    // the 20 ms gap after the first tone is zeros
    assertThat(samples[400]).isZero();
    assertThat(samples[559]).isZero();
    assertThat(samples[560]).isEqualTo(ToneWords.toneSample('1', 0, 8000));
  }

  @Test
  void shouldKeepRandomWordsAtLeastTheMinimumPauseApart() {
    ToneScript script = ToneScript.random(new Random(7), 48000, 30, 600);
    for (int i = 1; i < script.words().size(); i++) {
      double pause = script.words().get(i).start() - script.words().get(i - 1).end();
      assertThat(pause).isGreaterThanOrEqualTo(ToneWords.MIN_PAUSE_MS / 1000.0);
    }
    assertThat(script.pcm()).hasSize(script.sampleCount() * 2);
    assertThat(script.wav()).hasSize(44 + script.sampleCount() * 2);
  }

  @Test
  void shouldRefuseRatesAndWordsOutsideTheSpecification() {
    assertThatThrownBy(() -> ToneScript.builder(44100)).hasMessageContaining("44100");
    assertThatThrownBy(() -> ToneScript.builder(16000).word(4, "000")).hasMessageContaining("speaker");
    assertThatThrownBy(() -> ToneScript.builder(16000).word(0, "12")).hasMessageContaining("three digits");
  }
}
