package dev.rstt.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChaosRunTest {

  private static final long CLOSED = 1_000_000L;

  @Test
  void shouldWaitForASessionCutWithoutStopAsLongAsForAnEndedOne() {
    long settle = CLOSED + 360_000; // the run's settle deadline: beyond the STT worker's idle timeout
    // cut by a gateway kill, no SessionEnded yet: its last words come at the idle timeout, minutes later
    assertThat(ChaosRun.settleDeadline(false, CLOSED, settle)).isEqualTo(settle);
    assertThat(ChaosRun.settleDeadline(true, CLOSED, settle)).isEqualTo(settle);
    // a settle time shorter than the least wait for a cut session does not cut it short
    assertThat(ChaosRun.settleDeadline(false, CLOSED, CLOSED + 10_000))
        .isEqualTo(CLOSED + ChaosRun.CUT_SETTLE_MIN_MS);
    assertThat(ChaosRun.settleDeadline(true, CLOSED, CLOSED + 10_000)).isEqualTo(CLOSED + 10_000);
  }
}
