package dev.rstt.stt.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SocketTimersTest {

  private static final long MS = 1_000_000L;

  private final SocketTimers t = new SocketTimers(SessionSettings.defaults(), 1_000 * MS);

  @Test
  void shouldProveAliveAfterAStallTimeoutOpen() {
    assertThat(t.provenAlive(5_999 * MS)).isFalse();
    assertThat(t.provenAlive(6_000 * MS)).isTrue();
  }

  @Test
  void shouldWantAKeepAliveFiveSecondsAfterTheLastSend() {
    t.sent(2_000 * MS);
    assertThat(t.keepAliveDue(6_999 * MS)).isFalse();
    assertThat(t.keepAliveDue(7_000 * MS)).isTrue();
    t.sent(1_500 * MS);
    assertThat(t.keepAliveDue(7_000 * MS)).as("an older send does not move it back").isTrue();
  }

  @Test
  void shouldFinalizeOldOrLongUnfinalisedAudioAtMostEveryFinalizeAfter() {
    assertThat(t.finalizeDue(2_999 * MS, 1_000 * MS, 1_600, 16_000)).isFalse();
    assertThat(t.finalizeDue(3_000 * MS, 1_000 * MS, 1_600, 16_000)).isTrue();
    assertThat(t.finalizeDue(1_100 * MS, 1_000 * MS, 160_001, 16_000)).as("over 10 s unfinalised").isTrue();
    t.finalized(3_000 * MS);
    assertThat(t.finalizeDue(4_999 * MS, 1_000 * MS, 160_001, 16_000)).isFalse();
    assertThat(t.finalizeDue(5_000 * MS, 1_000 * MS, 160_001, 16_000)).isTrue();
  }

  @Test
  void shouldCallItStalledOnlyWhenAudioIsOldAndNothingCameBack() {
    assertThat(t.stalled(6_000 * MS, 1_000 * MS)).isTrue();
    t.received(5_000 * MS);
    assertThat(t.stalled(6_000 * MS, 1_000 * MS)).isFalse();
    assertThat(t.stalled(10_000 * MS, 1_000 * MS)).isTrue();
    assertThat(t.stalled(10_000 * MS, 5_001 * MS)).as("the oldest audio is younger").isFalse();
  }

  @Test
  void shouldHaveNoCloseDeadlineUntilClosing() {
    assertThat(t.closeOverdue(Long.MAX_VALUE / 2)).isFalse();
    t.closing(2_000 * MS);
    assertThat(t.closeOverdue(6_999 * MS)).isFalse();
    assertThat(t.closeOverdue(7_000 * MS)).isTrue();
  }
}
