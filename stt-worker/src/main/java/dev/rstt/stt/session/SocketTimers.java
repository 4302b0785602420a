package dev.rstt.stt.session;

/**
 * The clocks of one open live socket (all times in nanoseconds of the caller's monotonic clock): when to send a
 * KeepAlive or a Finalize, when the socket has proved itself, when it counts as stalled, and the close deadline.
 */
final class SocketTimers {

  private static final long NEVER = Long.MIN_VALUE / 4;

  private final long stall;
  private final long finalizeAfter;
  private final long keepalive;
  private final long closeTimeout;
  private final long maxUnfinalizedMillis;
  private final long opened;
  private long lastSent;
  private long lastReceived;
  private long lastFinalize = NEVER;
  private long closeDeadline = -1;

  SocketTimers(SessionSettings settings, long openedAt) {
    this.stall = settings.stallTimeout().toNanos();
    this.finalizeAfter = settings.finalizeAfter().toNanos();
    this.keepalive = settings.keepaliveInterval().toNanos();
    this.closeTimeout = settings.closeTimeout().toNanos();
    this.maxUnfinalizedMillis = settings.maxUnfinalized().toMillis();
    this.opened = openedAt;
    this.lastSent = openedAt;
    this.lastReceived = openedAt;
  }

  void sent(long now) {
    lastSent = Math.max(lastSent, now);
  }

  void received(long now) {
    lastReceived = Math.max(lastReceived, now);
  }

  /** Open for a stall timeout without dying: the connection attempt counts as a success. */
  boolean provenAlive(long now) {
    return now - opened >= stall;
  }

  /** Nothing sent for a keepalive interval. */
  boolean keepAliveDue(long now) {
    return now - lastSent >= keepalive;
  }

  /**
   * The oldest unfinalised audio (sent at {@code oldestSentAt}) is older than finalize-after, or more than
   * max-unfinalized of audio is unfinalised; and no Finalize went out within finalize-after.
   */
  boolean finalizeDue(long now, long oldestSentAt, long unfinalizedSamples, int sampleRate) {
    boolean old = now - oldestSentAt >= finalizeAfter;
    boolean tooLong = unfinalizedSamples > sampleRate * maxUnfinalizedMillis / 1000;
    return (old || tooLong) && now - lastFinalize >= finalizeAfter;
  }

  void finalized(long now) {
    lastFinalize = now;
  }

  /** Audio unfinalised for a stall timeout and nothing received for as long. */
  boolean stalled(long now, long oldestSentAt) {
    return now - oldestSentAt >= stall && now - lastReceived >= stall;
  }

  void closing(long now) {
    closeDeadline = now + closeTimeout;
  }

  /** CloseStream was sent a close timeout ago and the socket is still open. */
  boolean closeOverdue(long now) {
    return closeDeadline >= 0 && now >= closeDeadline;
  }
}
