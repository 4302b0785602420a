package dev.rstt.batch.worker;

/**
 * One consumed record of {@code audio.degraded} that is not yet done. It is done once it is sealed (all its
 * samples have been cut into batch chunks, or its status is on its way) and nothing it waits for is
 * outstanding (chunks whose result Kafka has not acknowledged yet, or its status).
 */
final class RecordRef {

  private final PartitionLedger ledger;
  private final long offset;
  private final long receivedAtMs;
  private int outstanding;
  private boolean sealed;

  RecordRef(PartitionLedger ledger, long offset, long receivedAtMs) {
    this.ledger = ledger;
    this.offset = offset;
    this.receivedAtMs = receivedAtMs;
  }

  long offset() {
    return offset;
  }

  long receivedAtMs() {
    return receivedAtMs;
  }

  /** Something (a chunk or a status) must be acknowledged before this record is done. */
  void hold() {
    outstanding++;
  }

  /** One thing it waited for was acknowledged. */
  void release() {
    if (outstanding <= 0) {
      throw new IllegalStateException("Record " + offset + " released more often than held");
    }
    outstanding--;
    maybeDone();
  }

  /** No further holds will be added. */
  void seal() {
    sealed = true;
    maybeDone();
  }

  boolean isDone() {
    return sealed && outstanding == 0;
  }

  private void maybeDone() {
    if (isDone()) {
      ledger.done(this);
    }
  }
}
