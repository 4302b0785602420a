package dev.rstt.batch.session;

import java.util.Map;
import java.util.TreeMap;

/**
 * The samples of the session timeline accepted in the open episode, as disjoint ranges (one, unless the episode has
 * gaps). Tells a redelivery (every sample already accepted) from audio nobody took yet.
 */
final class Coverage {

  /** Range start to end (exclusive); ranges are disjoint and not adjacent. */
  private final TreeMap<Long, Long> ranges = new TreeMap<>();

  void add(long from, long to) {
    if (to <= from) {
      return;
    }
    Map.Entry<Long, Long> before = ranges.floorEntry(from);
    if (before != null && before.getValue() >= from) {
      from = before.getKey();
      to = Math.max(to, before.getValue());
    }
    Map.Entry<Long, Long> next = ranges.ceilingEntry(from);
    while (next != null && next.getKey() <= to) {
      to = Math.max(to, next.getValue());
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(from);
    }
    ranges.put(from, to);
  }

  /** Whether every sample of [from, to) was accepted (true for an empty range). */
  boolean covers(long from, long to) {
    if (to <= from) {
      return true;
    }
    Map.Entry<Long, Long> e = ranges.floorEntry(from);
    return e != null && e.getValue() >= to;
  }

  void clear() {
    ranges.clear();
  }

  int size() {
    return ranges.size();
  }
}
