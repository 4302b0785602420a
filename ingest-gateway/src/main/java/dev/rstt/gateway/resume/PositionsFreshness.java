package dev.rstt.gateway.resume;

/**
 * How far this gateway can trust its copy of session.positions (docs/CONTRACT.md section 10), from what it saw of
 * the topic: when it last read it through to its end, and when the topic last failed to take a write promptly or to
 * be read. A holder writes its sessions' positions every lease; while the topic cannot be written (a broker stalled
 * or away) no holder can, so a position's age says nothing about its holder for that time. Pure: every time is
 * passed in; thread-safe (the view's thread, writer callbacks and resume requests share one).
 */
public final class PositionsFreshness {

  /**
   * The view's trust at one moment.
   *
   * @param current the view read the topic through within the staleness bound: its positions may be judged
   * @param blindUntilMs the latest moment the topic was seen unreadable or unwritable ({@link Long#MIN_VALUE}:
   *     never); a session's window and lease are counted from no earlier than this
   */
  public record State(boolean current, long blindUntilMs) {

    /** Always readable, never blind: the rule as it was before outages counted. */
    public static final State ALWAYS = new State(true, Long.MIN_VALUE);

    /** Where a session silent since {@code sinceMs} starts to count as silent. */
    public long countFrom(long sinceMs) {
      return Math.max(sinceMs, blindUntilMs);
    }
  }

  private final long staleAfterMs;
  private long confirmedMs;
  private boolean everConfirmed;
  private long blindUntilMs = Long.MIN_VALUE;

  /**
   * @param staleAfterMs a view not read through for longer than this is not current (and the time it was not counts
   *     as a time the topic could not be read)
   * @param startedAtMs when the view started reading
   */
  public PositionsFreshness(long staleAfterMs, long startedAtMs) {
    if (staleAfterMs <= 0) {
      throw new IllegalArgumentException("staleAfterMs must be positive");
    }
    this.staleAfterMs = staleAfterMs;
    this.confirmedMs = startedAtMs;
  }

  /**
   * The view has read everything the topic held at {@code requestedAtMs} (its end offsets were asked for then), by
   * {@code reachedAtMs}. After a gap longer than the staleness bound (a broker away, this gateway starting while it
   * was), the topic counts as unreadable until {@code reachedAtMs}.
   */
  public synchronized void readThrough(long requestedAtMs, long reachedAtMs) {
    if (reachedAtMs - confirmedMs > staleAfterMs) {
      blindUntilMs = Math.max(blindUntilMs, reachedAtMs);
    }
    confirmedMs = Math.max(confirmedMs, requestedAtMs);
    everConfirmed = true;
  }

  /**
   * A write to the topic sent at {@code sentAtMs} completed at {@code doneAtMs}, or {@code failed}. One that failed,
   * or took longer than the staleness bound, shows the topic could not be written until {@code doneAtMs}.
   */
  public synchronized void written(long sentAtMs, long doneAtMs, boolean failed) {
    if (failed || doneAtMs - sentAtMs > staleAfterMs) {
      blindUntilMs = Math.max(blindUntilMs, doneAtMs);
    }
  }

  public synchronized State state(long nowMs) {
    boolean current = everConfirmed && nowMs - confirmedMs <= staleAfterMs;
    return new State(current, current ? blindUntilMs : Math.max(blindUntilMs, nowMs));
  }
}
