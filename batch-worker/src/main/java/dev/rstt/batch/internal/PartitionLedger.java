package dev.rstt.batch.internal;

import dev.rstt.batch.session.RecordRef;
import java.util.ArrayDeque;

/**
 * The commit rule of one assigned partition of {@code audio.degraded} (docs/CONTRACT.md section 5): records are
 * tracked in offset order and marked done in any order (by their session's core, or the intake for a tombstone or
 * a dead letter); the offset to commit is the lowest record not done, or one past the last record read.
 */
final class PartitionLedger {

  /** One record of the partition. */
  static final class Tracked implements RecordRef {
    private final long offset;
    private final long readAtMs;
    private boolean done;

    Tracked(long offset, long readAtMs) {
      this.offset = offset;
      this.readAtMs = readAtMs;
    }

    long offset() {
      return offset;
    }

    boolean isDone() {
      return done;
    }

    void markDone() {
      done = true;
    }

    @Override
    public String toString() {
      return "record@" + offset;
    }
  }

  private final ArrayDeque<Tracked> open = new ArrayDeque<>();
  private long nextOffset = -1;
  private long committed = -1;

  /** Tracks a record just read ({@code readAtMs}: wall clock); offsets must increase. */
  Tracked track(long offset, long readAtMs) {
    if (offset < nextOffset) {
      throw new IllegalStateException("offset " + offset + " read after " + (nextOffset - 1));
    }
    Tracked t = new Tracked(offset, readAtMs);
    open.addLast(t);
    nextOffset = offset + 1;
    return t;
  }

  /** The offset to commit now (lowest not done), or -1 when nothing was read. */
  long committable() {
    while (!open.isEmpty() && open.peekFirst().done) {
      open.pollFirst();
    }
    return open.isEmpty() ? nextOffset : open.peekFirst().offset;
  }

  /** The committable offset when it moved past the last commit, else -1. */
  long pendingCommit() {
    long c = committable();
    return c > committed ? c : -1;
  }

  void markCommitted(long offset) {
    committed = Math.max(committed, offset);
  }

  /** An asynchronous commit failed: offer the offset again. */
  void commitFailed() {
    committed = -1;
  }

  /** Wall-clock read time of the oldest record not done, or -1. */
  long oldestOpenReadAtMs() {
    committable();
    return open.isEmpty() ? -1 : open.peekFirst().readAtMs;
  }

  /** Records read and not yet done. */
  int openCount() {
    committable();
    return (int) open.stream().filter(t -> !t.done).count();
  }
}
