package dev.rstt.stt.internal;

import dev.rstt.stt.session.RecordRef;
import java.util.ArrayDeque;

/**
 * The commit rule of one partition: records are tracked in offset order and marked done in any order; the
 * committable offset is the lowest record not done (or one past the last record read when all are done).
 */
public final class PartitionProgress {

  /** One record of the partition, done once its audio is covered or durably rerouted. */
  public static final class Tracked implements RecordRef {
    private final long offset;
    private boolean done;

    Tracked(long offset) {
      this.offset = offset;
    }

    public long offset() {
      return offset;
    }

    public boolean isDone() {
      return done;
    }

    public void markDone() {
      done = true;
    }
  }

  private final ArrayDeque<Tracked> open = new ArrayDeque<>();
  private long nextOffset = -1;
  private long committed = -1;

  /** Tracks a record just read; offsets must increase. */
  public Tracked track(long offset) {
    if (offset < nextOffset) {
      throw new IllegalStateException("offset " + offset + " read after " + (nextOffset - 1));
    }
    Tracked t = new Tracked(offset);
    open.addLast(t);
    nextOffset = offset + 1;
    return t;
  }

  /** The offset to commit now (lowest not done), or -1 when nothing was read. */
  public long committable() {
    while (!open.isEmpty() && open.peekFirst().done) {
      open.pollFirst();
    }
    if (!open.isEmpty()) {
      return open.peekFirst().offset;
    }
    return nextOffset;
  }

  /** The committable offset when it moved since the last {@link #markCommitted}, else -1. */
  public long pendingCommit() {
    long c = committable();
    return c > committed ? c : -1;
  }

  public void markCommitted(long offset) {
    committed = Math.max(committed, offset);
  }

  /** Records read but not yet done. */
  public int openCount() {
    committable();
    return (int) open.stream().filter(t -> !t.done).count();
  }
}
