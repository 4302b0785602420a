package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.emulator.recognizer.RecognizedWord;
import dev.rstt.emulator.recognizer.ToneWordRecognizer;
import dev.rstt.testsupport.ToneScript;
import dev.rstt.testsupport.ToneScript.ExpectedWord;
import dev.rstt.testsupport.ToneWords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ToneWordRecognizerTest {

  /** 1 ms: the requirement is 15 ms; the recognizer is sample-accurate up to the silent first sample of a tone. */
  static final double TOLERANCE_S = 0.001;

  static List<RecognizedWord> recognize(int rate, byte[] pcm, Random random) {
    List<RecognizedWord> words = new ArrayList<>();
    ToneWordRecognizer r = new ToneWordRecognizer(rate, new ToneWordRecognizer.Listener() {
      @Override
      public void onWord(RecognizedWord word, long positionSamples) {
        words.add(word);
      }
    });
    int i = 0;
    while (i < pcm.length) {
      // random frame sizes from 1 byte to 300 ms, odd sizes included, so samples are split across frames
      int n = random.nextInt(10) == 0 ? 1 + random.nextInt(7) : 1 + random.nextInt(rate * 2 * 300 / 1000);
      n = Math.min(n, pcm.length - i);
      r.feedPcm16(pcm, i, n, 1);
      i += n;
    }
    r.finish();
    return words;
  }

  static void assertSameWords(List<RecognizedWord> actual, List<ExpectedWord> expected) {
    assertThat(actual).extracting(RecognizedWord::text)
        .containsExactlyElementsOf(expected.stream().map(ExpectedWord::text).toList());
    for (int k = 0; k < expected.size(); k++) {
      assertThat(actual.get(k).speaker()).isEqualTo(expected.get(k).speaker());
      assertThat(actual.get(k).startSample()).isEqualTo(expected.get(k).startSample());
      assertThat(actual.get(k).start()).isCloseTo(expected.get(k).start(), org.assertj.core.data.Offset.offset(TOLERANCE_S));
      assertThat(actual.get(k).end()).isCloseTo(expected.get(k).end(), org.assertj.core.data.Offset.offset(TOLERANCE_S));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 16000, 24000, 48000})
  void shouldHearExactlyTheWordsSpeakersAndTimesOfRandomScriptsInRandomFrames(int rate) {
    Random random = new Random(rate * 31L + 7);
    for (int round = 0; round < 6; round++) {
      ToneScript script = ToneScript.random(random, rate, 4 + random.nextInt(12), 900);
      List<RecognizedWord> words = recognize(rate, script.pcm(), random);
      assertSameWords(words, script.words());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 16000, 48000})
  void shouldNotEmitAWordCutAtTheStartOfTheStream(int rate) {
    Random random = new Random(rate + 1);
    for (int round = 0; round < 20; round++) {
      ToneScript script = ToneScript.random(random, rate, 5, 600);
      int k = random.nextInt(script.words().size());
      ExpectedWord cut = script.words().get(k);
      // cut anywhere from the first sample after the word's first sample to its last sample
      long at = cut.startSample() + 1 + random.nextInt((int) (cut.endSample() - cut.startSample() - 1));
      byte[] pcm = script.pcm();
      byte[] tail = Arrays.copyOfRange(pcm, (int) at * 2, pcm.length);
      List<ExpectedWord> expected = script.words().subList(k + 1, script.words().size()).stream()
          .map(w -> w.shifted(-at)).toList();
      assertSameWords(recognize(rate, tail, random), expected);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 16000, 48000})
  void shouldNotEmitAWordCutAtTheEndOfTheStream(int rate) {
    Random random = new Random(rate + 2);
    for (int round = 0; round < 20; round++) {
      ToneScript script = ToneScript.random(random, rate, 5, 600);
      int k = random.nextInt(script.words().size());
      ExpectedWord cut = script.words().get(k);
      long at = cut.startSample() + 1 + random.nextInt((int) (cut.endSample() - cut.startSample() - 1));
      byte[] head = Arrays.copyOfRange(script.pcm(), 0, (int) at * 2);
      assertSameWords(recognize(rate, head, random), script.words().subList(0, k));
    }
  }

  @Test
  void shouldNotEmitAWordCutExactlyBetweenTwoOfItsTones() {
    int rate = 16000;
    ToneScript script = ToneScript.builder(rate).silence(200).word(2, "123").silence(300).word(0, "456")
        .silence(300).build();
    ExpectedWord second = script.words().get(1);
    int tone = ToneWords.samples(rate, 50);
    int gap = ToneWords.samples(rate, 20);
    // after the second tone and its gap: the stream starts with the third symbol of "w456"
    long at = second.startSample() + 2L * (tone + gap);
    byte[] pcm = script.pcm();
    assertThat(recognize(rate, Arrays.copyOfRange(pcm, (int) at * 2, pcm.length), new Random(1))).isEmpty();
    // the stream ends right after the second tone of "w456"
    long end = second.startSample() + tone + gap;
    assertSameWords(recognize(rate, Arrays.copyOfRange(pcm, 0, (int) end * 2), new Random(2)),
        script.words().subList(0, 1));
  }

  @Test
  void shouldHearNothingInHumNoiseOrSilence() {
    int rate = 16000;
    Random random = new Random(3);
    ToneScript hum = ToneScript.builder(rate).silence(100).hum(2000).silence(100).build();
    assertThat(recognize(rate, hum.pcm(), random)).isEmpty();
    byte[] noise = new byte[rate * 2 * 2];
    for (int i = 0; i < noise.length; i += 2) {
      int s = (int) (random.nextGaussian() * 3000);
      noise[i] = (byte) s;
      noise[i + 1] = (byte) (s >> 8);
    }
    assertThat(recognize(rate, noise, random)).isEmpty();
    assertThat(recognize(rate, new byte[rate * 2], random)).isEmpty();
  }

  @Test
  void shouldHearNothingWhenWordsAreBuriedInNoise() {
    int rate = 16000;
    Random random = new Random(4);
    short[] samples = ToneScript.random(random, rate, 6, 500).samples();
    byte[] pcm = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      int s = samples[i] + (int) (random.nextGaussian() * 2000);
      s = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, s));
      pcm[2 * i] = (byte) s;
      pcm[2 * i + 1] = (byte) (s >> 8);
    }
    assertThat(recognize(rate, pcm, random)).isEmpty();
  }

  @Test
  void shouldMixStereoDownToOneChannel() {
    int rate = 48000;
    ToneScript script = ToneScript.random(new Random(5), rate, 5, 400);
    byte[] mono = script.pcm();
    byte[] stereo = new byte[mono.length * 2];
    for (int i = 0; i < mono.length; i += 2) {
      stereo[2 * i] = mono[i];
      stereo[2 * i + 1] = mono[i + 1];
      stereo[2 * i + 2] = mono[i];
      stereo[2 * i + 3] = mono[i + 1];
    }
    List<RecognizedWord> words = new ArrayList<>();
    ToneWordRecognizer r = new ToneWordRecognizer(rate, new ToneWordRecognizer.Listener() {
      @Override
      public void onWord(RecognizedWord word, long positionSamples) {
        words.add(word);
      }
    });
    for (int i = 0; i < stereo.length; i += 777) {
      r.feedPcm16(stereo, i, Math.min(777, stereo.length - i), 2);
    }
    r.finish();
    assertSameWords(words, script.words());
  }

  @Test
  void shouldReportSilenceMarksAndTheWordInProgress() {
    int rate = 16000;
    ToneScript script = ToneScript.builder(rate).silence(100).word(1, "007").silence(500).build();
    List<long[]> marks = new ArrayList<>();
    ToneWordRecognizer r = new ToneWordRecognizer(rate, new ToneWordRecognizer.Listener() {
      @Override
      public void onSilenceMark(int index, long positionSamples) {
        marks.add(new long[] {index, positionSamples});
      }
    }, rate / 10);
    byte[] pcm = script.pcm();
    ExpectedWord w = script.words().get(0);
    int firstTwoTones = ToneWords.samples(rate, 50 + 20 + 30);
    r.feedPcm16(pcm, 0, (int) (w.startSample() + firstTwoTones) * 2, 1);
    assertThat(r.inProgressStart()).isEqualTo(w.startSample());
    r.feedPcm16(pcm, (int) (w.startSample() + firstTwoTones) * 2, pcm.length - (int) (w.startSample() + firstTwoTones) * 2, 1);
    assertThat(r.inProgressStart()).isEqualTo(-1);
    // one mark per silence of 100 ms that follows a sound: after each tone's gap is too short, after the word it fires
    assertThat(marks).hasSize(1);
    assertThat(marks.get(0)[1]).isEqualTo(w.endSample() + rate / 10);
  }

  /** Encodes to Opus and back the way an app and the gateway would (20 ms frames). */
  static byte[] opusRoundTrip(short[] samples, int rate, int bitrate,
      io.github.jaredmdobson.concentus.OpusApplication application) throws Exception {
    io.github.jaredmdobson.concentus.OpusEncoder enc =
        new io.github.jaredmdobson.concentus.OpusEncoder(rate, 1, application);
    enc.setBitrate(bitrate);
    io.github.jaredmdobson.concentus.OpusDecoder dec = new io.github.jaredmdobson.concentus.OpusDecoder(rate, 1);
    int frame = rate / 50;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] packet = new byte[4000];
    short[] decoded = new short[frame];
    for (int i = 0; i + frame <= samples.length; i += frame) {
      int len = enc.encode(samples, i, frame, packet, 0, packet.length);
      int n = dec.decode(packet, 0, len, decoded, 0, frame, false);
      for (int k = 0; k < n; k++) {
        out.write(decoded[k] & 0xFF);
        out.write((decoded[k] >> 8) & 0xFF);
      }
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(ints = {16000, 48000})
  void shouldHearWordsThatWentThroughOpus(int rate) throws Exception {
    Random random = new Random(rate + 9);
    for (io.github.jaredmdobson.concentus.OpusApplication app : new io.github.jaredmdobson.concentus.OpusApplication[] {
        io.github.jaredmdobson.concentus.OpusApplication.OPUS_APPLICATION_VOIP,
        io.github.jaredmdobson.concentus.OpusApplication.OPUS_APPLICATION_AUDIO}) {
      for (int bitrate : new int[] {24000, 64000}) {
        ToneScript script = ToneScript.random(random, rate, 5, 500);
        byte[] pcm = opusRoundTrip(script.samples(), rate, bitrate, app);
        List<RecognizedWord> words = recognize(rate, pcm, random);
        assertThat(words).as(app + " " + bitrate).extracting(RecognizedWord::text)
            .containsExactlyElementsOf(script.words().stream().map(ExpectedWord::text).toList());
        for (int k = 0; k < words.size(); k++) {
          // the codec's algorithmic delay (6.5 ms) shifts everything a little; the contract is 15 ms
          assertThat(words.get(k).start()).isCloseTo(script.words().get(k).start(), org.assertj.core.data.Offset.offset(0.015));
          assertThat(words.get(k).end()).isCloseTo(script.words().get(k).end(), org.assertj.core.data.Offset.offset(0.015));
        }
      }
    }
  }
}
