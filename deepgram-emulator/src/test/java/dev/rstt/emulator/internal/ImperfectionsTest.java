package dev.rstt.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.rstt.emulator.Realism;
import dev.rstt.emulator.recognizer.RecognizedWord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImperfectionsTest {

  static final int RATE = 16000;

  /** Words every 0.4 s (260 ms long), as tone words are. */
  static List<RecognizedWord> words(int count) {
    List<RecognizedWord> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long start = RATE / 5 + (long) i * RATE * 2 / 5;
      out.add(new RecognizedWord(String.format("w%03d", i % 1000), i % 4, start, start + RATE * 26 / 100, RATE));
    }
    return out;
  }

  static List<HeardWord> hear(Realism r, Imperfections.Path path, List<RecognizedWord> words) {
    Imperfections imp = new Imperfections(r, path);
    List<HeardWord> out = new ArrayList<>();
    for (RecognizedWord w : words) {
      out.add(imp.hear(w, 1e9));
    }
    return out;
  }

  @Test
  void shouldReportExactTimesAndConfidenceWhenOff() {
    for (HeardWord h : hear(Realism.OFF, Imperfections.Path.LIVE, words(20))) {
      RecognizedWord w = new RecognizedWord(h.text(), h.speaker(), h.startSample(), h.endSample(), RATE);
      assertThat(h.start()).isEqualTo(w.start());
      assertThat(h.end()).isEqualTo(w.end());
      assertThat(h.confidence()).isEqualTo(Transcripts.WORD_CONFIDENCE);
    }
    Imperfections off = new Imperfections(Realism.OFF, Imperfections.Path.LIVE);
    assertThat(off.fragments()).isFalse();
    for (long from = 0; from < 100_000; from += 997) {
      assertThat(off.late(from)).isFalse();
      assertThat(off.splitPoints(from, from + 20_000, hear(Realism.OFF, Imperfections.Path.LIVE, words(3))))
          .isEmpty();
    }
  }

  @Test
  void shouldDriftEachPathWithinItsJitterSoThePathsDisagreeByUpTo80MsEitherWay() {
    Realism r = Realism.on(42);
    List<RecognizedWord> words = words(400);
    List<HeardWord> live = hear(r, Imperfections.Path.LIVE, words);
    List<HeardWord> batch = hear(r, Imperfections.Path.PRERECORDED, words);
    double maxDiff = -1;
    double minDiff = 1;
    for (int i = 0; i < words.size(); i++) {
      RecognizedWord w = words.get(i);
      for (HeardWord h : List.of(live.get(i), batch.get(i))) {
        assertThat(h.start() - w.start()).isBetween(-0.040 - 1e-9, 0.040 + 1e-9);
        assertThat(h.end() - w.end()).isBetween(-0.040 - 1e-9, 0.040 + 1e-9);
      }
      double diff = live.get(i).start() - batch.get(i).start();
      assertThat(Math.abs(diff)).isLessThanOrEqualTo(0.080 + 1e-9);
      maxDiff = Math.max(maxDiff, diff);
      minDiff = Math.min(minDiff, diff);
    }
    assertThat(maxDiff).as("the drift really spreads, both ways").isGreaterThan(0.060);
    assertThat(minDiff).isLessThan(-0.060);
  }

  @Test
  void shouldShiftByTheConfiguredOffset() {
    Realism r = Realism.on(42).withLive(new Realism.Drift(30, 10)).withPrerecorded(new Realism.Drift(-30, 10));
    List<RecognizedWord> words = words(100);
    List<HeardWord> live = hear(r, Imperfections.Path.LIVE, words);
    List<HeardWord> batch = hear(r, Imperfections.Path.PRERECORDED, words);
    for (int i = 0; i < words.size(); i++) {
      assertThat(live.get(i).start() - words.get(i).start()).isBetween(0.020 - 1e-9, 0.040 + 1e-9);
      assertThat(batch.get(i).start() - words.get(i).start()).isBetween(-0.040 - 1e-9, -0.020 + 1e-9);
    }
  }

  @Test
  void shouldDrawTheSameForTheSameSeedAndAudioAndDifferentlyForAnotherSeed() {
    List<RecognizedWord> words = words(50);
    assertThat(hear(Realism.on(7), Imperfections.Path.LIVE, words))
        .isEqualTo(hear(Realism.on(7), Imperfections.Path.LIVE, words));
    assertThat(hear(Realism.on(7), Imperfections.Path.LIVE, words))
        .isNotEqualTo(hear(Realism.on(8), Imperfections.Path.LIVE, words));
    // a word's draw depends on the word, not on what came before it in this process
    HeardWord alone = hear(Realism.on(7), Imperfections.Path.LIVE, words.subList(30, 31)).get(0);
    assertThat(alone).isEqualTo(hear(Realism.on(7), Imperfections.Path.LIVE, words).get(30));
  }

  @Test
  void shouldKeepWordsInsideTheAudioInOrderAndAtLeast10MsLong() {
    Realism r = Realism.on(3).withLive(new Realism.Drift(-200, 200));
    Imperfections imp = new Imperfections(r, Imperfections.Path.LIVE);
    double lastStart = 0;
    for (RecognizedWord w : words(200)) {
      HeardWord h = imp.hear(w, w.end() + 0.008);
      assertThat(h.start()).isGreaterThanOrEqualTo(Math.max(0, lastStart));
      assertThat(h.end()).isLessThanOrEqualTo(w.end() + 0.008 + 1e-9);
      assertThat(h.end() - h.start()).isGreaterThanOrEqualTo(0.01 - 1e-6);
      lastStart = h.start();
    }
  }

  @Test
  void shouldGiveWordsHighAndFragmentsLowConfidence() {
    Imperfections imp = new Imperfections(Realism.on(5), Imperfections.Path.PRERECORDED);
    for (int i = 0; i < 300; i++) {
      long start = (long) i * RATE;
      HeardWord word = imp.hear(new RecognizedWord("w123", 0, start, start + 4160, RATE), 1e9);
      HeardWord fragment = imp.hear(new RecognizedWord("23", 0, start + 5000, start + 6000, RATE, true), 1e9);
      assertThat(word.confidence()).isBetween(0.90, 0.99);
      assertThat(fragment.confidence()).isBetween(0.15, 0.45);
      assertThat(fragment.fragment()).isTrue();
    }
  }

  @Test
  void shouldHoldAndSplitFinalsWithTheConfiguredProbabilities() {
    Imperfections imp = new Imperfections(Realism.on(9).withLateFinals(0.3, Duration.ofMillis(500))
        .withSplitFinals(0.2), Imperfections.Path.LIVE);
    List<HeardWord> three = hear(Realism.OFF, Imperfections.Path.LIVE, words(3));
    int late = 0;
    int split = 0;
    for (long from = 0; from < 4000; from++) {
      late += imp.late(from) ? 1 : 0;
      split += imp.splitPoints(from, 1_000_000, three).isEmpty() ? 0 : 1;
    }
    assertThat(late / 4000.0).isCloseTo(0.3, offset(0.03));
    assertThat(split / 4000.0).isCloseTo(0.2, offset(0.03));
  }

  @Test
  void shouldSplitBetweenWordsOrInTheSilenceBesideALoneWord() {
    Imperfections imp = new Imperfections(Realism.on(11).withSplitFinals(1.0), Imperfections.Path.LIVE);
    List<HeardWord> three = hear(Realism.OFF, Imperfections.Path.LIVE, words(3));
    List<Long> starts = three.stream().map(HeardWord::startSample).toList();
    for (long from = 0; from < 300; from++) {
      List<Long> points = imp.splitPoints(from, 30_000, three);
      assertThat(points).isNotEmpty().isSorted().doesNotHaveDuplicates();
      assertThat(starts.subList(1, 3)).containsAll(points);
      HeardWord lone = three.get(0);
      List<Long> one = imp.splitPoints(from, lone.endSample() + 1600, List.of(lone));
      assertThat(one).hasSize(1);
      assertThat(one.get(0)).isGreaterThan(lone.endSample()).isLessThan(lone.endSample() + 1600);
      assertThat(imp.splitPoints(from, 30_000, List.of())).isEmpty();
    }
  }
}
