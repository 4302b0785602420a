package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.rstt.emulator.recognizer.Fragments;
import dev.rstt.emulator.recognizer.RecognizedWord;
import dev.rstt.emulator.recognizer.ToneWordRecognizer;
import dev.rstt.testsupport.ToneScript;
import dev.rstt.testsupport.ToneScript.ExpectedWord;
import dev.rstt.testsupport.ToneWords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Words cut by the start or the end of the audio come back as fragments of what was heard, never as full words. */
class FragmentRecognitionTest {

  record Heard(List<RecognizedWord> words, List<RecognizedWord> fragments) {
  }

  static Heard hear(int rate, byte[] pcm, Random random, boolean fragments) {
    List<RecognizedWord> words = new ArrayList<>();
    List<RecognizedWord> cut = new ArrayList<>();
    ToneWordRecognizer r = new ToneWordRecognizer(rate, new ToneWordRecognizer.Listener() {
      @Override
      public void onWord(RecognizedWord word, long positionSamples) {
        words.add(word);
      }

      @Override
      public void onFragment(RecognizedWord fragment, long positionSamples) {
        cut.add(fragment);
      }
    }, fragments);
    int i = 0;
    while (i < pcm.length) {
      int n = Math.min(random.nextInt(10) == 0 ? 1 + random.nextInt(7) : 1 + random.nextInt(rate * 2 / 5),
          pcm.length - i);
      r.feedPcm16(pcm, i, n, 1);
      i += n;
    }
    r.finish();
    return new Heard(words, cut);
  }

  /** First sample of tone {@code i} (0 = speaker symbol) of a word, and the sample after it. */
  static long toneStart(ExpectedWord w, int i) {
    int rate = w.sampleRate();
    return w.startSample() + (long) i * (ToneWords.samples(rate, ToneWords.TONE_MS)
        + ToneWords.samples(rate, ToneWords.GAP_MS));
  }

  static long toneEnd(ExpectedWord w, int i) {
    return toneStart(w, i) + ToneWords.samples(w.sampleRate(), ToneWords.TONE_MS);
  }

  /** A cut point inside the word, at least 1 ms from every tone edge (exact-edge cuts have their own test). */
  static long cutInside(ExpectedWord w, Random random) {
    long ms = w.sampleRate() / 1000;
    while (true) {
      long at = w.startSample() + 1 + random.nextInt((int) (w.endSample() - w.startSample() - 1));
      boolean nearEdge = false;
      for (int i = 0; i < 4; i++) {
        nearEdge |= Math.abs(at - toneStart(w, i)) <= ms || Math.abs(at - toneEnd(w, i)) <= ms;
      }
      if (!nearEdge) {
        return at;
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 16000, 48000})
  void shouldReportAWordCutByTheStartAsTheDigitsItHeardInFull(int rate) {
    Random random = new Random(rate + 11);
    int withFragment = 0;
    for (int round = 0; round < 40; round++) {
      ToneScript script = ToneScript.random(random, rate, 5, 600);
      int k = random.nextInt(script.words().size());
      ExpectedWord cut = script.words().get(k);
      long at = cutInside(cut, random);
      byte[] pcm = script.pcm();
      Heard heard = hear(rate, Arrays.copyOfRange(pcm, (int) at * 2, pcm.length), random, true);

      StringBuilder digits = new StringBuilder();
      for (int i = 1; i < 4; i++) {
        if (toneStart(cut, i) >= at) {
          digits.append(cut.text().charAt(i));
        }
      }
      List<ExpectedWord> after = script.words().subList(k + 1, script.words().size()).stream()
          .map(w -> w.shifted(-at)).toList();
      ToneWordRecognizerTest.assertSameWords(heard.words(), after);
      if (digits.length() == 0) {
        assertThat(heard.fragments()).as("cut at %d in %s", at, cut).isEmpty();
        continue;
      }
      withFragment++;
      assertThat(heard.fragments()).as("cut at %d in %s", at, cut).hasSize(1);
      RecognizedWord f = heard.fragments().get(0);
      assertThat(f.text()).isEqualTo(digits.toString()).isNotEqualTo(cut.text());
      assertThat(f.fragment()).isTrue();
      assertThat(f.startSample()).as("the cut word's audio begins with the stream").isZero();
      assertThat(f.end()).isCloseTo((double) (toneEnd(cut, 3) - at) / rate, offset(0.001));
    }
    assertThat(withFragment).as("rounds that cut a word after its first tone").isGreaterThan(10);
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 16000, 48000})
  void shouldReportAWordCutByTheEndAsItsSpeakerSymbolAndTheDigitsHeardInFull(int rate) {
    Random random = new Random(rate + 12);
    int withFragment = 0;
    for (int round = 0; round < 40; round++) {
      ToneScript script = ToneScript.random(random, rate, 5, 600);
      int k = random.nextInt(script.words().size());
      ExpectedWord cut = script.words().get(k);
      long at = cutInside(cut, random);
      Heard heard = hear(rate, Arrays.copyOfRange(script.pcm(), 0, (int) at * 2), random, true);

      int complete = 0;
      while (complete < 4 && toneEnd(cut, complete) < at) {
        complete++;
      }
      ToneWordRecognizerTest.assertSameWords(heard.words(), script.words().subList(0, k));
      if (complete == 0) {
        assertThat(heard.fragments()).as("cut at %d in %s", at, cut).isEmpty();
        continue;
      }
      withFragment++;
      assertThat(heard.fragments()).as("cut at %d in %s", at, cut).hasSize(1);
      RecognizedWord f = heard.fragments().get(0);
      assertThat(f.text()).isEqualTo("w" + cut.text().substring(1, complete)).isNotEqualTo(cut.text());
      assertThat(f.speaker()).isEqualTo(cut.speaker());
      assertThat(f.start()).isCloseTo(cut.start(), offset(0.001));
      assertThat(f.endSample()).as("the cut word's audio runs to the stream's end").isEqualTo(at);
    }
    assertThat(withFragment).isGreaterThan(10);
  }

