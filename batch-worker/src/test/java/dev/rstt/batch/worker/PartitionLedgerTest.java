package dev.rstt.batch.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionLedgerTest {

  private final PartitionLedger ledger = new PartitionLedger(new TopicPartition("audio.degraded", 3));

  @Test
  void shouldCommitOnlyBelowTheOldestRecordNotDone() {
    assertThat(ledger.safeOffset()).isEmpty();
    RecordRef a = ledger.track(10, 1);
    RecordRef b = ledger.track(11, 2);
    RecordRef c = ledger.track(12, 3);
    // chunk 1 covers a and the first half of b; chunk 2 the rest of b and c
    a.hold();
    b.hold();
    a.seal();
    assertThat(ledger.safeOffset()).hasValue(10);
    b.hold();
    c.hold();
    b.seal();
    c.seal();
    // chunk 2 acknowledged first: nothing moves, a is still waiting on chunk 1
    b.release();
    c.release();
    assertThat(ledger.safeOffset()).hasValue(10);
    assertThat(c.isDone()).isTrue();
    a.release();
    assertThat(ledger.safeOffset()).hasValue(11);
    b.release();
    assertThat(ledger.safeOffset()).hasValue(13);
    assertThat(ledger.oldestPendingReceivedAtMs()).isEqualTo(-1);
  }

  @Test
  void shouldNotBeDoneBeforeSealedEvenWithNothingOutstanding() {
    RecordRef a = ledger.track(0, 5);
    a.hold();
    a.release();
    assertThat(a.isDone()).isFalse();
    assertThat(ledger.safeOffset()).hasValue(0);
    assertThat(ledger.oldestPendingReceivedAtMs()).isEqualTo(5);
    a.seal();
    assertThat(ledger.safeOffset()).hasValue(1);
  }

  @Test
  void shouldMoveOverHandledRecordsAndOfferEachCommitOnce() {
    ledger.handled(4);
    assertThat(ledger.commitCandidate()).hasValue(5);
    ledger.committed(5);
    assertThat(ledger.commitCandidate()).isEmpty();
    RecordRef r = ledger.track(5, 0);
    r.seal();
    assertThat(ledger.commitCandidate()).hasValue(6);
    ledger.committed(6);
    ledger.commitFailed();
    assertThat(ledger.commitCandidate()).hasValue(6);
  }

  @Test
  void shouldRejectReleasingMoreThanHeldAndOffsetsGoingBack() {
    RecordRef r = ledger.track(7, 0);
    assertThatThrownBy(r::release).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ledger.track(6, 0)).isInstanceOf(IllegalStateException.class);
  }
}
