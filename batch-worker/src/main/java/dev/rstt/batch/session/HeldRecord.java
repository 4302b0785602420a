package dev.rstt.batch.session;

/**
 * A record of {@code audio.degraded} the session holds and what it waits for (docs/CONTRACT.md section 5): it is
 * done once it is sealed (all its samples are cut into batch chunks, or its status is on its way) and every batch
 * chunk holding its samples (or its status) is acknowledged.
 */
final class HeldRecord {

  final RecordRef ref;
  /** When it was read (the core's clock): the age of the audio, for the oldest-first order of chunks. */
  final long readAt;
  private int outstanding;
  private boolean sealed;
  private boolean done;

  HeldRecord(RecordRef ref, long readAt) {
    this.ref = ref;
    this.readAt = readAt;
  }

  /** One more chunk (or status) must be acknowledged before the record is done. */
  void hold() {
    if (sealed) {
      throw new IllegalStateException("Record held after it was sealed");
    }
    outstanding++;
  }

  /** One thing it waited for was acknowledged; returns whether the record is now done. */
  boolean release() {
    if (outstanding <= 0) {
      throw new IllegalStateException("Record released more often than held");
    }
    outstanding--;
    return becameDone();
  }

  /** No further holds will come; returns whether the record is now done. */
  boolean seal() {
    sealed = true;
    return becameDone();
  }

  private boolean becameDone() {
    if (!done && sealed && outstanding == 0) {
      done = true;
      return true;
    }
    return false;
  }
}