  /**
   * Random cuts at both ends, anywhere in random scripts and framings: a fragment never equals a full word, a full
   * word is never produced from cut audio, every word heard whole is reported, and fragments come only from cuts.
   */
  @ParameterizedTest
  @ValueSource(ints = {8000, 16000, 48000})
  void shouldNeverTurnCutAudioIntoAFullWordNorAFragmentIntoOne(int rate) {
    Random random = new Random(rate + 13);
    int fragments = 0;
    for (int round = 0; round < 60; round++) {
      ToneScript script = ToneScript.random(random, rate, 2 + random.nextInt(5), 400);
      int n = script.sampleCount();
      long a = random.nextInt(n / 2);
      long b = a + 1 + random.nextInt((int) (n - a - 1));
      Heard heard = hear(rate, Arrays.copyOfRange(script.pcm(), (int) a * 2, (int) b * 2), random, true);
      List<String> whole = new ArrayList<>();
      List<String> inside = new ArrayList<>();
      int cutWords = 0;
      for (ExpectedWord w : script.words()) {
        if (w.startSample() >= a && w.endSample() <= b) {
          inside.add(w.text());
          if (w.endSample() + ToneWords.samples(rate, ToneWords.GAP_MS) <= b) {
            whole.add(w.text());
          }
        } else if (w.endSample() > a && w.startSample() < b) {
          cutWords++;
        }
      }
      List<String> reported = heard.words().stream().map(RecognizedWord::text).toList();
      assertThat(reported).as("round %d [%d, %d)", round, a, b).isSubsetOf(inside);
      assertThat(reported).containsAll(whole);
      assertThat(heard.fragments()).hasSizeLessThanOrEqualTo(cutWords);
      for (RecognizedWord f : heard.fragments()) {
        fragments++;
        assertThat(Fragments.isFragment(f.text())).as(f.text()).isTrue();
        assertThat(Fragments.WORD.matcher(f.text()).matches()).as(f.text()).isFalse();
        assertThat(script.words().stream().map(ExpectedWord::text)).doesNotContain(f.text());
        assertThat(f.start()).isGreaterThanOrEqualTo(0);
        assertThat(f.end()).isLessThanOrEqualTo((double) (b - a) / rate + 1e-9);
      }
    }
    assertThat(fragments).isGreaterThan(20);
  }

