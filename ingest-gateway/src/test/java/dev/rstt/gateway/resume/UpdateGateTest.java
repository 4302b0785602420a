package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpdateGateTest {

  private static SessionUpdate update(long revision) {
    return SessionUpdate.newBuilder().setSessionId("s1").setRevision(revision).setSegments(List.of())
        .setStatus(null).setComplete(false).build();
  }

  @Test
  void heldUpdatesNewerThanTheSnapshotFollowItInOrder() {
    UpdateGate gate = new UpdateGate(10);
    assertThat(gate.hold(update(1))).as("open: delivered at once").isFalse();
    gate.close();
    assertThat(gate.hold(update(7))).isTrue();
    assertThat(gate.hold(update(5))).isTrue();
    assertThat(gate.hold(update(6))).isTrue();
    assertThat(gate.open(5)).extracting(SessionUpdate::getRevision).containsExactly(6L, 7L);
    assertThat(gate.isClosed()).isFalse();
  }

  @Test
  void boundedHolding() {
    UpdateGate gate = new UpdateGate(1);
    gate.close();
    assertThat(gate.hold(update(1))).isTrue();
    assertThat(gate.hold(update(2))).as("full: delivered at once").isFalse();
  }
}
