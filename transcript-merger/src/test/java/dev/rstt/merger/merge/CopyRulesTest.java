package dev.rstt.merger.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.merger.merge.CopyRules.Copy;
import dev.rstt.merger.merge.CopyRules.Reason;
import org.junit.jupiter.api.Test;

/** The rules of docs/CONTRACT.md section 6.2: where a word lies, which words are copies, which copy is kept. */
class CopyRulesTest {

  private static final Coverage.Range CHUNK = new Coverage.Range(2_000_000, 6_000_000); // [2 s, 6 s)

  private static Word word(double start, double end, String stt, double confidence) {
    return new Word("w", start, end, stt, confidence);
  }

  private static Copy inside(double start, double end, String stt) {
    return new Copy(word(start, end, stt, 0.95), false, false);
  }

  private static Copy cutAtEnd(double start, double end, String stt) {
    return new Copy(word(start, end, stt, 0.3), false, true);
  }

  private static Copy cutAtStart(double start, double end, String stt) {
    return new Copy(word(start, end, stt, 0.3), true, false);
  }

  @Test
  void shouldCountAWordWithinTheMarginOfAnEdgeAsCutAndOneBeyondItAsInside() {
    double m = CopyRules.EDGE_MARGIN_S;
    assertThat(CopyRules.locate(word(2.0, 2.26, "b", 1), CHUNK).cutAtStart()).isTrue();
    assertThat(CopyRules.locate(word(2.0 + m - 0.001, 2.3, "b", 1), CHUNK).cutAtStart()).isTrue();
    assertThat(CopyRules.locate(word(2.0 + m, 2.3, "b", 1), CHUNK).inside()).as("exactly the margin away").isTrue();
    assertThat(CopyRules.locate(word(5.7, 6.0 - m + 0.001, "b", 1), CHUNK).cutAtEnd()).isTrue();
    assertThat(CopyRules.locate(word(5.7, 6.0 - m, "b", 1), CHUNK).inside()).isTrue();
    Copy both = CopyRules.locate(word(2.0, 6.0, "b", 1), CHUNK);
    assertThat(both.cutAtStart() && both.cutAtEnd()).as("a word as long as its audio").isTrue();
    assertThat(CopyRules.locate(word(2.0, 6.0, "b", 1), Coverage.Range.UNKNOWN).inside())
        .as("unknown range: inside").isTrue();
  }

  @Test
  void shouldMatchCopiesOfAToneWordAtEveryDriftOfEightyMillisecondsAndNeverANeighbour() {
    // Each path moves a word's start and end by up to 40 ms, drawn apart: the copies differ by up to 80 ms.
    double[] drifts = {-0.040, -0.020, 0, 0.020, 0.040};
    for (double s1 : drifts) {
      for (double e1 : drifts) {
        for (double s2 : drifts) {
          for (double e2 : drifts) {
            Copy live = inside(1.0 + s1, 1.26 + e1, "live");
            Copy batch = inside(1.0 + s2, 1.26 + e2, "batch");
            assertThat(CopyRules.sameWord(live, batch)).as("copies %s %s", live, batch).isTrue();
            // The next word starts 140 ms after this one ends (the shortest pause between tone words).
            Copy next = inside(1.40 + s2, 1.66 + e2, "batch");
            Copy previous = inside(0.60 + s2, 0.86 + e2, "batch");
            assertThat(CopyRules.sameWord(live, next)).as("neighbour %s %s", live, next).isFalse();
            assertThat(CopyRules.sameWord(live, previous)).as("neighbour %s %s", live, previous).isFalse();
          }
        }
      }
    }
  }

