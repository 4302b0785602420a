package dev.rstt.gateway.resume;

/**
 * Numbers the app's binary audio messages (keepalives excluded) and says what to do with each one after a resume
 * (docs/CONTRACT.md section 10). Messages the gateway already took are dropped (the app resent more than it had
 * to); after a take-over from another gateway, the message(s) before the durable point are decoded only to warm
 * the fresh decoder up (their audio is already on the timeline); the rest is kept. Pure; the session serialises.
 */
public final class IntakeCursor {

  /** What to do with the next message. */
  public enum Action {
    /** Already taken (by this gateway or, as audio, by the previous holder): not decoded, counted as a repeat. */
    DROP,
    /** Decoded to warm the decoder up; its audio is already on the timeline and is discarded. */
    PRIME,
    /** New audio for the timeline. */
    KEEP
  }

  private long next;
  private long dropBelow;
  private long keepFrom;

  private IntakeCursor(long next, long dropBelow, long keepFrom) {
    this.next = next;
    this.dropBelow = dropBelow;
    this.keepFrom = keepFrom;
  }

  /** A new session: every message is kept from index 0. */
  public static IntakeCursor fresh() {
    return new IntakeCursor(0, 0, 0);
  }

  /**
   * A session taken over at durable point {@code frames}, with {@code priming} messages before it decoded to warm
   * a fresh decoder up; the app sends from {@code from} (at most {@link #expected()}).
   */
  public static IntakeCursor takenOver(long frames, int priming, long from) {
    long needed = Math.max(0, frames - priming);
    if (from > needed) {
      throw new IllegalArgumentException("resume from " + from + " leaves a gap before " + needed);
    }
    return new IntakeCursor(from, needed, frames);
  }

  /** The action for the next message, and its index becomes taken. */
  public Action take() {
    long index = next++;
    if (index < dropBelow) {
      return Action.DROP;
    }
    return index < keepFrom ? Action.PRIME : Action.KEEP;
  }

  /** The first message index the gateway still needs: the app must send from here (or earlier). */
  public long expected() {
    return Math.max(next, dropBelow);
  }

  /** Index of the next message to arrive. */
  public long next() {
    return next;
  }

  /** Whether a socket that sends from {@code from} leaves no gap. */
  public boolean accepts(long from) {
    return from >= 0 && from <= expected();
  }

  /**
   * Where a new socket of the same session starts: {@code from}, or (null) the first message still needed; null when
   * {@code from} leaves a gap.
   */
  public Long startFor(Long from) {
    long start = from == null ? expected() : from;
    return accepts(start) ? start : null;
  }

  /** A new socket of the same session sends from {@code from}: what was taken before is dropped again. */
  public void restart(long from) {
    if (!accepts(from)) {
      throw new IllegalArgumentException("resume from " + from + " leaves a gap before " + expected());
    }
    dropBelow = expected();
    next = from;
  }
}
