package dev.rstt.gateway.session;

/**
 * When a session counts as idle (no inbound message for {@code idle-timeout}). Pure: the caller passes the
 * time. While the gateway itself is not reading the socket (back-pressure: Kafka has not acknowledged enough of
 * the session's audio) the app's silence is the gateway's doing, so it never counts; reading again counts as
 * activity.
 */
final class IdleTimer {

  private final long timeoutMs;
  private long lastActivityMs;
  private boolean paused;

  IdleTimer(long timeoutMs, long nowMs) {
    this.timeoutMs = timeoutMs;
    this.lastActivityMs = nowMs;
  }

  /** An inbound message. */
  void activity(long nowMs) {
    lastActivityMs = Math.max(lastActivityMs, nowMs);
  }

  /** The gateway stopped reading the socket. */
  void paused() {
    paused = true;
  }

  /** The gateway reads the socket again. */
  void resumed(long nowMs) {
    paused = false;
    activity(nowMs);
  }

  boolean isPaused() {
    return paused;
  }

  boolean idle(long nowMs) {
    return !paused && nowMs - lastActivityMs >= timeoutMs;
  }
}
