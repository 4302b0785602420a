package dev.rstt.merger.merge;

/**
 * Where a session's open tail begins (docs/CONTRACT.md section 6.8): how much of the session has been closed
 * (moved out of the per-session state, to be written once to the history store), the audio bounds of what was
 * closed, so a word arriving that far back is recognised as late, and the audio frontier the horizon is measured
 * from. A few numbers, whatever the length of the session. Pure; not thread-safe.
 */
public final class History {

  /** Segments closed so far: the position the next closed segment gets (0, 1, 2... in start order). */
  long segments;
  /** Statuses closed so far: the position of the tail's first status. */
  long statuses;
  /** Statuses below this position have left the status history (the oldest beyond its bound). */
  long droppedStatuses;
  /** The latest end of a closed word, microseconds; -1 while nothing is closed. */
  long untilUs = -1;
  /** The latest (end + duration) of a closed word, microseconds; -1 while nothing is closed. */
  long reachUs = -1;
  /** The latest audio any applied record covered (or any word reached), microseconds; -1 before any. */
  long frontierUs = -1;
  /** The session's sample rate as its records give it, to place episode offsets in time; 0 unknown. */
  int sampleRate;

  /** The stored form. */
  public record Stored(long segments, long statuses, long droppedStatuses, long untilUs, long reachUs,
      long frontierUs, int sampleRate) {

    /** A value written before the tail existed: nothing closed, frontier and rate unknown. */
    public static final Stored NONE = new Stored(0, 0, 0, -1, -1, -1, 0);
  }

  static History restore(Stored s) {
    History h = new History();
    h.segments = s.segments();
    h.statuses = s.statuses();
    h.droppedStatuses = s.droppedStatuses();
    h.untilUs = s.untilUs();
    h.reachUs = s.reachUs();
    h.frontierUs = s.frontierUs();
    h.sampleRate = s.sampleRate();
    return h;
  }

  public Stored stored() {
    return new Stored(segments, statuses, droppedStatuses, untilUs, reachUs, frontierUs, sampleRate);
  }

  /** A record covered audio up to {@code toUs} (or held a word ending there). */
  void reached(long toUs) {
    frontierUs = Math.max(frontierUs, toUs);
  }

  void rate(int rate) {
    if (rate > 0) {
      sampleRate = rate;
    }
  }

  /**
   * The time before which a segment may close: {@code horizon} behind the frontier or, while a degraded episode
   * is open, behind the start of the earliest open one (its batch segments, and copies of the words before it,
   * are still to come); {@link Long#MIN_VALUE} (nothing closes) while an open episode's start cannot be placed
   * in time.
   */
  long boundaryUs(long horizonUs, Episodes episodes) {
    if (frontierUs < 0) {
      return Long.MIN_VALUE;
    }
    long from = frontierUs;
    if (episodes.anyOpen()) {
      long first = episodes.openOffsets().get(0);
      if (first < 0 || sampleRate <= 0) {
        return Long.MIN_VALUE;
      }
      from = Math.min(from, Math.round(first * 1e6 / sampleRate));
    }
    return from - horizonUs;
  }

  /** Records {@code s} as closed; returns its position. */
  long close(Segment s) {
    untilUs = Math.max(untilUs, Math.round(s.end() * 1e6));
    for (Word w : s.words()) {
      long end = Math.round(w.end() * 1e6);
      untilUs = Math.max(untilUs, end);
      reachUs = Math.max(reachUs, end + Math.round(w.duration() * 1e6));
    }
    return segments++;
  }

  /**
   * Whether {@code w} lies where closed words could be copies of it, or its segment could combine with a closed
   * one: it starts before a closed word's end plus the longer of the two durations. Such a word is compared with
   * the open tail only (section 6.8).
   */
  boolean late(Word w) {
    if (untilUs < 0) {
      return false;
    }
    long start = Math.round(w.start() * 1e6);
    return start < reachUs || start < untilUs + Math.round(w.duration() * 1e6);
  }

  public long closedSegments() {
    return segments;
  }

  public long closedStatuses() {
    return statuses;
  }

  public long droppedStatuses() {
    return droppedStatuses;
  }
}
