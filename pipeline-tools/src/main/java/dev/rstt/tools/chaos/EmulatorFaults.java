package dev.rstt.tools.chaos;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The emulator's fault set for the faults active at one moment. {@code PUT /__emulator/faults} replaces the whole
 * set, so overlapping faults are sent as their union: each kind sets its own fields (the schedule never overlaps two
 * kinds of one slot, so no field is set twice). Pure.
 */
public final class EmulatorFaults {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private EmulatorFaults() {
  }

  /** The body to PUT, or empty when no emulator fault is active (then the set is cleared with DELETE). */
  public static Optional<String> body(Collection<FaultEvent> active) {
    ObjectNode live = JSON.createObjectNode();
    ObjectNode pre = JSON.createObjectNode();
    List<FaultEvent> sorted = active.stream().filter(e -> e.kind().emulator())
        .sorted(Comparator.comparingInt(FaultEvent::id)).toList();
    for (FaultEvent e : sorted) {
      switch (e.kind()) {
        case LIVE_CLOSE_1011 -> close(live, 0, 1011, "open");
        case LIVE_CLOSE_1006 -> close(live, 0, 1006, "open");
        case LIVE_CLOSE_1000 -> close(live, 0, 1000, "open");
        case LIVE_FLAPPING -> close(live, e.param(), 1011, "all");
        case LIVE_HANDSHAKE_503 -> set(live, "handshake_status", 503);
        case LIVE_HANDSHAKE_429 -> {
          set(live, "handshake_status", 429);
          set(live, "retry_after_seconds", 2);
        }
        case LIVE_HANDSHAKE_401 -> set(live, "handshake_status", 401);
        case LIVE_STALL -> {
          requireUnset(live, "stall");
          live.put("stall", true);
        }
        case PRERECORDED_503 -> set(pre, "status", 503);
        case PRERECORDED_429 -> {
          set(pre, "status", 429);
          set(pre, "retry_after_seconds", 2);
        }
        case PRERECORDED_SLOW -> set(pre, "delay_ms", e.param());
        case PRERECORDED_HANG -> {
          requireUnset(pre, "no_answer");
          pre.put("no_answer", "hang");
        }
        case PRERECORDED_CLOSE -> {
          requireUnset(pre, "no_answer");
          pre.put("no_answer", "close");
        }
        default -> throw new IllegalStateException(e.kind() + " is not an emulator fault");
      }
    }
    if (pre.has("status") && pre.has("no_answer")) {
      throw new IllegalArgumentException("prerecorded status and no_answer exclude each other (one slot)");
    }
    ObjectNode root = JSON.createObjectNode();
    if (!live.isEmpty()) {
      root.set("live", live);
    }
    if (!pre.isEmpty()) {
      root.set("prerecorded", pre);
    }
    return root.isEmpty() ? Optional.empty() : Optional.of(JSON.writeValueAsString(root));
  }

  private static void close(ObjectNode live, int afterMs, int code, String scope) {
    set(live, "close_after_ms", afterMs);
    set(live, "close_code", code);
    live.put("close_scope", scope);
  }

  private static void set(ObjectNode node, String field, int value) {
    requireUnset(node, field);
    node.put(field, value);
  }

  private static void requireUnset(ObjectNode node, String field) {
    if (node.has(field)) {
      throw new IllegalArgumentException("Two active faults set " + field + " (they share a slot)");
    }
  }
}
