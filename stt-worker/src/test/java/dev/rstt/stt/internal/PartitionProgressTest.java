package dev.rstt.stt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartitionProgressTest {

  @Test
  void shouldCommitOnlyUpToTheLowestRecordNotDone() {
    PartitionProgress p = new PartitionProgress();
    PartitionProgress.Tracked a = p.track(10);
    PartitionProgress.Tracked b = p.track(11);
    PartitionProgress.Tracked c = p.track(12);
    assertThat(p.committable()).isEqualTo(10);
    c.markDone();
    b.markDone();
    assertThat(p.committable()).as("10 is not done, so nothing after it is committed").isEqualTo(10);
    a.markDone();
    assertThat(p.committable()).isEqualTo(13);
  }

  @Test
  void shouldReportACommitOnlyWhenTheOffsetMoved() {
    PartitionProgress p = new PartitionProgress();
    assertThat(p.pendingCommit()).isEqualTo(-1);
    PartitionProgress.Tracked a = p.track(0);
    p.track(1).markDone();
    assertThat(p.pendingCommit()).isEqualTo(0);
    p.markCommitted(0);
    assertThat(p.pendingCommit()).isEqualTo(-1);
    a.markDone();
    assertThat(p.pendingCommit()).isEqualTo(2);
    assertThat(p.openCount()).isZero();
  }

  @Test
  void shouldRejectOffsetsGoingBackwards() {
    PartitionProgress p = new PartitionProgress();
    p.track(5);
    assertThatThrownBy(() -> p.track(4)).isInstanceOf(IllegalStateException.class);
  }
}
