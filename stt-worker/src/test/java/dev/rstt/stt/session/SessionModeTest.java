package dev.rstt.stt.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SessionModeTest {

  @Test
  void shouldAllowOnlyTheListedPredecessors() {
    assertThat(SessionMode.IDLE.predecessors()).isEmpty();
    assertThat(SessionMode.CONNECTING.predecessors()).containsExactlyInAnyOrder(SessionMode.IDLE,
        SessionMode.CLOSING);
    assertThat(SessionMode.LIVE.predecessors()).containsExactlyInAnyOrder(SessionMode.CONNECTING,
        SessionMode.RESUMING);
    assertThat(SessionMode.CLOSING.predecessors()).containsExactly(SessionMode.LIVE);
    assertThat(SessionMode.DEGRADED.predecessors()).containsExactlyInAnyOrder(SessionMode.CONNECTING,
        SessionMode.LIVE, SessionMode.CLOSING, SessionMode.RECOVERING, SessionMode.RESUMING);
    assertThat(SessionMode.RECOVERING.predecessors()).containsExactly(SessionMode.DEGRADED);
    assertThat(SessionMode.RESUMING.predecessors()).containsExactly(SessionMode.RECOVERING);
    assertThat(SessionMode.ENDED.predecessors()).containsExactlyInAnyOrder(SessionMode.IDLE, SessionMode.CLOSING,
        SessionMode.DEGRADED);
    for (SessionMode m : SessionMode.values()) {
      assertThat(m.canFollow(m)).as("%s does not follow itself", m).isFalse();
      assertThat(m.canFollow(SessionMode.ENDED)).as("nothing follows ENDED").isFalse();
    }
  }

  @Test
  void shouldCallOnlyTheBatchPathModesDegraded() {
    EnumSet<SessionMode> degraded = EnumSet.noneOf(SessionMode.class);
    for (SessionMode m : SessionMode.values()) {
      if (m.degraded()) {
        degraded.add(m);
      }
    }
    assertThat(degraded).containsExactlyInAnyOrder(SessionMode.DEGRADED, SessionMode.RECOVERING,
        SessionMode.RESUMING);
  }

  @Test
  void shouldRefuseAChangeTheTableDoesNotList() {
    SessionState s = new SessionState(SessionSettings.defaults(), () -> "x", b -> 0, 0);
    assertThatThrownBy(() -> s.transitionTo(SessionMode.LIVE, "test"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("IDLE -> LIVE");
    assertThat(s.mode()).isEqualTo(SessionMode.IDLE);
    s.transitionTo(SessionMode.CONNECTING, "test");
    assertThat(s.mode()).isEqualTo(SessionMode.CONNECTING);
  }
}
