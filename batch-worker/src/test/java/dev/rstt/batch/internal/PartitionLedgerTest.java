package dev.rstt.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartitionLedgerTest {

  private final PartitionLedger ledger = new PartitionLedger();

  @Test
  void shouldCommitOnlyBelowTheOldestRecordNotDone() {
    assertThat(ledger.committable()).isEqualTo(-1);
    PartitionLedger.Tracked a = ledger.track(10, 1);
    PartitionLedger.Tracked b = ledger.track(11, 2);
    PartitionLedger.Tracked c = ledger.track(12, 3);
    assertThat(ledger.committable()).isEqualTo(10);
    c.markDone();
    b.markDone();
    assertThat(ledger.committable()).as("a is not done").isEqualTo(10);
    assertThat(ledger.oldestOpenReadAtMs()).isEqualTo(1);
    a.markDone();
    assertThat(ledger.committable()).isEqualTo(13);
    assertThat(ledger.oldestOpenReadAtMs()).isEqualTo(-1);
    assertThat(ledger.openCount()).isZero();
  }

  @Test
  void shouldOfferEachCommitOnceAndAgainAfterAFailedCommit() {
    ledger.track(4, 0).markDone();
    assertThat(ledger.pendingCommit()).isEqualTo(5);
    ledger.markCommitted(5);
    assertThat(ledger.pendingCommit()).isEqualTo(-1);
    PartitionLedger.Tracked r = ledger.track(5, 0);
    assertThat(ledger.pendingCommit()).isEqualTo(-1);
    r.markDone();
    assertThat(ledger.pendingCommit()).isEqualTo(6);
    ledger.markCommitted(6);
    ledger.commitFailed();
    assertThat(ledger.pendingCommit()).isEqualTo(6);
  }

  @Test
  void shouldRejectOffsetsGoingBack() {
    ledger.track(7, 0);
    assertThatThrownBy(() -> ledger.track(6, 0)).isInstanceOf(IllegalStateException.class);
  }
}