  @Test
  void shouldMatchAFragmentCutAtTheEndWithItsWholeCopyByTheStartBothHeard() {
    // w042 at [1.0, 1.26]; a batch chunk ended at 1.07: "w" heard, reported [0.96, 1.01] (start -40 ms, end
    // -60 ms from the edge); the live copy reported [1.04, 1.30] (+40 ms).
    Copy fragment = cutAtEnd(0.96, 1.01, "batch");
    Copy whole = inside(1.04, 1.30, "live");
    assertThat(WordOverlap.isDuplicate(fragment.word(), whole.word())).as("they do not even overlap").isFalse();
    assertThat(CopyRules.sameWord(fragment, whole)).isTrue();
    assertThat(CopyRules.sameWord(whole, fragment)).as("symmetric").isTrue();
    // The word before ends 140 ms before 1.0, the word after starts 140 ms after 1.26 (each drifted 40 ms).
    assertThat(CopyRules.sameWord(fragment, inside(0.64, 0.90, "live"))).isFalse();
    assertThat(CopyRules.sameWord(fragment, inside(1.36, 1.62, "live"))).isFalse();
  }

  @Test
  void shouldMatchAFragmentCutAtTheStartWithItsWholeCopyByTheEndBothHeard() {
    // A live connection started at 1.20 inside w042 [1.0, 1.26]: "2" heard, reported [1.20, 1.30].
    Copy fragment = cutAtStart(1.20, 1.30, "live");
    assertThat(CopyRules.sameWord(fragment, inside(0.96, 1.22, "batch"))).as("ends 80 ms apart").isTrue();
    assertThat(CopyRules.sameWord(fragment, inside(1.44, 1.70, "batch"))).as("the next word").isFalse();
    assertThat(CopyRules.sameWord(fragment, inside(0.56, 0.82, "batch"))).as("the word before").isFalse();
  }

  @Test
  void shouldMatchTwoFragmentsCutAtTheSameSideOfOneWord() {
    assertThat(CopyRules.sameWord(cutAtEnd(1.0, 1.12, "batch"), cutAtEnd(1.03, 1.08, "batch-redelivered"))).isTrue();
    // Halves of a word cut at one point by both paths heard no common boundary and do not overlap: both stay.
    assertThat(CopyRules.sameWord(cutAtEnd(1.0, 1.12, "batch"), cutAtStart(1.12, 1.26, "live"))).isFalse();
  }

  @Test
  void shouldNeverCompareWordsOfTheSameSttSession() {
    assertThat(CopyRules.sameWord(inside(1.0, 1.26, "live"), inside(1.0, 1.26, "live"))).isFalse();
    assertThat(CopyRules.sameWord(cutAtEnd(1.0, 1.05, "live"), inside(1.0, 1.26, "live"))).isFalse();
  }

  @Test
  void shouldPreferTheCopyInsideItsAudioOverACutOneWhateverTheConfidence() {
    Copy fragment = new Copy(word(1.0, 1.05, "batch", 0.99), false, true);
    Copy whole = new Copy(word(1.0, 1.26, "live", 0.40), false, false);
    assertThat(CopyRules.better(whole, fragment)).isEqualTo(Reason.INSIDE);
    assertThat(CopyRules.better(fragment, whole)).isNull();
  }

  @Test
  void shouldPreferTheHigherConfidenceWhenBothAreInsideOrBothCut() {
    Copy a = new Copy(word(1.0, 1.26, "a", 0.91), false, false);
    Copy b = new Copy(word(1.0, 1.26, "b", 0.97), false, false);
    assertThat(CopyRules.better(b, a)).isEqualTo(Reason.CONFIDENCE);
    assertThat(CopyRules.better(a, b)).isNull();
    Copy cutA = new Copy(word(1.0, 1.1, "a", 0.20), false, true);
    Copy cutB = new Copy(word(1.0, 1.2, "b", 0.45), true, false);
    assertThat(CopyRules.better(cutB, cutA)).isEqualTo(Reason.CONFIDENCE);
  }

  @Test
  void shouldKeepTheEarlierArrivalOnATie() {
    Copy first = new Copy(word(1.0, 1.26, "a", 0.95), false, false);
    Copy second = new Copy(word(1.0, 1.26, "b", 0.95), false, false);
    assertThat(CopyRules.better(second, first)).isNull();
  }
}
