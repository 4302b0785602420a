package dev.rstt.stt.session;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a session is doing, with the modes it may be entered from. Only {@link SessionCore}'s
 * {@code transitionTo} changes a session's mode, and it refuses any change this table does not list.
 */
public enum SessionMode {
  /** SessionStarted seen, no audio yet. */
  IDLE,
  /** A first live connection is being opened (or a new one after an idle close); chunks are held. */
  CONNECTING,
  /** Chunks go to the live socket. */
  LIVE,
  /** Finalize + CloseStream sent (session ended or idle): waiting for the close and the last finals. */
  CLOSING,
  /** Chunks go to audio.degraded; a recovery may be scheduled. */
  DEGRADED,
  /** Degraded, with a recovery connection being opened; chunks still go to audio.degraded. */
  RECOVERING,
  /** Recovery connection open (overlap sent); chunks held until LiveResumed is acknowledged. */
  RESUMING,
  /** Everything done; the session emits nothing more. */
  ENDED;

  private Set<SessionMode> predecessors;

  static {
    IDLE.predecessors = EnumSet.noneOf(SessionMode.class);
    CONNECTING.predecessors = EnumSet.of(IDLE, CLOSING);
    LIVE.predecessors = EnumSet.of(CONNECTING, RESUMING);
    CLOSING.predecessors = EnumSet.of(LIVE);
    DEGRADED.predecessors = EnumSet.of(CONNECTING, LIVE, CLOSING, RECOVERING, RESUMING);
    RECOVERING.predecessors = EnumSet.of(DEGRADED);
    RESUMING.predecessors = EnumSet.of(RECOVERING);
    ENDED.predecessors = EnumSet.of(IDLE, CLOSING, DEGRADED);
  }

  /** The modes this one may be entered from. */
  public Set<SessionMode> predecessors() {
    return Set.copyOf(predecessors);
  }

  public boolean canFollow(SessionMode previous) {
    return predecessors.contains(previous);
  }

  /** Whether the session's audio currently goes (or went, until LiveResumed) to the batch path. */
  public boolean degraded() {
    return this == DEGRADED || this == RECOVERING || this == RESUMING;
  }
}
