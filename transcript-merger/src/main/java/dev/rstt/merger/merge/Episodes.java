package dev.rstt.merger.merge;

import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The open degraded episodes of one session (docs/CONTRACT.md section 6.5), each known by the session-timeline
 * sample it starts at ({@code stt_degraded.at_offset_samples}) and ordered by that offset, not by arrival.
 *
 * <p>One STT worker's statuses interleave on the timeline: an episode starts at or after the resume offset of
 * the one before it ({@code F1 < S1 <= F2 < S2 ...}). The batch worker publishes a recovery only after the
 * segments of its episode, so it can arrive after the next episodes opened (slow pre-recorded answers while
 * live sockets flap). A recovery at {@code S} therefore closes exactly the open episodes that start before
 * {@code S}; an episode that starts at or after it stays open for its own recovery. The app sees one visible
 * episode: {@code stt_degraded} when the first episode opens while none is open, {@code stt_recovered} when a
 * recovery closes the last open one.
 *
 * <p>Pure: no clock, no I/O. Not thread-safe.
 */
public final class Episodes {

  /**
   * Start of an episode announced without an offset (a producer older than the offsets): before everything, so
   * the next recovery closes it, as before offsets were compared.
   */
  public static final long UNKNOWN = -1;

  private final NavigableSet<Long> open = new TreeSet<>();

  /**
   * {@code stt_degraded} at {@code atOffset} (null: unknown). An episode already open at the same offset is the
   * same episode (a second announcement), not a new one.
   *
   * @return true when this opens a visible episode (none was open): the status is forwarded
   */
  public boolean degraded(Long atOffset) {
    boolean wasOpen = !open.isEmpty();
    open.add(atOffset == null ? UNKNOWN : Math.max(UNKNOWN, atOffset));
    return !wasOpen;
  }

  /**
   * {@code stt_recovered} resuming live at {@code atOffset}, after the batch path transcribed degraded audio up
   * to {@code degradedTo} (either may be null). Closes every open episode that starts before the later of the
   * two; without either, every open episode (a producer older than the offsets).
   *
   * @return the number of episodes closed
   */
  public int recovered(Long atOffset, Long degradedTo) {
    long bound = bound(atOffset, degradedTo);
    NavigableSet<Long> closed = open.headSet(bound, false);
    int n = closed.size();
    closed.clear();
    return n;
  }

  /** {@code batch_finished}: the session's audio ended and every degraded chunk is transcribed; closes all. */
  public int finished() {
    int n = open.size();
    open.clear();
    return n;
  }

  public boolean anyOpen() {
    return !open.isEmpty();
  }

  /** Start offsets of the open episodes, ascending ({@link #UNKNOWN} for one announced without an offset). */
  public List<Long> openOffsets() {
    return List.copyOf(open);
  }

  /** Rebuilds the open episodes from their stored start offsets. */
  public static Episodes restore(List<Long> offsets) {
    Episodes e = new Episodes();
    offsets.forEach(o -> e.open.add(Math.max(UNKNOWN, o)));
    return e;
  }

  private static long bound(Long atOffset, Long degradedTo) {
    if (atOffset == null && degradedTo == null) {
      return Long.MAX_VALUE;
    }
    return Math.max(atOffset == null ? Long.MIN_VALUE : atOffset, degradedTo == null ? Long.MIN_VALUE : degradedTo);
  }
}
