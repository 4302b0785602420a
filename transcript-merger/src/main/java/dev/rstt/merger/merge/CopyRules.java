package dev.rstt.merger.merge;

import java.util.Objects;

/**
 * Which accepted words another word is a copy of, and which copy is kept (docs/CONTRACT.md section 6.2). Pure.
 *
 * <p><b>Cut.</b> A word is <i>cut at its start</i> when it starts less than {@link #EDGE_MARGIN_S} after the
 * start of the audio its stt_session received, <i>cut at its end</i> when it ends less than that before the end
 * ({@link Coverage}); otherwise it lies <i>inside</i>. A word cut by the audio's edge comes back from the
 * recognizer as a fragment reaching that edge, but its reported times carry the recognizer's timestamp error
 * (up to 40 ms per path with the emulator's realism), so an edge is widened by more than that. The margin must
 * stay below the silence between a live final's last word and its cursor (the 100 ms endpointing, less that
 * error), or every live word would look cut.
 *
 * <p><b>Copies.</b> Words of the same stt_session are never copies. Two words of different stt_sessions are
 * copies of one spoken word when they overlap by at least half the shorter one's duration. When one of them is
 * cut, its reported extent says little (a fragment of a few milliseconds may not even overlap its whole copy
 * once each path's timestamps drifted), but the boundary it did hear is the word's: they are also copies when
 * a boundary both heard (the start, when neither is cut at its start; the end, when neither is cut at its end)
 * lies within half the longer one's duration, which is the overlap rule applied as if the cut copy were as long
 * as the other.
 *
 * <p><b>Preference.</b> Of two copies the better is (1) the one inside the audio its stt_session received over
 * one that is cut, then (2) the higher confidence, then (3) the one that arrived first.
 */
public final class CopyRules {

  /** Seconds: how near an edge of its stt_session's audio a word counts as cut by it. */
  public static final double EDGE_MARGIN_S = 0.050;

  /** Seconds; absorbs binary rounding. */
  private static final double EPSILON = 1e-9;

  private CopyRules() {
  }

  /** A word with where it lies in the audio its stt_session received. */
  public record Copy(Word word, boolean cutAtStart, boolean cutAtEnd) {

    public boolean inside() {
      return !cutAtStart && !cutAtEnd;
    }
  }

  /** Why a later copy replaced an accepted one. */
  public enum Reason {
    /** The later copy lies inside its stt_session's audio; the accepted one was cut. */
    INSIDE,
    /** Both inside or both cut; the later copy has the higher confidence. */
    CONFIDENCE
  }

  /** Where {@code word} lies in {@code range}, the audio its stt_session received (unknown: inside). */
  public static Copy locate(Word word, Coverage.Range range) {
    if (!range.known()) {
      return new Copy(word, false, false);
    }
    boolean atStart = word.start() < range.fromSeconds() + EDGE_MARGIN_S;
    boolean atEnd = word.end() > range.toSeconds() - EDGE_MARGIN_S;
    return new Copy(word, atStart, atEnd);
  }

  /** Whether {@code a} and {@code b} are copies of one spoken word. */
  public static boolean sameWord(Copy a, Copy b) {
    Word x = a.word();
    Word y = b.word();
    if (Objects.equals(x.sttSession(), y.sttSession())) {
      return false;
    }
    if (WordOverlap.isDuplicate(x, y)) {
      return true;
    }
    if (a.inside() && b.inside()) {
      return false;
    }
    double within = 0.5 * Math.max(x.duration(), y.duration()) + EPSILON;
    boolean startsHeard = !a.cutAtStart() && !b.cutAtStart();
    boolean endsHeard = !a.cutAtEnd() && !b.cutAtEnd();
    return (startsHeard && Math.abs(x.start() - y.start()) <= within)
        || (endsHeard && Math.abs(x.end() - y.end()) <= within);
  }

  /**
   * Whether {@code later} is a better copy than {@code accepted} (which arrived first, so it wins a tie).
   *
   * @return why it is better, or null when {@code accepted} stays
   */
  public static Reason better(Copy later, Copy accepted) {
    if (later.inside() != accepted.inside()) {
      return later.inside() ? Reason.INSIDE : null;
    }
    return later.word().confidence() > accepted.word().confidence() ? Reason.CONFIDENCE : null;
  }

  /**
   * How far apart (seconds) two words' spans may lie and still be copies: the gap between them is at most half
   * the longer one's duration. Lets a caller skip segments that cannot hold a copy.
   */
  public static double reach(double durationA, double durationB) {
    return 0.5 * Math.max(durationA, durationB) + EPSILON;
  }
}
