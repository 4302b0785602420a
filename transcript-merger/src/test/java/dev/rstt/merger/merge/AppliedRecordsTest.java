package dev.rstt.merger.merge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppliedRecordsTest {

  @Test
  void shouldRecogniseAppliedSeqsAndKeepContiguousOnesAsOneRange() {
    AppliedRecords applied = new AppliedRecords();
    for (long seq = 0; seq < 1000; seq++) {
      assertThat(applied.add("live", seq)).isTrue();
    }
    assertThat(applied.add("live", 500)).isFalse();
    assertThat(applied.contains("live", 999)).isTrue();
    assertThat(applied.contains("live", 1000)).isFalse();
    assertThat(applied.contains("other", 0)).isFalse();
    assertThat(applied.ranges()).containsExactly(new AppliedRecords.Range("live", 0, 999));
  }

  @Test
  void shouldCoalesceRangesFilledOutOfOrder() {
    AppliedRecords applied = new AppliedRecords();
    applied.add("s", 5);
    applied.add("s", 3);
    applied.add("s", 1);
    assertThat(applied.contains("s", 2)).isFalse();
    applied.add("s", 2);
    applied.add("s", 4);
    assertThat(applied.ranges()).containsExactly(new AppliedRecords.Range("s", 1, 5));
  }
}
