package dev.rstt.batch.worker;

import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Commit bookkeeping of one assigned partition: the records read and not yet done. The offset that may be
 * committed is the lowest record not done, or just past the last record read when all are done.
 */
final class PartitionLedger {

  private final TopicPartition partition;
  private final TreeMap<Long, RecordRef> pending = new TreeMap<>();
  private long nextOffset = -1;
  private long committed = -1;
  private boolean revoked;

  PartitionLedger(TopicPartition partition) {
    this.partition = partition;
  }

  TopicPartition partition() {
    return partition;
  }

  /** Starts tracking a record that will be done later. */
  RecordRef track(long offset, long receivedAtMs) {
    advance(offset);
    RecordRef ref = new RecordRef(this, offset, receivedAtMs);
    pending.put(offset, ref);
    return ref;
  }

  /** A record handled at once (a duplicate, a tombstone): done as soon as it is read. */
  void handled(long offset) {
    advance(offset);
  }

  private void advance(long offset) {
    if (offset < nextOffset) {
      throw new IllegalStateException(partition + ": offset " + offset + " read after " + (nextOffset - 1));
    }
    nextOffset = offset + 1;
  }

  void done(RecordRef ref) {
    pending.remove(ref.offset(), ref);
  }

  /** The offset to commit: the lowest record not done, or past the last record read; empty before any. */
  OptionalLong safeOffset() {
    if (!pending.isEmpty()) {
      return OptionalLong.of(pending.firstKey());
    }
    return nextOffset < 0 ? OptionalLong.empty() : OptionalLong.of(nextOffset);
  }

  /** The safe offset when it moved past the last commit, else empty. */
  OptionalLong commitCandidate() {
    OptionalLong safe = safeOffset();
    return safe.isPresent() && safe.getAsLong() > committed ? safe : OptionalLong.empty();
  }

  void committed(long offset) {
    committed = Math.max(committed, offset);
  }

  /** An async commit failed: commit the safe offset again next time. */
  void commitFailed() {
    committed = -1;
  }

  int pendingCount() {
    return pending.size();
  }

  /** Receive time of the oldest record not done, or -1. */
  long oldestPendingReceivedAtMs() {
    return pending.isEmpty() ? -1 : pending.firstEntry().getValue().receivedAtMs();
  }

  void revoke() {
    revoked = true;
  }

  boolean isRevoked() {
    return revoked;
  }
}
