package dev.rstt.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The bench's output: the JSON report (stdout and {@code --out}) and a short table for people. */
final class BenchReport {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private BenchReport() {
  }

  /** {@code a=x,b=y} as an ordered map; blank gives an empty one. */
  static Map<String, String> namedList(String list) {
    Map<String, String> r = new LinkedHashMap<>();
    for (String entry : list.split(",")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        r.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
      }
    }
    return r;
  }

  static void write(Map<String, Object> report, String out) throws IOException {
    String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
    System.out.println(json);
    if (out != null) {
      Files.writeString(Path.of(out), json, StandardCharsets.UTF_8);
    }
  }

  /** End to end beside the per-hop p50/p99, then the idle cores. */
  @SuppressWarnings("unchecked")
  static void printSummary(Map<String, Object> report) {
    Map<String, Object> pipeline = (Map<String, Object>) report.get("pipeline");
    Map<String, Object> direct = (Map<String, Object>) report.get("direct");
    System.out.printf("%n%-24s %10s %10s %8s%n", "latency (ms)", "p50", "p99", "count");
    row("end to end: pipeline", pipeline.get("p50_ms"), pipeline.get("p99_ms"), pipeline.get("count"));
    row("end to end: direct", direct.get("p50_ms"), direct.get("p99_ms"), direct.get("count"));
    row("added by the pipeline", report.get("p50_added_ms"), report.get("p99_added_ms"), null);
    Map<String, Map<String, Object>> hops = (Map<String, Map<String, Object>>) report.get("hops");
    if (hops != null) {
      hops.forEach((hop, h) -> row("hop " + hop, h.get("p50_ms"), h.get("p99_ms"), h.get("count")));
    }
    if (report.get("generator_cores_per_100_sessions") instanceof Number g) {
      System.out.printf("generator: %.3f cores per 100 sessions%n", g.doubleValue());
    }
    System.out.printf("load average %s before, %s after%n", report.get("loadavg_before"),
        report.get("loadavg_after"));
    if (report.get("idle") instanceof Map<?, ?> idle) {
      printIdle((Map<String, Object>) idle);
    }
  }

  @SuppressWarnings("unchecked")
  static void printIdle(Map<String, Object> idle) {
    System.out.printf("%nidle cores over %s s (load average %s before, %s after)%n", idle.get("seconds"),
        idle.get("loadavg_before"), idle.get("loadavg_after"));
    ((Map<String, Double>) idle.get("cores")).forEach((name, cores) -> System.out.printf("  %-18s %.4f%n", name,
        cores));
  }

  private static void row(String name, Object p50, Object p99, Object count) {
    System.out.printf("%-24s %10s %10s %8s%n", name, ms(p50), ms(p99), count == null ? "" : count);
  }

  private static String ms(Object v) {
    return v instanceof Number n ? String.format("%.1f", n.doubleValue()) : "-";
  }
}
