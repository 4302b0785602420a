package dev.rstt.stt.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.common.deepgram.DeepgramFailure;
import org.junit.jupiter.api.Test;

class RecoveryBackoffTest {

  private static final long S = 1_000_000_000L;

  @Test
  void shouldDoublePerConsecutiveFailureUpToTheOpenWait() {
    RecoveryBackoff b = new RecoveryBackoff(SessionSettings.defaults(), bound -> 0);
    assertThat(b.afterFailure(0, DeepgramFailure.TRANSIENT)).isEqualTo(2 * S);
    assertThat(b.afterFailure(1, DeepgramFailure.TRANSIENT)).isEqualTo(2 * S);
    assertThat(b.afterFailure(2, DeepgramFailure.TRANSIENT)).isEqualTo(4 * S);
    assertThat(b.afterFailure(4, DeepgramFailure.TRANSIENT)).isEqualTo(16 * S);
    assertThat(b.afterFailure(5, DeepgramFailure.TRANSIENT)).as("capped at the open wait").isEqualTo(30 * S);
    assertThat(b.afterFailure(1_000, DeepgramFailure.TRANSIENT)).isEqualTo(30 * S);
  }

  @Test
  void shouldWaitTheWholeOpenWaitAfterAPermanentFailure() {
    RecoveryBackoff b = new RecoveryBackoff(SessionSettings.defaults(), bound -> 0);
    assertThat(b.afterFailure(1, DeepgramFailure.PERMANENT)).isEqualTo(30 * S);
  }

  @Test
  void shouldAddUpToAQuarterAsJitter() {
    RecoveryBackoff b = new RecoveryBackoff(SessionSettings.defaults(), bound -> bound - 1);
    assertThat(b.afterFailure(2, DeepgramFailure.TRANSIENT)).isEqualTo(5 * S - 1);
  }

  @Test
  void shouldSpreadRetriesAfterARefusedPermissionOverAtLeast200Ms() {
    assertThat(new RecoveryBackoff(SessionSettings.defaults(), bound -> 0).afterDenied()).isEqualTo(200_000_000L);
    assertThat(new RecoveryBackoff(SessionSettings.defaults(), bound -> bound / 2).afterDenied())
        .isEqualTo(S * 5 / 2);
    assertThat(new RecoveryBackoff(SessionSettings.defaults(), bound -> bound / 2).spread()).isEqualTo(S * 5 / 2);
  }
}
