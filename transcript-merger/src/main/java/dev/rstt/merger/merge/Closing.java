package dev.rstt.merger.merge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one {@link SessionTranscript#close} took out of the open tail (docs/CONTRACT.md section 6.8), for the
 * shell to write to the history store once: the segments that closed and the statuses that left the tail, each
 * with its position, the positions of statuses that left the bounded status history, and the stt_sessions
 * forgotten.
 *
 * @param segments closed segments in start order, with their positions (0, 1, 2... over the session)
 * @param statuses statuses moved out of the tail, with their positions
 * @param droppedStatuses positions of history statuses beyond {@link SessionTranscript#MAX_STATUS_HISTORY}
 * @param retiredSttSessions stt_sessions whose applied seqs and covered range were forgotten
 */
public record Closing(List<Closed<Segment>> segments, List<Closed<StatusRecord>> statuses, List<Long> droppedStatuses,
    List<String> retiredSttSessions) {

  /** One closed item and its position among the session's items of its kind. */
  public record Closed<T>(long position, T item) {
  }

  /** Statuses the tail keeps (newest); older ones move to the history store. */
  public static final int TAIL_STATUSES = 16;
  /** The most recently first-seen stt_sessions keep their applied seqs and range whatever their age. */
  public static final int RECENT_STT_SESSIONS = 8;

  public boolean isEmpty() {
    return segments.isEmpty() && statuses.isEmpty() && droppedStatuses.isEmpty() && retiredSttSessions.isEmpty();
  }

  /**
   * Closes what can no longer change: the segments (from the start of the timeline, in order, never the last)
   * that end more than {@code horizon} of audio before the latest audio any record covered and before the start
   * of the earliest open degraded episode; statuses beyond the newest {@link #TAIL_STATUSES}; the applied seqs
   * and covered range of stt_sessions that no open word belongs to, whose audio ended before that boundary, and
   * that are not among the {@link #RECENT_STT_SESSIONS} newest.
   */
  static Closing close(SessionTranscript t, Duration horizon) {
    History history = t.history;
    long boundaryUs = history.boundaryUs(horizon.toNanos() / 1000, t.episodes);
    List<Closed<Segment>> segments = new ArrayList<>();
    if (boundaryUs != Long.MIN_VALUE) {
      for (Segment s : t.timeline.closeBefore(boundaryUs / 1e6)) {
        segments.add(new Closed<>(history.close(s), s));
      }
    }
    List<Closed<StatusRecord>> statuses = new ArrayList<>();
    while (t.statuses.size() > TAIL_STATUSES) {
      statuses.add(new Closed<>(history.statuses++, t.statuses.remove(0)));
    }
    List<Long> dropped = new ArrayList<>();
    long firstKept = Math.min(history.statuses,
        Math.max(0, history.statuses + t.statuses.size() - SessionTranscript.MAX_STATUS_HISTORY));
    for (long p = history.droppedStatuses; p < firstKept; p++) {
      dropped.add(p);
    }
    history.droppedStatuses = Math.max(history.droppedStatuses, firstKept);
    return new Closing(segments, statuses, dropped, retire(t, boundaryUs));
  }

  private static List<String> retire(SessionTranscript t, long boundaryUs) {
    List<String> known = t.applied.sttSessions();
    int candidates = known.size() - RECENT_STT_SESSIONS;
    if (candidates <= 0 || boundaryUs == Long.MIN_VALUE) {
      return List.of();
    }
    Set<String> open = new HashSet<>();
    for (Segment s : t.timeline.segments()) {
      open.add(s.sttSession());
      for (Word w : s.words()) {
        open.add(w.sttSession());
      }
    }
    List<String> retired = new ArrayList<>();
    for (String stt : known.subList(0, candidates)) {
      if (!open.contains(stt) && t.coverage.of(stt).toUs() < boundaryUs) {
        t.applied.retire(stt);
        t.coverage.retire(stt);
        retired.add(stt);
      }
    }
    return retired;
  }
}
