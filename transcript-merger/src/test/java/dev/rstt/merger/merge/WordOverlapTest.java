package dev.rstt.merger.merge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordOverlapTest {

  @Test
  void shouldTreatHalfTheShorterWordAsTheThreshold() {
    Word accepted = new Word("w001", 1.0, 1.26, "live");
    assertThat(WordOverlap.isDuplicate(accepted, new Word("w001", 1.13, 1.39, "batch"))).isTrue(); // 0.13 = half
    assertThat(WordOverlap.isDuplicate(accepted, new Word("w001", 1.14, 1.40, "batch"))).isFalse(); // 0.12
    assertThat(WordOverlap.isDuplicate(accepted, new Word("a", 1.0, 1.05, "batch"))).as("short word inside").isTrue();
    assertThat(WordOverlap.isDuplicate(accepted, new Word("b", 1.26, 1.5, "batch"))).as("touching").isFalse();
    assertThat(WordOverlap.isDuplicate(accepted, new Word("c", 2.0, 2.26, "batch"))).isFalse();
  }

  @Test
  void shouldNeverCompareWordsOfTheSameSttSession() {
    Word accepted = new Word("one", 1.0, 1.26, "live");
    assertThat(WordOverlap.isDuplicate(accepted, new Word("uno", 1.0, 1.26, "live"))).isFalse();
    assertThat(WordOverlap.isDuplicate(new Word("x", 1.0, 1.26, null), new Word("y", 1.0, 1.26, null))).isFalse();
    assertThat(WordOverlap.isDuplicate(new Word("x", 1.0, 1.26, null), new Word("y", 1.0, 1.26, "live"))).isTrue();
  }
}
