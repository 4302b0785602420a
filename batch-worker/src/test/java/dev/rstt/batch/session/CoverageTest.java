package dev.rstt.batch.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CoverageTest {

  @Test
  void shouldMergeAdjacentAndOverlappingRangesAndTellWhatIsAllThere() {
    Coverage c = new Coverage();
    assertThat(c.covers(0, 0)).as("an empty range").isTrue();
    assertThat(c.covers(0, 1)).isFalse();
    c.add(100, 200);
    c.add(200, 300);
    c.add(500, 600);
    assertThat(c.size()).isEqualTo(2);
    assertThat(c.covers(100, 300)).isTrue();
    assertThat(c.covers(250, 550)).as("across the gap").isFalse();
    assertThat(c.covers(99, 150)).isFalse();
    c.add(250, 520);
    assertThat(c.size()).isEqualTo(1);
    assertThat(c.covers(100, 600)).isTrue();
    c.add(0, 1_000);
    assertThat(c.size()).isEqualTo(1);
    assertThat(c.covers(0, 1_000)).isTrue();
    c.clear();
    assertThat(c.covers(100, 101)).isFalse();
  }
}
