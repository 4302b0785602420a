package dev.rstt.merger.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CombineRulesTest {

  private static Segment seg(String stt, String speaker, boolean isUser, double start, double end, String text) {
    return new Segment("id", stt, "deepgram", speaker, 0, isUser, null, start, end, text,
        List.of(new Word(text, start, end, stt)));
  }

  @Test
  void shouldBlockOnlyWhenBothSttSessionsAreSetAndDiffer() {
    assertThat(CombineRules.barrierBlocks("a", "b")).isTrue();
    assertThat(CombineRules.barrierBlocks("a", "a")).isFalse();
    assertThat(CombineRules.barrierBlocks(null, "a")).isFalse();
    assertThat(CombineRules.barrierBlocks("a", null)).isFalse();
    assertThat(CombineRules.barrierBlocks(null, null)).isFalse();
  }

  @Test
  void shouldApplyTheGapAndLengthRulesAtTheirBoundaries() {
    Segment a = seg("s", "SPEAKER_0", false, 0, 1, "hello");
    assertThat(CombineRules.canMerge(a, seg("s", "SPEAKER_0", false, 3.99, 4.5, "There"))).isTrue();
    assertThat(CombineRules.canMerge(a, seg("s", "SPEAKER_0", false, 4.0, 4.5, "There"))).isFalse();
    assertThat(CombineRules.canMerge(a, seg("s", "SPEAKER_0", false, 4.0, 4.5, "there"))).as("lowercase").isTrue();
    Segment long124 = seg("s", "SPEAKER_0", false, 0, 1, "x".repeat(123) + ".");
    Segment long125 = seg("s", "SPEAKER_0", false, 0, 1, "x".repeat(124) + ".");
    assertThat(CombineRules.canMerge(long124, seg("s", "SPEAKER_0", false, 1.1, 2, "Next"))).isTrue();
    assertThat(CombineRules.canMerge(long125, seg("s", "SPEAKER_0", false, 1.1, 2, "Next"))).isFalse();
    assertThat(CombineRules.canMerge(long125, seg("s", "SPEAKER_0", false, 1.1, 2, "next")))
        .as("no continuation after a finished sentence").isFalse();
    assertThat(CombineRules.canMerge(seg("s", "SPEAKER_0", false, 0, 1, "Really?"),
        seg("s", "SPEAKER_0", false, 9, 10, "yes"))).isFalse();
    assertThat(CombineRules.canMerge(seg("s", "SPEAKER_0", false, 0, 1, "Wow!"),
        seg("s", "SPEAKER_0", false, 1.5, 2, "Yes"))).as("short, so still merged").isTrue();
  }

  @Test
  void shouldRequireTheSameSpeakerOrBothUserForEveryRule() {
    Segment a = seg("s", "SPEAKER_0", false, 0, 1, "so");
    assertThat(CombineRules.canMerge(a, seg("s", "SPEAKER_1", false, 1.1, 2, "then"))).isFalse();
    assertThat(CombineRules.canMerge(seg("s", "SPEAKER_0", true, 0, 1, "so"),
        seg("s", "SPEAKER_1", true, 1.1, 2, "Then"))).isTrue();
    assertThat(CombineRules.canMerge(seg("s", "SPEAKER_0", true, 0, 1, "so"),
        seg("s", "SPEAKER_1", false, 1.1, 2, "Then"))).isFalse();
    assertThat(CombineRules.canMerge(null, a)).isFalse();
  }

  @Test
  void shouldNormaliseLikeOmi() {
    assertThat(CombineRules.normalize("  a  b , c . d ? e !  ")).isEqualTo("a b, c. d? e !");
    assertThat(CombineRules.endsSentence("done. ")).isTrue();
    assertThat(CombineRules.endsSentence("")).isFalse();
  }
}
