package dev.rstt.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BacklogTest {

  @Test
  void shouldStartOldestAudioFirstUpToTheLimit() {
    Backlog<String> backlog = new Backlog<>();
    backlog.add("young", 300, 0, 0);
    backlog.add("old", 100, 0, 0);
    backlog.add("middle", 200, 0, 0);
    assertThat(backlog.takeDue(0, 1, 3)).containsExactly("old", "middle");
    assertThat(backlog.takeDue(0, 3, 3)).isEmpty();
    assertThat(backlog.takeDue(0, 0, 3)).containsExactly("young");
    assertThat(backlog.isEmpty()).isTrue();
  }

  @Test
  void shouldNotLetAYoungerChunkOvertakeAnOlderOneThatIsBackingOff() {
    Backlog<String> backlog = new Backlog<>();
    backlog.add("young", 200, 0, 0);
    backlog.add("old", 100, 0, 5_000);
    assertThat(backlog.takeDue(1_000, 0, 4)).isEmpty();
    assertThat(backlog.takeDue(5_000, 0, 4)).containsExactly("old", "young");
  }

  @Test
  void shouldBreakTiesByCutOrderThenByArrival() {
    Backlog<String> backlog = new Backlog<>();
    backlog.add("second", 100, 2, 0);
    backlog.add("first", 100, 1, 0);
    backlog.add("other session", 100, 1, 0);
    assertThat(backlog.takeDue(0, 0, 2)).containsExactly("first", "other session");
    assertThat(backlog.removeIf("second"::equals)).isEqualTo(1);
    assertThat(backlog.size()).isZero();
  }
}
