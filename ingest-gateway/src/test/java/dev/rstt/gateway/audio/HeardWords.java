package dev.rstt.gateway.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rstt.emulator.recognizer.RecognizedWord;
import dev.rstt.emulator.recognizer.ToneWordRecognizer;
import dev.rstt.testsupport.ToneScript;
import java.util.ArrayList;
import java.util.List;

/** Hears decoded audio with the emulator's tone-word recognizer and checks it against the script. */
public final class HeardWords {

  /** Every word once, start and end within this of the script. */
  public static final double TOLERANCE_S = 0.030;

  private HeardWords() {
  }

  public static List<RecognizedWord> hear(byte[] pcm16, int rate) {
    List<RecognizedWord> words = new ArrayList<>();
    ToneWordRecognizer recognizer = new ToneWordRecognizer(rate, new ToneWordRecognizer.Listener() {
      @Override
      public void onWord(RecognizedWord word, long positionSamples) {
        words.add(word);
      }
    });
    recognizer.feedPcm16(pcm16, 0, pcm16.length, 1);
    recognizer.finish();
    return words;
  }

  /**
   * Asserts {@code pcm16} holds exactly the script's words, in order, each once, with the right speaker, starting
   * and ending within {@link #TOLERANCE_S} of the script shifted by {@code encoderDelaySamples} (the priming an
   * encoder puts in front of the audio, which a decoder cannot know; 0 when the decoder compensates).
   */
  public static void assertExact(byte[] pcm16, ToneScript script, long encoderDelaySamples) {
    List<RecognizedWord> heard = hear(pcm16, script.sampleRate());
    List<ToneScript.ExpectedWord> expected = script.words();
    assertThat(heard).extracting(RecognizedWord::text)
        .as("every word exactly once, in order").containsExactlyElementsOf(
            expected.stream().map(ToneScript.ExpectedWord::text).toList());
    for (int i = 0; i < expected.size(); i++) {
      ToneScript.ExpectedWord want = expected.get(i).shifted(encoderDelaySamples);
      RecognizedWord got = heard.get(i);
      assertThat(got.speaker()).isEqualTo(want.speaker());
      assertThat(got.start()).as("start of %s", want.text()).isCloseTo(want.start(), within(TOLERANCE_S));
      assertThat(got.end()).as("end of %s", want.text()).isCloseTo(want.end(), within(TOLERANCE_S));
    }
  }

  /** The largest start offset (heard - script, seconds) over all words, for reports. */
  public static double worstStartError(byte[] pcm16, ToneScript script, long encoderDelaySamples) {
    List<RecognizedWord> heard = hear(pcm16, script.sampleRate());
    double worst = 0;
    for (int i = 0; i < Math.min(heard.size(), script.words().size()); i++) {
      double e = heard.get(i).start() - script.words().get(i).shifted(encoderDelaySamples).start();
      worst = Math.abs(e) > Math.abs(worst) ? e : worst;
    }
    return worst;
  }
}
