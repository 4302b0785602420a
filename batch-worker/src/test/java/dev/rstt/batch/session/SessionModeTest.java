package dev.rstt.batch.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionModeTest {

  @Test
  void shouldAllowOnlyTheListedPredecessors() {
    assertThat(SessionMode.WAITING.predecessors()).containsExactly(SessionMode.DEGRADED);
    assertThat(SessionMode.DEGRADED.predecessors()).containsExactly(SessionMode.WAITING);
    assertThat(SessionMode.ENDING.predecessors()).containsExactlyInAnyOrder(SessionMode.WAITING,
        SessionMode.DEGRADED);
    assertThat(SessionMode.ENDED.predecessors()).containsExactlyInAnyOrder(SessionMode.WAITING,
        SessionMode.DEGRADED, SessionMode.ENDING);
    for (SessionMode m : SessionMode.values()) {
      assertThat(m.canFollow(m)).as("%s does not follow itself", m).isFalse();
      assertThat(m.canFollow(SessionMode.ENDED)).as("nothing follows ENDED").isFalse();
    }
  }

  @Test
  void shouldRefuseAChangeTheTableDoesNotList() {
    SessionState s = new SessionState(BatchSettings.defaults(), () -> "x", b -> 0, 0);
    assertThat(s.mode()).isEqualTo(SessionMode.WAITING);
    assertThatThrownBy(() -> s.transitionTo(SessionMode.WAITING, "test"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("WAITING -> WAITING");
    s.transitionTo(SessionMode.ENDING, "test");
    assertThatThrownBy(() -> s.transitionTo(SessionMode.DEGRADED, "test"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ENDING -> DEGRADED");
    assertThat(s.mode()).isEqualTo(SessionMode.ENDING);
  }
}
