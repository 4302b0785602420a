package dev.rstt.tools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The bench's readings of the processes it loads, by name: CPU and resident memory from /proc, live heap by jcmd. */
final class ProcessReadings {

  /** The last line of {@code jcmd <pid> GC.class_histogram}: "Total <instances> <bytes>". */
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

  private ProcessReadings() {
  }

  /** Live heap of every named process in KiB, from its class histogram (see {@link #liveHeapKib(String)}). */
  static Map<String, Long> liveHeapByProcess(String pids) {
    Map<String, Long> r = new LinkedHashMap<>();
    if (pids == null || pids.isBlank()) {
      return r;
    }
    Path jcmd = ProcessHandle.current().info().command().map(Path::of).map(java -> java.resolveSibling("jcmd"))
        .orElse(Path.of("jcmd"));
    for (String entry : pids.split(",")) {
      String[] kv = entry.split("=");
      try {
        r.put(kv[0], liveHeapKib(jcmd(jcmd, kv[1], "GC.class_histogram")));
      } catch (Exception e) {
        System.err.println("bench: no heap reading for " + kv[0] + ": " + e.getMessage());
      }
    }
    return r;
  }

  /**
   * The live heap in KiB from {@code jcmd GC.class_histogram}, whose last line totals the objects that survived
   * the full collection it runs first (taken at one safepoint, so allocation in between cannot inflate it).
   */
  static long liveHeapKib(String histogram) {
    Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
    if (!m.find()) {
      throw new IllegalArgumentException("no Total line in: " + histogram.strip().lines().findFirst().orElse(""));
    }
    return Long.parseLong(m.group(1)) / 1024;
  }

  static String jcmd(Path jcmd, String pid, String command) throws Exception {
    Process p = new ProcessBuilder(jcmd.toString(), pid, command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out.strip());
    }
    return out;
  }

  record CpuSample(long ticks, long rssKb, long atNanos) {
  }

  /** CPU ticks and resident memory of named processes, from /proc. */
  static Map<String, CpuSample> cpu(String pids) {
    Map<String, CpuSample> r = new LinkedHashMap<>();
    if (pids == null || pids.isBlank()) {
      return r;
    }
    for (String entry : pids.split(",")) {
      String[] kv = entry.split("=");
      try {
        String stat = Files.readString(Path.of("/proc", kv[1], "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc", kv[1], "status"))) {
          if (line.startsWith("VmRSS:")) {
            rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
        r.put(kv[0], new CpuSample(ticks, rss, System.nanoTime()));
      } catch (Exception e) {
        // a process that is gone is left out
      }
    }
    return r;
  }

  static Map<String, Object> components(Map<String, CpuSample> before, Map<String, CpuSample> after) {
    Map<String, Object> r = new LinkedHashMap<>();
    after.forEach((name, a) -> {
      CpuSample b = before.get(name);
      Map<String, Object> c = new LinkedHashMap<>();
      if (b != null) {
        double seconds = (a.atNanos() - b.atNanos()) / 1e9;
        c.put("cpu_cores", (a.ticks() - b.ticks()) / 100.0 / seconds);
      }
      c.put("rss_mib", a.rssKb() / 1024.0);
      r.put(name, c);
    });
    return r;
  }
}
