package dev.rstt.emulator.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The injected faults, replaced as a whole by {@code PUT /__emulator/faults}. Every field is optional; null means
 * healthy. {@code generation} changes with every PUT or DELETE, so timers armed by an older fault do nothing.
 */
public record Faults(Live live, Prerecorded prerecorded, long generation) {

  /** Live faults: refuse handshakes, close sockets after a delay, or stall. */
  public record Live(Integer handshakeStatus, Long closeAfterMs, Integer closeCode, boolean stall) {
    public int closeCodeOrDefault() {
      return closeCode == null ? 1011 : closeCode;
    }
  }

  /** Pre-recorded faults: fail with a status, delay responses. */
  public record Prerecorded(Integer status, Long delayMs) {
  }

  public static final Faults HEALTHY = new Faults(null, null, 0);

  public Faults withGeneration(long g) {
    return new Faults(live, prerecorded, g);
  }

  public boolean stalled() {
    return live != null && live.stall();
  }

  public Integer handshakeStatus() {
    return live == null ? null : live.handshakeStatus();
  }

  public Long closeAfterMs() {
    return live == null ? null : live.closeAfterMs();
  }

  public Integer prerecordedStatus() {
    return prerecorded == null ? null : prerecorded.status();
  }

  public long prerecordedDelayMs() {
    return prerecorded == null || prerecorded.delayMs() == null ? 0 : prerecorded.delayMs();
  }

  /** Parses the PUT body; a bad field is a {@link BadRequestException} naming it. */
  public static Faults parse(String body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body == null || body.isBlank() ? "{}" : body);
    } catch (RuntimeException e) {
      throw new BadRequestException("faults body is not JSON");
    }
    if (!root.isObject()) {
      throw new BadRequestException("faults body must be a JSON object");
    }
    Live live = null;
    JsonNode l = root.get("live");
    if (l != null && !l.isNull()) {
      if (!l.isObject()) {
        throw new BadRequestException("live must be an object or null");
      }
      Integer hs = intField(l, "live.handshake_status", 400, 599);
      Long closeAfter = longField(l, "live.close_after_ms", 0, 86_400_000L);
      Integer code = intField(l, "live.close_code", 1000, 4999);
      if (code != null && (code == 1004 || code == 1005 || code == 1015 || (code > 1015 && code < 3000))) {
        throw new BadRequestException("live.close_code " + code + " cannot be sent in a close frame");
      }
      JsonNode st = l.get("stall");
      boolean stall = false;
      if (st != null && !st.isNull()) {
        if (!st.isBoolean()) {
          throw new BadRequestException("live.stall must be true, false or null");
        }
        stall = st.booleanValue();
      }
      if (hs != null || closeAfter != null || code != null || stall) {
        live = new Live(hs, closeAfter, code, stall);
      }
    }
    Prerecorded pre = null;
    JsonNode p = root.get("prerecorded");
    if (p != null && !p.isNull()) {
      if (!p.isObject()) {
        throw new BadRequestException("prerecorded must be an object or null");
      }
      Integer status = intField(p, "prerecorded.status", 400, 599);
      Long delay = longField(p, "prerecorded.delay_ms", 0, 600_000L);
      if (status != null || delay != null) {
        pre = new Prerecorded(status, delay);
      }
    }
    return new Faults(live, pre, 0);
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (live == null) {
      m.put("live", null);
    } else {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("handshake_status", live.handshakeStatus());
      l.put("close_after_ms", live.closeAfterMs());
      l.put("close_code", live.closeAfterMs() == null ? live.closeCode() : (Integer) live.closeCodeOrDefault());
      l.put("stall", live.stall());
      m.put("live", l);
    }
    if (prerecorded == null) {
      m.put("prerecorded", null);
    } else {
      Map<String, Object> pr = new LinkedHashMap<>();
      pr.put("status", prerecorded.status());
      pr.put("delay_ms", prerecorded.delayMs());
      m.put("prerecorded", pr);
    }
    return m;
  }

  private static Integer intField(JsonNode parent, String name, int min, int max) {
    Long v = longField(parent, name, min, max);
    return v == null ? null : v.intValue();
  }

  private static Long longField(JsonNode parent, String name, long min, long max) {
    JsonNode n = parent.get(name.substring(name.indexOf('.') + 1));
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || n.longValue() < min || n.longValue() > max) {
      throw new BadRequestException(name + " must be an integer " + min + ".." + max + " or null, was " + n);
    }
    return n.longValue();
  }
}
