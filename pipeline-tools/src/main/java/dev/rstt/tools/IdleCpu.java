package dev.rstt.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the stack costs with no session: CPU of every named process over a window of wall-clock time (from /proc,
 * as {@link ProcessReadings#cpu}), each in cores, and their total without the bench's own process. The machine's
 * load average is read beside it: on a shared machine other work slows the components, not their idle ticks, but
 * a number without it cannot be compared.
 */
final class IdleCpu {

  static final String GENERATOR = "generator";

  private IdleCpu() {
  }

  /** Samples {@code pids} (name=pid,...) now and after {@code seconds}; blocks for that long. */
  static Map<String, Object> measure(String pids, int seconds) throws InterruptedException {
    Map<String, ProcessReadings.CpuSample> before = ProcessReadings.cpu(pids);
    String loadBefore = loadAverage();
    Thread.sleep(seconds * 1000L); // the measured window itself, not a wait for readiness
    Map<String, ProcessReadings.CpuSample> after = ProcessReadings.cpu(pids);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("seconds", seconds);
    r.put("cores", cores(before, after));
    r.put("loadavg_before", loadBefore);
    r.put("loadavg_after", loadAverage());
    return r;
  }

  /** Cores per process between two samples, and {@code total} of every process but the generator. */
  static Map<String, Double> cores(Map<String, ProcessReadings.CpuSample> before,
      Map<String, ProcessReadings.CpuSample> after) {
    Map<String, Double> r = new LinkedHashMap<>();
    double total = 0;
    for (Map.Entry<String, ProcessReadings.CpuSample> e : after.entrySet()) {
      ProcessReadings.CpuSample b = before.get(e.getKey());
      if (b == null) {
        continue;
      }
      double seconds = (e.getValue().atNanos() - b.atNanos()) / 1e9;
      double cores = (e.getValue().ticks() - b.ticks()) / 100.0 / seconds;
      r.put(e.getKey(), Math.round(cores * 10000) / 10000.0);
      if (!e.getKey().equals(GENERATOR)) {
        total += cores;
      }
    }
    r.put("total", Math.round(total * 10000) / 10000.0);
    return r;
  }

  /** The first three fields of /proc/loadavg, or "unknown". */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "unknown";
    }
  }
}
