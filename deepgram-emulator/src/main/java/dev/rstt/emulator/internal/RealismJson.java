package dev.rstt.emulator.internal;

import dev.rstt.emulator.Realism;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@link Realism} as JSON, for {@code PUT /__emulator/realism} and {@code --realism}:
 * <pre>{"seed": 42, "live": {"offset_ms": 0, "jitter_ms": 40}, "prerecorded": {"offset_ms": 0, "jitter_ms": 40},
 *  "fragments": true, "late_finals": {"probability": 0.2, "after_ms": 500}, "split_finals": {"probability": 0.2}}</pre>
 * Absent fields take the defaults of {@link Realism#on(long)}; {@code "enabled": false} means off.
 */
public final class RealismJson {

  private static final Set<String> TOP = Set.of("enabled", "seed", "live", "prerecorded", "fragments", "late_finals",
      "split_finals");
  private static final Set<String> DRIFT = Set.of("offset_ms", "jitter_ms");

  private RealismJson() {
  }

  public static Realism parse(String body) {
    JsonNode root = JsonFields.object(body, "realism body");
    JsonFields.onlyKnown(root, "", TOP);
    Boolean enabled = JsonFields.bool(root, "enabled");
    Long seed = JsonFields.longField(root, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
    Realism r = Realism.on(seed == null ? 1 : seed);
    try {
      r = r.withLive(drift(root, "live", r.live())).withPrerecorded(drift(root, "prerecorded", r.prerecorded()));
      Boolean fragments = JsonFields.bool(root, "fragments");
      if (fragments != null) {
        r = r.withFragments(fragments);
      }
      JsonNode late = JsonFields.section(root, "late_finals");
      if (late != null) {
        JsonFields.onlyKnown(late, "late_finals.", Set.of("probability", "after_ms"));
        Double p = JsonFields.number(late, "late_finals.probability", 0, 1);
        Long after = JsonFields.longField(late, "late_finals.after_ms", 0, 60_000);
        r = r.withLateFinals(p == null ? r.lateFinals() : p,
            after == null ? r.lateAfter() : Duration.ofMillis(after));
      }
      JsonNode split = JsonFields.section(root, "split_finals");
      if (split != null) {
        JsonFields.onlyKnown(split, "split_finals.", Set.of("probability"));
        Double p = JsonFields.number(split, "split_finals.probability", 0, 1);
        r = r.withSplitFinals(p == null ? r.splitFinals() : p);
      }
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
    return Boolean.FALSE.equals(enabled) ? Realism.OFF : r;
  }

  private static Realism.Drift drift(JsonNode root, String name, Realism.Drift dflt) {
    JsonNode d = JsonFields.section(root, name);
    if (d == null) {
      return dflt;
    }
    JsonFields.onlyKnown(d, name + ".", DRIFT);
    Integer offset = JsonFields.integer(d, name + ".offset_ms", -200, 200);
    Integer jitter = JsonFields.integer(d, name + ".jitter_ms", 0, 200);
    return new Realism.Drift(offset == null ? dflt.offsetMs() : offset, jitter == null ? dflt.jitterMs() : jitter);
  }

  public static Map<String, Object> toJson(Realism r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("enabled", r.enabled());
    if (!r.enabled()) {
      return m;
    }
    m.put("seed", r.seed());
    m.put("live", Map.of("offset_ms", r.live().offsetMs(), "jitter_ms", r.live().jitterMs()));
    m.put("prerecorded", Map.of("offset_ms", r.prerecorded().offsetMs(), "jitter_ms", r.prerecorded().jitterMs()));
    m.put("fragments", r.fragments());
    m.put("late_finals", Map.of("probability", r.lateFinals(), "after_ms", r.lateAfter().toMillis()));
    m.put("split_finals", Map.of("probability", r.splitFinals()));
    return m;
  }
}
