package dev.rstt.tools;

import dev.rstt.schemas.Statuses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the bench reports of its clients: word latencies, sessions held, words lost, per-second timeline, failover. */
final class BenchStats {

  /** A session counts as held only if no word is lost and its p99 word latency stays under this. */
  static final long HELD_P99_BOUND_MS = 2000;

  private BenchStats() {
  }

  /** Time from the fault to stt_degraded and to the first word heard after it; from clearing to stt_recovered. */
  static Map<String, Object> failover(List<BenchClient> apps, long faultAt, long clearedAt) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("fault_to_stt_degraded", percentiles(apps.stream().filter(c -> c.statusAt.containsKey(Statuses.STT_DEGRADED))
        .mapToLong(c -> c.statusAt.get(Statuses.STT_DEGRADED) - faultAt).toArray()));
    r.put("fault_to_first_degraded_word", percentiles(apps.stream().filter(c -> c.statusAt.containsKey(Statuses.STT_DEGRADED))
        .mapToLong(c -> {
          long degradedAt = c.statusAt.get(Statuses.STT_DEGRADED);
          return Arrays.stream(c.receivedNanos).filter(t -> t > degradedAt).min().orElse(Long.MAX_VALUE) - faultAt;
        }).filter(d -> d < Long.MAX_VALUE / 2).toArray()));
    r.put("cleared_to_stt_recovered", percentiles(apps.stream().filter(c -> c.statusAt.containsKey(Statuses.STT_RECOVERED))
        .mapToLong(c -> c.statusAt.get(Statuses.STT_RECOVERED) - clearedAt).toArray()));
    r.put("sessions_degraded", apps.stream().filter(c -> c.statusAt.containsKey(Statuses.STT_DEGRADED)).count());
    r.put("sessions_recovered", apps.stream().filter(c -> c.statusAt.containsKey(Statuses.STT_RECOVERED)).count());
    return r;
  }

  static Map<String, Object> summarize(List<BenchClient> clients) {
    List<Long> all = new ArrayList<>();
    int held = 0;
    long lost = 0;
    long spoken = 0;
    for (BenchClient c : clients) {
      long[] mine = Arrays.stream(c.latencyNanos).filter(l -> l >= 0).sorted().toArray();
      long missing = c.latencyNanos.length - mine.length;
      lost += missing;
      spoken += c.latencyNanos.length;
      for (long l : mine) {
        all.add(l);
      }
      if (c.channel != null && missing == 0 && mine.length > 0
          && mine[(int) Math.ceil(0.99 * mine.length) - 1] / 1_000_000 <= HELD_P99_BOUND_MS) {
        held++;
      }
    }
    Map<String, Object> r = new LinkedHashMap<>(percentiles(all.stream().mapToLong(Long::longValue).toArray()));
    r.put("sessions_held", held);
    r.put("words_spoken", spoken);
    r.put("words_lost", lost);
    return r;
  }

  /**
   * Per second of the run (by when the word was heard): words heard and the worst latency, for the pipeline and
   * for direct. Stalls that hit every session at once (a collection pause, a busy broker) show as a second whose
   * worst latency jumps in many sessions; noise in one session does not.
   */
  static List<Map<String, Object>> timeline(List<BenchClient> clients, long startNanos) {
    Map<Long, long[]> seconds = new java.util.TreeMap<>(); // second -> pipeline count, max, direct count, max
    for (BenchClient c : clients) {
      for (int i = 0; i < c.latencyNanos.length; i++) {
        if (c.latencyNanos[i] < 0) {
          continue;
        }
        long[] row = seconds.computeIfAbsent(Math.max(0, (c.receivedNanos[i] - startNanos) / 1_000_000_000L),
            k -> new long[4]);
        int at = c.direct ? 2 : 0;
        row[at]++;
        row[at + 1] = Math.max(row[at + 1], c.latencyNanos[i] / 1_000_000);
      }
    }
    List<Map<String, Object>> r = new ArrayList<>();
    seconds.forEach((second, row) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("second", second);
      m.put("pipeline_words", row[0]);
      m.put("pipeline_max_ms", row[1]);
      m.put("direct_words", row[2]);
      m.put("direct_max_ms", row[3]);
      r.add(m);
    });
    return r;
  }

  static Map<String, Object> percentiles(long[] nanos) {
    Map<String, Object> r = new LinkedHashMap<>();
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    r.put("count", sorted.length);
    for (double q : new double[] {0.50, 0.95, 0.99}) {
      String key = "p" + (int) Math.round(q * 100) + "_ms";
      r.put(key, sorted.length == 0 ? null : sorted[(int) Math.ceil(q * sorted.length) - 1] / 1e6);
    }
    return r;
  }
}
