package dev.rstt.gateway.resume;

/**
 * Where a session's timeline starts on this gateway: a new session at the beginning, or a session taken over from
 * another gateway at a resume point (with the cursor that says which of the app's messages to drop, decode only to
 * warm the decoder, or keep) and the take-over's epoch.
 */
public record SessionStart(ResumePoint point, IntakeCursor cursor, int epoch, boolean takenOver) {

  public static SessionStart fresh() {
    return new SessionStart(ResumePoint.START, IntakeCursor.fresh(), 0, false);
  }

  /**
   * A session taken over at {@code point}; the app sends from {@code from}. A multi-channel point carries every
   * channel's next seq; {@code nextSeq} is the first channel's (or the only one's).
   */
  public static SessionStart takenOver(ResumePoint point, long nextSeq, int priming, long from, int epoch) {
    ResumePoint start = new ResumePoint(point.frames(), point.offsetSamples(), nextSeq, point.audioPartition(),
        point.audioOffset(), point.channels());
    return new SessionStart(start, IntakeCursor.takenOver(point.frames(), priming, from), epoch, true);
  }
}
