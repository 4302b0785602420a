package dev.rstt.merger.merge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code (stt_session, seq)} pairs already applied to a session, kept as closed ranges per stt_session
 * (a live connection's seqs arrive in order, so each stt_session usually needs one range).
 */
public final class AppliedRecords {

  /** A closed range of applied seqs of one stt_session. */
  public record Range(String sttSession, long from, long to) {
  }

  private final Map<String, List<long[]>> bySession = new LinkedHashMap<>();

  public boolean contains(String sttSession, long seq) {
    List<long[]> ranges = bySession.get(sttSession);
    if (ranges == null) {
      return false;
    }
    for (long[] r : ranges) {
      if (seq >= r[0] && seq <= r[1]) {
        return true;
      }
    }
    return false;
  }

  /** Records {@code seq} as applied; returns false when it already was. */
  public boolean add(String sttSession, long seq) {
    if (contains(sttSession, seq)) {
      return false;
    }
    List<long[]> ranges = bySession.computeIfAbsent(sttSession, k -> new ArrayList<>());
    for (long[] r : ranges) {
      if (seq == r[1] + 1) {
        r[1] = seq;
        coalesce(ranges);
        return true;
      }
      if (seq == r[0] - 1) {
        r[0] = seq;
        coalesce(ranges);
        return true;
      }
    }
    ranges.add(new long[] {seq, seq});
    ranges.sort((x, y) -> Long.compare(x[0], y[0]));
    return true;
  }

  private static void coalesce(List<long[]> ranges) {
    ranges.sort((x, y) -> Long.compare(x[0], y[0]));
    for (int i = 0; i + 1 < ranges.size(); ) {
      long[] a = ranges.get(i);
      long[] b = ranges.get(i + 1);
      if (b[0] <= a[1] + 1) {
        a[1] = Math.max(a[1], b[1]);
        ranges.remove(i + 1);
      } else {
        i++;
      }
    }
  }

  public List<Range> ranges() {
    List<Range> all = new ArrayList<>();
    bySession.forEach((stt, list) -> list.forEach(r -> all.add(new Range(stt, r[0], r[1]))));
    return all;
  }

  /** The stt_sessions with applied records, in the order they were first seen (restored: stored order). */
  public List<String> sttSessions() {
    return new ArrayList<>(bySession.keySet());
  }

  /**
   * Forgets {@code sttSession}'s ranges once it has left the open tail (docs/CONTRACT.md section 6.8): a record
   * of it arriving later is not recognised as a redelivery.
   */
  void retire(String sttSession) {
    bySession.remove(sttSession);
  }

  public void restore(Range range) {
    bySession.computeIfAbsent(range.sttSession(), k -> new ArrayList<>()).add(new long[] {range.from(), range.to()});
  }
}
