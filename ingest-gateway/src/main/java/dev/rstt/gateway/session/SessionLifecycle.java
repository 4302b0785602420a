package dev.rstt.gateway.session;

import dev.rstt.gateway.session.GatewaySession.State;

/**
 * The states of one session and the rules that move it (docs/CONTRACT.md sections 8 and 10): OPEN (audio flows) →
 * STOPPING (stop) or ENDING (closing for another reason) → CLOSED; a resumable OPEN session whose socket goes away
 * is DETACHED until a socket attaches (OPEN again) or the window passes (ENDING); HANDED_OVER once another gateway
 * took it (it drains, no SessionEnded). A STOPPING session waits for its close after stop with or without a socket,
 * and a new socket may attach to hear it (its audio is all taken). Each socket gets an attachment number: what an
 * older socket says is ignored. Pure; the session serialises.
 */
final class SessionLifecycle {

  /** What a socket going away does. */
  enum Gone { IGNORED, DETACHED, END }

  /** What a request to end does: end it (publish SessionEnded), only close the socket (stop in flight), nothing. */
  enum Ending { END, CLOSE_ONLY, NOTHING }

  /**
   * What a record Kafka refused for good does: nothing before SessionStarted was acknowledged (the handler answers
   * the app itself), else the session is over, with its socket still to be closed (1013) or already gone.
   */
  enum Failure { NOT_LIVE, SOCKET_OPEN, SOCKET_GONE }

  private final boolean resumable;
  private State state = State.OPEN;
  private int attachment;
  private Long detachedAtMs;
  private boolean live;
  private boolean socket = true;

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

  /** Held, or stopping with its SessionEnded not yet {@code stored}: a socket may still attach here. */
  boolean resumable(boolean stored) {
    return held() || (state == State.STOPPING && !stored);
  }

  boolean stopping() {
    return state == State.STOPPING;
  }

  /** A socket is attached. */
  boolean socket() {
    return socket && state != State.DETACHED;
  }

  /**
   * The session must stay findable here: held, or stopping while its SessionEnded is not {@code stored} or a socket
   * still waits for the close.
   */
  boolean lingers(boolean stored) {
    return held() || (state == State.STOPPING && (!stored || socket));
  }

  /** SessionStarted was acknowledged (or the session was taken over from another gateway). */
  void live() {
    live = true;
  }

  /** Held audio is published on the chunk timer only while audio flows. */
  boolean flushes() {
    return state == State.OPEN;
  }

  /** The session-length, idle and no-audio limits count only while audio flows. */
  boolean limited() {
    return state == State.OPEN;
  }

  /** Pings go to a socket that is neither closed nor finished ({@code socketFinished}). */
  boolean pings(boolean socketFinished) {
    return state != State.CLOSED && !socketFinished;
  }

  /** Audio from the socket of attachment {@code from} is taken. */
  boolean takesAudio(int from) {
    return state == State.OPEN && from == attachment;
  }

  /**
   * A socket with a new attachment number takes the session (a stopping one, its SessionEnded not yet
   * {@code stored}, stays stopping); returns whether one was attached (null: refused).
   */
  Boolean attach(boolean stored) {
    if (!resumable(stored)) {
      return null;
    }
    boolean wasAttached = socket();
    state = state == State.STOPPING ? State.STOPPING : State.OPEN;
    detachedAtMs = null;
    socket = true;
    attachment++;
    return wasAttached;
  }

  /** The socket of attachment {@code from} went away without stop at {@code nowMs}. */
  Gone socketGone(int from, long nowMs) {
    if (from != attachment) {
      return Gone.IGNORED;
    }
    socket = false;
    if (state == State.STOPPING) {
      return Gone.IGNORED; // stop goes on; a socket that attaches hears the close
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

  /** A record failed for good. */
  Failure publishFailed() {
    if (!live) {
      return Failure.NOT_LIVE;
    }
    boolean socketOpen = state == State.OPEN || state == State.STOPPING;
    state = State.CLOSED;
    return socketOpen ? Failure.SOCKET_OPEN : Failure.SOCKET_GONE;
  }
}
