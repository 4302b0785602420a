package dev.rstt.batch.session;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a session is on the batch path, with the modes it may be entered from. Only {@code SessionState}'s
 * {@code transitionTo} changes a session's mode, and it refuses any change this table does not list.
 */
public enum SessionMode {
  /** No degraded episode open: nothing read yet, or live resumed. */
  WAITING,
  /** A degraded episode is open: its audio is buffered and cut into batch chunks. */
  DEGRADED,
  /** SessionEnded read: batch_finished waits for the chunks cut before it, then the session ends. */
  ENDING,
  /** Finished (or its partition gone); the session emits nothing more. */
  ENDED;

  private Set<SessionMode> predecessors;

  static {
    WAITING.predecessors = EnumSet.of(DEGRADED);
    DEGRADED.predecessors = EnumSet.of(WAITING);
    ENDING.predecessors = EnumSet.of(WAITING, DEGRADED);
    ENDED.predecessors = EnumSet.of(WAITING, DEGRADED, ENDING);
  }

  /** The modes this one may be entered from. */
  public Set<SessionMode> predecessors() {
    return Set.copyOf(predecessors);
  }

  public boolean canFollow(SessionMode previous) {
    return predecessors.contains(previous);
  }
}
