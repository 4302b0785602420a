package dev.rstt.gateway.session;

import dev.rstt.gateway.session.GatewaySession.State;

/**
 * The states of one session and the rules that move it (docs/CONTRACT.md sections 8 and 10): OPEN (audio flows) →
 * STOPPING (stop) or ENDING (closing for another reason) → CLOSED; a resumable OPEN session whose socket goes away
 * is DETACHED until a socket attaches (OPEN again) or the window passes (ENDING); HANDED_OVER once another gateway
 * took it (it drains, no SessionEnded). Each socket gets an attachment number: what an older socket says is
 * ignored. Pure; the session serialises.
 */
final class SessionLifecycle {

  /** What a socket going away does. */
  enum Gone { IGNORED, DETACHED, END }

  /** What a request to end does: end it (publish SessionEnded), only close the socket (stop in flight), nothing. */
  enum Ending { END, CLOSE_ONLY, NOTHING }

  private final boolean resumable;
  private State state = State.OPEN;
  private int attachment;
  private Long detachedAtMs;

  /** @param resumable a socket that goes away without stop detaches the session instead of ending it */
  SessionLifecycle(boolean resumable) {
    this.resumable = resumable;
  }

  State state() {
    return state;
  }

  int attachment() {
    return attachment;
  }

  Long detachedAtMs() {
    return detachedAtMs;
  }

  /** Open or detached: its audio may still continue here. */
  boolean held() {
    return state == State.OPEN || state == State.DETACHED;
  }

  /** Audio from the socket of attachment {@code from} is taken. */
  boolean takesAudio(int from) {
    return state == State.OPEN && from == attachment;
  }

  /** A socket with a new attachment number takes the session; returns whether one was attached (null: refused). */
  Boolean attach() {
    if (!held()) {
      return null;
    }
    boolean wasOpen = state == State.OPEN;
    state = State.OPEN;
    detachedAtMs = null;
    attachment++;
    return wasOpen;
  }

  /** The socket of attachment {@code from} went away without stop at {@code nowMs}. */
  Gone socketGone(int from, long nowMs) {
    if (from != attachment) {
      return Gone.IGNORED;
    }
    if (resumable && state == State.OPEN) {
      state = State.DETACHED;
      detachedAtMs = nowMs;
      return Gone.DETACHED;
    }
    return Gone.END;
  }

  /** Another gateway takes the session: whether a socket was attached (null: not held here). */
  Boolean handOver() {
    if (!held()) {
      return null;
    }
    boolean wasOpen = state == State.OPEN;
    state = State.HANDED_OVER;
    return wasOpen;
  }

  /** {@code stop} from the app: whether it ends the audio (only an open session's does). */
  boolean stop() {
    if (state != State.OPEN) {
      return false;
    }
    state = State.STOPPING;
    return true;
  }

  /** The close after stop is due: whether the session still waits for it (else it closed meanwhile). */
  boolean closeAfterStop() {
    if (state != State.STOPPING) {
      return false;
    }
    state = State.CLOSED;
    return true;
  }

  /** The session is to end for {@code reason}. */
  Ending terminate(String reason) {
    if (held()) {
      state = State.ENDING;
      return Ending.END;
    }
    if (state == State.STOPPING && !"client_closed".equals(reason)) {
      state = State.ENDING; // stop in flight already publishes SessionEnded; just close now
      return Ending.CLOSE_ONLY;
    }
    return Ending.NOTHING;
  }

  /** SessionEnded was published (or the session was abandoned, or a record of it failed for good). */
  void closed() {
    state = State.CLOSED;
  }

  /** A record failed for good: whether the app's socket was still open. */
  boolean publishFailed() {
    boolean socketOpen = state == State.OPEN || state == State.STOPPING;
    state = State.CLOSED;
    return socketOpen;
  }
}
