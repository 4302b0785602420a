package dev.rstt.tools.chaos;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code ./pipeline chaos}: a seeded fault schedule and K concurrent tone-word sessions against the stack that
 * {@code ./pipeline up} runs, then the checker. Prints the seed first, then one summary line and one line per
 * violation; writes the whole report as JSON; exits 1 on any violation.
 *
 * <pre>
 * chaos --gateways URL[,URL] --emulator URL --kafka HOST:PORT --state DIR --secret S
 *       [--minutes 10] [--sessions 20] [--seed S] [--max-active 3] [--tolerance-ms 50]
 *       [--min-script 20] [--max-script 100] [--max-pause-ms 8000] [--kinds k,...] [--exclude k,...]
 *       [--audio-frames-topic audio.frames] [--settle-minutes 6] [--out DIR] [--realism off|on|JSON]
 * </pre>
 */
public final class ChaosCli {

  private ChaosCli() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts;
    try {
      opts = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: " + e.getMessage());
      System.err.println("usage: chaos --gateways URL[,URL] --emulator URL --kafka HOST:PORT --state DIR --secret S"
          + " [--minutes N] [--sessions K] [--seed S] [--max-active N] [--tolerance-ms MS] [--kinds k,..]"
          + " [--exclude k,..]; kinds: " + Arrays.stream(FaultKind.values()).map(FaultKind::key).toList());
      System.exit(2);
      return;
    }
    System.exit(run(opts));
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    for (String required : List.of("gateways", "emulator", "kafka", "state", "secret")) {
      if (!opts.containsKey(required)) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    double minutes = Double.parseDouble(opts.getOrDefault("minutes", "10"));
    if (minutes < 0.5 || minutes > 600) {
      throw new IllegalArgumentException("--minutes must be 0.5..600, was " + minutes);
    }
    int sessions = Integer.parseInt(opts.getOrDefault("sessions", "20"));
    if (sessions < 1 || sessions > 500) {
      throw new IllegalArgumentException("--sessions must be 1..500, was " + sessions);
    }
    kinds(opts); // validates the kind names
    realismJson(opts.getOrDefault("realism", "off"), 0);
    return opts;
  }

  /** The options of this run as {@code ./pipeline chaos} takes them (the stack's addresses left out), seed included. */
  static String reproduce(Map<String, String> opts, long seed) {
    Map<String, String> shown = new LinkedHashMap<>();
    shown.put("seed", Long.toString(seed));
    shown.put("minutes", opts.getOrDefault("minutes", "10"));
    shown.put("sessions", opts.getOrDefault("sessions", "20"));
    opts.forEach((k, v) -> {
      if (!List.of("gateways", "emulator", "kafka", "state", "secret", "out", "seed").contains(k)) {
        shown.put(k, v);
      }
    });
    StringBuilder b = new StringBuilder();
    shown.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append("--").append(k).append(' ').append(v));
    return b.toString();
  }

  /** {@code off} → null (the emulator is left as it is), {@code on} → its defaults seeded by the run, else JSON. */
  static String realismJson(String value, long seed) {
    return switch (value) {
      case "off" -> null;
      case "on" -> "{\"seed\":" + seed + "}";
      default -> {
        if (!value.strip().startsWith("{")) {
          throw new IllegalArgumentException("--realism is off, on or the emulator's realism JSON, not " + value);
        }
        yield value;
      }
    };
  }

  static Set<FaultKind> kinds(Map<String, String> opts) {
    EnumSet<FaultKind> kinds = opts.containsKey("kinds") ? EnumSet.noneOf(FaultKind.class)
        : EnumSet.allOf(FaultKind.class);
    if (opts.containsKey("kinds")) {
      for (String k : opts.get("kinds").split(",")) {
        if (!k.isBlank() && !k.strip().equals("none")) {
          kinds.add(FaultKind.byKey(k.strip()));
        }
      }
    }
    if (opts.containsKey("exclude")) {
      for (String k : opts.get("exclude").split(",")) {
        kinds.remove(FaultKind.byKey(k.strip()));
      }
    }
    return kinds;
  }

  static int run(Map<String, String> opts) throws Exception {
    long seed = opts.containsKey("seed") ? Long.parseLong(opts.get("seed"))
        : ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
    double minutes = Double.parseDouble(opts.getOrDefault("minutes", "10"));
    int sessions = Integer.parseInt(opts.getOrDefault("sessions", "20"));
    String secret = opts.get("secret");
    String realism = realismJson(opts.getOrDefault("realism", "off"), seed);
    // with realism, live and pre-recorded word times each drift up to 40 ms: the segment tolerance is that plus 50
    double toleranceMs = Double.parseDouble(opts.getOrDefault("tolerance-ms", realism == null ? "50" : "90"));
    Path state = Path.of(opts.get("state"));
    System.out.println("chaos seed=" + seed + " (reproduce: ./pipeline chaos " + reproduce(opts, seed) + ")");
    ChaosRun.Config config = new ChaosRun.Config(seed, (long) (minutes * 60_000),
        new SessionDriver.Options(sessions, Integer.parseInt(opts.getOrDefault("min-script", "20")),
            Integer.parseInt(opts.getOrDefault("max-script", "100")),
            Integer.parseInt(opts.getOrDefault("max-pause-ms", "8000"))),
        Integer.parseInt(opts.getOrDefault("max-active", "3")), kinds(opts),
        List.of(opts.get("gateways").split(",")), opts.get("emulator"), opts.get("kafka"),
        opts.getOrDefault("audio-frames-topic", "audio.frames"), uid -> dev.rstt.common.auth.DevTokens.mint(uid, secret, java.time.Duration.ofHours(6),
            java.time.Clock.systemUTC()),
        ChaosChecker.Settings.defaults().withToleranceS(toleranceMs / 1000.0),
        (long) (Double.parseDouble(opts.getOrDefault("settle-minutes", "6")) * 60_000), realism);
    long t0 = System.currentTimeMillis();
    ChaosRun run = new ChaosRun(config, new PipelineProcesses(state),
        line -> System.err.printf(Locale.ROOT, "[%7.1fs] %s%n", (System.currentTimeMillis() - t0) / 1000.0, line));
    ChaosSchedule schedule = run.schedule();
    System.out.println("chaos schedule: " + schedule.events().size() + " faults, at most "
        + schedule.maxConcurrent() + " at once" + (schedule.unplaced().isEmpty() ? ""
        : ", kinds that did not fit: " + schedule.unplaced()));
    for (FaultEvent e : schedule.events()) {
      System.out.println("  " + e.label());
    }
    ChaosRun.Outcome outcome = run.run();
    Map<String, Object> options = new LinkedHashMap<>(opts);
    options.remove("secret");
    Path out = Path.of(opts.getOrDefault("out", state.resolve("chaos").toString()));
    Files.createDirectories(out);
    Path file = out.resolve("chaos-" + seed + "-" + java.time.LocalDateTime.now()
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
    Files.writeString(file, ChaosReport.json(seed, sessions, options, outcome), StandardCharsets.UTF_8);
    System.out.println(ChaosReport.summary(seed, sessions, outcome));
    outcome.result().violations().forEach(v -> System.out.println(v.line()));
    List<String> unconfirmed = ChaosReport.unconfirmed(outcome);
    if (!unconfirmed.isEmpty()) {
      System.out.println("chaos: faults injected that met no client (emulator counters did not move): " + unconfirmed);
    }
    System.out.println("chaos report: " + file);
    return outcome.result().violations().isEmpty() ? 0 : 1;
  }
}
