package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionPosition;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.resume.PositionStates.ClaimOutcome;
import org.junit.jupiter.api.Test;

class PositionStatesTest {

  private static final AudioFormat PCM = new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1);

  private static SessionPosition record(String owner, int epoch, String state) {
    return PositionRecords.of("s1", "alice", PCM, owner, epoch, state, null, ResumePoint.START, null, 0);
  }

  @Test
  void aHolderLetsGoOfAClaimWithAnEpochAtLeastItsOwn() {
    assertThat(PositionStates.mustLetGo("a", 1, record("b", 2, PositionStates.CLAIMED))).isTrue();
    assertThat(PositionStates.mustLetGo("a", 1, record("a", 1, PositionStates.ATTACHED))).as("its own").isFalse();
    assertThat(PositionStates.mustLetGo("a", 3, record("b", 2, PositionStates.CLAIMED))).as("stale").isFalse();
    assertThat(PositionStates.mustLetGo("a", 1, record("b", 2, PositionStates.RELEASED)))
        .as("a release takes nothing").isFalse();
    assertThat(PositionStates.mustLetGo("a", 1, null)).isFalse();
  }

  @Test
  void aClaimerWaitsForItsOwnRelease() {
    assertThat(PositionStates.onClaimWait("b", 2, record("b", 2, PositionStates.RELEASED), false))
        .as("before the claim on the topic").isEqualTo(ClaimOutcome.WAIT);
    assertThat(PositionStates.onClaimWait("b", 2, record("b", 2, PositionStates.RELEASED), true))
        .isEqualTo(ClaimOutcome.RELEASED);
    assertThat(PositionStates.onClaimWait("b", 2, record("c", 3, PositionStates.RELEASED), true))
        .isEqualTo(ClaimOutcome.WAIT);
    assertThat(PositionStates.onClaimWait("b", 2, record("c", 2, PositionStates.CLAIMED), true))
        .isEqualTo(ClaimOutcome.LOST);
    assertThat(PositionStates.onClaimWait("b", 2, null, true)).isEqualTo(ClaimOutcome.ENDED);
  }

  @Test
  void aLiveHolderOfAStoppedSessionKeepsItAndTheClaimerGivesUp() {
    assertThat(PositionStates.onClaimWait("b", 2, record("a", 2, PositionStates.STOPPING), true))
        .as("the holder's answer at the claim's epoch").isEqualTo(ClaimOutcome.ENDED);
    assertThat(PositionStates.onClaimWait("b", 2, record("a", 1, PositionStates.STOPPING), false))
        .as("its lease before the claim").isEqualTo(ClaimOutcome.WAIT);
  }
}
