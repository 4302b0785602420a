package dev.rstt.merger.merge;

import java.util.Objects;

/** The dedup rule of docs/CONTRACT.md section 6.2. */
public final class WordOverlap {

  /** Seconds; absorbs binary rounding of times like 1.4 - 1.2. */
  static final double EPSILON = 1e-9;

  private WordOverlap() {
  }

  /**
   * Whether {@code candidate} is a second copy of {@code accepted}: they come from different stt_sessions and
   * overlap in time by at least half the shorter word's duration. Words of the same stt_session are never
   * duplicates of each other (overlapping speakers stay).
   */
  public static boolean isDuplicate(Word accepted, Word candidate) {
    if (Objects.equals(accepted.sttSession(), candidate.sttSession())) {
      return false;
    }
    double overlap = Math.min(accepted.end(), candidate.end()) - Math.max(accepted.start(), candidate.start());
    if (overlap < 0) {
      return false;
    }
    double shorter = Math.min(accepted.duration(), candidate.duration());
    return overlap + EPSILON >= 0.5 * shorter;
  }
}
