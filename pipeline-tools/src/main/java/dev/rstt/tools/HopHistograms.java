package dev.rstt.tools;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The services' own per-hop timers ({@code rstt_hop_*_seconds_bucket} on {@code /actuator/prometheus}, see
 * BENCHMARKS.md "Per-hop latency"), read before and after the measured window: the difference of the cumulative
 * buckets is the histogram of that window alone, from which p50 and p99 are interpolated within their bucket as
 * Prometheus' {@code histogram_quantile} does.
 */
final class HopHistograms {

  private static final Pattern BUCKET = Pattern.compile(
      "^(rstt_hop_[a-z_]+)_seconds_bucket\\{([^}]*)\\}\\s+([0-9.eE+-]+|NaN)\\s*$");
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  /** Per hop (metric name without the suffix), cumulative count per upper bound in seconds. */
  record Snapshot(Map<String, TreeMap<Double, Double>> hops) {
  }

  private HopHistograms() {
  }

  /** Reads every service's timers; a service that does not answer is left out (named on stderr). */
  static Snapshot scrape(HttpClient http, Map<String, String> urls) {
    Map<String, TreeMap<Double, Double>> hops = new LinkedHashMap<>();
    urls.forEach((service, url) -> {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + r.statusCode());
        }
        parse(r.body(), hops);
      } catch (Exception e) {
        System.err.println("bench: no hop timers from " + service + " (" + url + "): " + e);
      }
    });
    return new Snapshot(hops);
  }

  /** Adds the hop buckets of one exposition to {@code into} (buckets of one hop with other tags are summed). */
  static void parse(String exposition, Map<String, TreeMap<Double, Double>> into) {
    for (String line : exposition.split("\n")) {
      Matcher m = BUCKET.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Matcher le = LE.matcher(m.group(2));
      if (!le.find()) {
        continue;
      }
      double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
      into.computeIfAbsent(m.group(1), k -> new TreeMap<>()).merge(bound, Double.parseDouble(m.group(3)), Double::sum);
    }
  }

  /** Per hop: count, p50 and p99 in ms of what was recorded between {@code before} and {@code after}. */
  static Map<String, Map<String, Object>> window(Snapshot before, Snapshot after) {
    Map<String, Map<String, Object>> r = new LinkedHashMap<>();
    after.hops().forEach((hop, buckets) -> {
      TreeMap<Double, Double> b = before.hops().getOrDefault(hop, new TreeMap<>());
      TreeMap<Double, Double> delta = new TreeMap<>();
      buckets.forEach((bound, n) -> delta.put(bound, n - b.getOrDefault(bound, 0.0)));
      double count = delta.isEmpty() ? 0 : delta.lastEntry().getValue();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("count", (long) count);
      row.put("p50_ms", quantile(delta, 0.50));
      row.put("p99_ms", quantile(delta, 0.99));
      r.put(hop.substring("rstt_hop_".length()).replace('_', '.'), row);
    });
    return r;
  }

  /** The q-quantile in ms, linear within its bucket; null when nothing was recorded. */
  static Double quantile(TreeMap<Double, Double> cumulative, double q) {
    if (cumulative.isEmpty() || cumulative.lastEntry().getValue() <= 0) {
      return null;
    }
    double rank = q * cumulative.lastEntry().getValue();
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
      if (e.getValue() >= rank) {
        if (e.getKey().isInfinite()) {
          return lowerBound * 1000; // above the highest finite bucket: its bound, as Prometheus does
        }
        double inBucket = e.getValue() - lowerCount;
        double fraction = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
        return (lowerBound + (e.getKey() - lowerBound) * fraction) * 1000;
      }
      lowerBound = e.getKey();
      lowerCount = e.getValue();
    }
    return lowerBound * 1000;
  }
}
