package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.gateway.resume.IntakeCursor.Action;
import org.junit.jupiter.api.Test;

class IntakeCursorTest {

  @Test
  void aResendFromAnOlderIndexIsDroppedUpToWhatWasTaken() {
    IntakeCursor cursor = IntakeCursor.fresh();
    for (int i = 0; i < 10; i++) {
      assertThat(cursor.take()).isEqualTo(Action.KEEP);
    }
    assertThat(cursor.expected()).isEqualTo(10);
    assertThat(cursor.accepts(11)).as("a gap").isFalse();
    cursor.restart(6);
    for (int i = 6; i < 10; i++) {
      assertThat(cursor.take()).as("message %d again", i).isEqualTo(Action.DROP);
    }
    assertThat(cursor.take()).isEqualTo(Action.KEEP);
    assertThat(cursor.expected()).isEqualTo(11);
  }

  @Test
  void twoResumesInARowStillDropEverythingTaken() {
    IntakeCursor cursor = IntakeCursor.fresh();
    for (int i = 0; i < 10; i++) {
      cursor.take();
    }
    cursor.restart(8);
    cursor.take(); // 8, dropped
    cursor.restart(2); // the socket dropped again before 10 was reached
    for (int i = 2; i < 10; i++) {
      assertThat(cursor.take()).isEqualTo(Action.DROP);
    }
    assertThat(cursor.take()).isEqualTo(Action.KEEP);
  }

  @Test
  void aTakeOverPrimesTheDecoderWithTheMessageBeforeTheDurablePoint() {
    IntakeCursor cursor = IntakeCursor.takenOver(20, 1, 17);
    assertThat(cursor.expected()).isEqualTo(19);
    assertThat(cursor.take()).isEqualTo(Action.DROP); // 17
    assertThat(cursor.take()).isEqualTo(Action.DROP); // 18
    assertThat(cursor.take()).isEqualTo(Action.PRIME); // 19: decoded only
    assertThat(cursor.take()).isEqualTo(Action.KEEP); // 20
    assertThatThrownBy(() -> IntakeCursor.takenOver(20, 1, 20)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRestartThatLeavesAGapIsRefused() {
    IntakeCursor cursor = IntakeCursor.fresh();
    cursor.take();
    assertThatThrownBy(() -> cursor.restart(2)).isInstanceOf(IllegalArgumentException.class);
    assertThat(cursor.accepts(-1)).isFalse();
  }
}
