package dev.rstt.gateway.resume;

/**
 * When to tell the app that more of its audio is durable: at once when the position moved and the last
 * {@code audio_durable} is at least {@code interval} old, otherwise once, at the end of the interval. Pure: times
 * are passed in; the caller owns the timer and serialises.
 */
public final class DurableThrottle {

  /** What the caller does now. */
  public sealed interface Decision {
  }

  /** Send {@code audio_durable} now. */
  public record Send() implements Decision {
  }

  /** Arm a timer for {@code atMs}, then call {@link #fire}. */
  public record Arm(long atMs) implements Decision {
  }

  /** Nothing to do (not moved, or a timer is armed already). */
  public record Nothing() implements Decision {
  }

  private static final Decision SEND = new Send();
  private static final Decision NOTHING = new Nothing();

  private final long intervalMs;
  private long sentFrames = -1;
  private long sentAtMs = Long.MIN_VALUE / 2;
  private boolean armed;

  public DurableThrottle(long intervalMs) {
    if (intervalMs < 0) {
      throw new IllegalArgumentException("interval " + intervalMs);
    }
    this.intervalMs = intervalMs;
  }

  /** The durable position is {@code frames} at {@code nowMs}. */
  public Decision offer(long frames, long nowMs) {
    if (frames <= sentFrames || armed) {
      return NOTHING;
    }
    if (nowMs - sentAtMs >= intervalMs) {
      sent(frames, nowMs);
      return SEND;
    }
    armed = true;
    return new Arm(sentAtMs + intervalMs);
  }

  /** The armed timer fired; the position is {@code frames}. */
  public Decision fire(long frames, long nowMs) {
    armed = false;
    if (frames <= sentFrames) {
      return NOTHING;
    }
    sent(frames, nowMs);
    return SEND;
  }

  /** The armed timer fired while nothing may be sent: the next offer decides afresh. */
  public void disarm() {
    armed = false;
  }

  /** A new socket: it has been told nothing yet (the next offer sends at once). */
  public void reset() {
    sentFrames = -1;
    sentAtMs = Long.MIN_VALUE / 2;
  }

  private void sent(long frames, long nowMs) {
    sentFrames = frames;
    sentAtMs = nowMs;
  }
}
