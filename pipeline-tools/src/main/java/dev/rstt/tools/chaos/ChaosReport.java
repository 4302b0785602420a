package dev.rstt.tools.chaos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The summary line, the violation lines and the JSON report of a chaos run. Pure. */
public final class ChaosReport {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ChaosReport() {
  }

  /** Faults carried out (begun without an error), by kind, in catalogue order. */
  static Map<String, Integer> faultCounts(List<FaultInjector.Applied> applied) {
    Map<FaultKind, Integer> byKind = new TreeMap<>();
    applied.stream().filter(FaultInjector.Applied::began)
        .forEach(a -> byKind.merge(a.event().kind(), 1, Integer::sum));
    Map<String, Integer> out = new LinkedHashMap<>();
    byKind.forEach((k, n) -> out.put(k.key(), n));
    return out;
  }

  /**
   * {@code chaos seed=S sessions=K words=W faults={kind:count,...} lost=L doubled=D violations=V resumes=R
   * sessions_judged=P}: the last two are the sockets that resumed a session (after a drop or a gateway kill) and the
   * pipeline sessions judged. A word cut by a dropped socket or a killed gateway is lost unless it was resent and
   * transcribed ({@link ChaosChecker}).
   */
  public static String summary(long seed, int sessions, ChaosRun.Outcome o) {
    String faults = faultCounts(o.applied()).entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
    ChaosChecker.Result r = o.result();
    return "chaos seed=" + seed + " sessions=" + sessions + " words=" + r.words() + " faults=" + faults + " lost="
        + r.lost() + " doubled=" + r.doubled() + " violations=" + r.violations().size() + " resumes="
        + r.resumes() + " sessions_judged=" + r.legs().size();
  }

  /** Emulator kinds carried out whose counters never moved: the fault met no client (e.g. no live socket open). */
  static List<String> unconfirmed(ChaosRun.Outcome o) {
    return o.applied().stream().filter(FaultInjector.Applied::began).map(a -> a.event().kind()).distinct()
        .filter(FaultKind::emulator)
        .filter(k -> k.counters().stream().allMatch(c -> o.counters().getOrDefault(c, 0L) == 0))
        .map(FaultKind::key).toList();
  }

  public static String json(long seed, int sessions, Map<String, Object> options, ChaosRun.Outcome o) {
    ObjectNode root = JSON.createObjectNode();
    root.put("seed", seed);
    root.put("summary", summary(seed, sessions, o));
    root.set("options", JSON.valueToTree(options));
    root.put("started_at", java.time.Instant.ofEpochMilli(o.startedAtMs()).toString());
    root.put("ended_at", java.time.Instant.ofEpochMilli(o.endedAtMs()).toString());
    ArrayNode schedule = root.putArray("schedule");
    for (FaultEvent e : o.schedule().events()) {
      ObjectNode n = schedule.addObject();
      n.put("id", e.id());
      n.put("kind", e.kind().key());
      n.put("at_s", e.atMs() / 1000.0);
      n.put("duration_s", e.durationMs() / 1000.0);
      n.put("param", e.param());
      o.applied().stream().filter(a -> a.event().id() == e.id()).findFirst().ifPresent(a -> {
        n.put("began_at_s", (a.startedAtMs() - o.startedAtMs()) / 1000.0);
        n.put("ended_at_s", (a.endedAtMs() - o.startedAtMs()) / 1000.0);
        if (a.error() != null) {
          n.put("error", a.error());
        }
      });
    }
    root.set("unplaced_kinds", JSON.valueToTree(o.schedule().unplaced().stream().map(FaultKind::key).toList()));
    root.put("max_concurrent_faults", o.schedule().maxConcurrent());
    root.set("faults", JSON.valueToTree(faultCounts(o.applied())));
    root.set("emulator_faults_applied", JSON.valueToTree(o.counters()));
    root.set("unconfirmed_kinds", JSON.valueToTree(unconfirmed(o)));
    ChaosChecker.Result r = o.result();
    ObjectNode totals = root.putObject("totals");
    totals.put("words", r.words());
    totals.put("lost", r.lost());
    totals.put("doubled", r.doubled());
    totals.put("resumes", r.resumes());
    totals.put("violations", r.violations().size());
    totals.put("sessions_judged", r.legs().size());
    totals.put("refused_connects", o.refusals());
    ArrayNode legs = root.putArray("sessions");
    for (ChaosChecker.LegVerdict v : r.legs()) {
      ObjectNode n = legs.addObject();
      n.put("session", v.session());
      n.put("leg", v.leg());
      n.put("session_id", v.sessionId());
      n.put("end", v.end().name().toLowerCase());
      n.put("close_code", v.closeCode());
      n.put("words", v.words());
      n.put("required", v.required());
      n.put("delivered", v.delivered());
      n.put("lost", v.lost());
      n.put("doubled", v.doubled());
      n.put("sockets", v.sockets());
      n.set("statuses", JSON.valueToTree(v.statuses()));
      n.set("violations", JSON.valueToTree(v.violations().stream().map(Violation::line).toList()));
    }
    root.set("notes", JSON.valueToTree(o.notes()));
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }
}