  /**
   * A cut a few ms into a tone, at or just before a quiet sample of it (a zero crossing, or the minimum of the beat of
   * its two frequencies): the rest of the tone is still ~48 ms long, so unless the recognizer sees the cut it takes
   * the tone for a whole symbol and reports a full word from cut audio.
   */
  @ParameterizedTest
  @ValueSource(ints = {8000, 16000, 48000})
  void shouldNotTakeATonesRestForAWholeSymbolWhenTheCutMeetsAQuietSampleOfIt(int rate) {
    for (int symbol = 0; symbol < 10; symbol++) {
      int speaker = symbol % 4;
      ToneScript script = ToneScript.builder(rate).silence(100).word(speaker, "50" + symbol).silence(200).build();
      ExpectedWord w = script.words().get(0);
      short[] samples = script.samples();
      int four = ToneWords.samples(rate, 4);
      for (int i = 1; i < four; i++) {
        long at = w.startSample() + i;
        if (Math.abs(samples[(int) at]) > 200) {
          continue; // only cuts that meet a quiet sample of the tone
        }
        for (long cut : new long[] {at, at - 1, at - 2}) {
          byte[] pcm = script.pcm();
          Heard fromCut = hear(rate, Arrays.copyOfRange(pcm, (int) cut * 2, pcm.length), new Random(cut), true);
          assertThat(fromCut.words()).as("stream starting at %d, %d into the speaker tone", cut,
              cut - w.startSample()).isEmpty();
        }
      }
      long lastTone = toneStart(w, 3);
      long toneEnd = toneEnd(w, 3);
      for (long at = toneEnd - four; at < toneEnd; at++) {
        if (Math.abs(samples[(int) at - 1]) > 200) {
          continue;
        }
        for (long cut : new long[] {at, at + 1}) {
          Heard toCut = hear(rate, Arrays.copyOfRange(script.pcm(), 0, (int) cut * 2), new Random(cut), true);
          assertThat(toCut.words()).as("stream ending at %d, %d before the end of the last tone", cut,
              toneEnd - cut).isEmpty();
          assertThat(lastTone).isLessThan(cut);
        }
      }
    }
  }

  @Test
  void shouldReportNothingButWordsWithFragmentsOff() {
    int rate = 16000;
    ToneScript script = ToneScript.builder(rate).silence(100).word(1, "042").silence(300).word(2, "917")
        .silence(300).build();
    ExpectedWord first = script.words().get(0);
    long at = toneStart(first, 2) - 48; // 3 ms into the gap before the second digit
    long end = toneEnd(script.words().get(1), 1) + 40; // 2.5 ms after the first digit of the next word
    byte[] pcm = script.pcm();
    Heard off = hear(rate, Arrays.copyOfRange(pcm, (int) at * 2, (int) end * 2), new Random(1), false);
    assertThat(off.words()).isEmpty();
    assertThat(off.fragments()).isEmpty();
    Heard on = hear(rate, Arrays.copyOfRange(pcm, (int) at * 2, (int) end * 2), new Random(1), true);
    assertThat(on.fragments()).extracting(RecognizedWord::text).containsExactly("42", "w9");
    assertThat(on.fragments()).extracting(RecognizedWord::speaker).containsExactly(0, 2);
  }

  @Test
  void shouldDefineAFragmentFormatThatNoFullWordMatches() {
    for (int i = 0; i < 1000; i++) {
      String word = String.format("w%03d", i);
      assertThat(Fragments.isFragment(word)).as(word).isFalse();
      assertThat(Fragments.WORD.matcher(word).matches()).isTrue();
    }
    for (String digits : new String[] {"0", "42", "042", "999"}) {
      assertThat(Fragments.isFragment(Fragments.headCut(digits))).isTrue();
    }
    for (String digits : new String[] {"", "0", "04"}) {
      assertThat(Fragments.isFragment(Fragments.tailCut(digits))).isTrue();
    }
    assertThat(Fragments.headCut("042")).isEqualTo("042");
    assertThat(Fragments.tailCut("04")).isEqualTo("w04");
  }
}
