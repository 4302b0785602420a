package dev.rstt.emulator.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The injected faults, replaced as a whole by {@code PUT /__emulator/faults}. Every field is optional; null means
 * healthy. {@code match} (query parameter → value; empty: every request) limits the faults to the requests whose
 * query has each of those values, e.g. one session's or one channel's streams; the others are served healthy.
 * {@code generation} changes with every PUT or DELETE, so timers armed by an older fault do nothing.
 */
public record Faults(Live live, Prerecorded prerecorded, Map<String, String> match, long generation) {

  public Faults {
    match = Map.copyOf(match);
  }

  public Faults(Live live, Prerecorded prerecorded, long generation) {
    this(live, prerecorded, Map.of(), generation);
  }

  /** Whether these faults apply to a request with {@code query} (every value of each parameter). */
  public boolean appliesTo(Map<String, List<String>> query) {
    for (Map.Entry<String, String> m : match.entrySet()) {
      if (!query.getOrDefault(m.getKey(), List.of()).contains(m.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** The faults a request with {@code query} meets: these, or none (same generation) when the match excludes it. */
  public Faults forQuery(Map<String, List<String>> query) {
    return appliesTo(query) ? this : new Faults(null, null, match, generation);
  }

  /** Which live sockets a {@code close_after_ms} fault closes. */
  public enum CloseScope {
    /** Sockets open at the PUT and every socket opened later (flapping). */
    ALL,
    /** Only the sockets open at the PUT (a one-off mid-stream close; new sockets live). */
    OPEN
  }

  /** What a pre-recorded request gets instead of an answer. */
  public enum NoAnswer {
    /** The request is read and never answered; the connection stays open until the client gives up. */
    HANG,
    /** The request is read, then the connection is closed without an answer. */
    CLOSE
  }

  /** Live faults: refuse handshakes, close sockets after a delay, or stall. */
  public record Live(Integer handshakeStatus, Integer retryAfterSeconds, Long closeAfterMs, Integer closeCode,
      CloseScope closeScope, boolean stall) {
    public int closeCodeOrDefault() {
      return closeCode == null ? 1011 : closeCode;
    }
  }

  /** Pre-recorded faults: fail with a status, delay responses, or never answer. */
  public record Prerecorded(Integer status, Integer retryAfterSeconds, Long delayMs, NoAnswer noAnswer) {
  }

  public static final Faults HEALTHY = new Faults(null, null, 0);
  private static final Set<String> TOP = Set.of("live", "prerecorded", "match");
  private static final Set<String> LIVE = Set.of("handshake_status", "retry_after_seconds", "close_after_ms",
      "close_code", "close_scope", "stall");
  private static final Set<String> PRERECORDED = Set.of("status", "retry_after_seconds", "delay_ms", "no_answer");

  public Faults withGeneration(long g) {
    return new Faults(live, prerecorded, match, g);
  }

  public boolean stalled() {
    return live != null && live.stall();
  }

  public Integer handshakeStatus() {
    return live == null ? null : live.handshakeStatus();
  }

  public Integer handshakeRetryAfter() {
    return live == null ? null : live.retryAfterSeconds();
  }

  public Long closeAfterMs() {
    return live == null ? null : live.closeAfterMs();
  }

  /** True if sockets opened now get the {@code close_after_ms} fault too. */
  public boolean closesNewSockets() {
    return closeAfterMs() != null && live.closeScope() != CloseScope.OPEN;
  }

  public Integer prerecordedStatus() {
    return prerecorded == null ? null : prerecorded.status();
  }

  public Integer prerecordedRetryAfter() {
    return prerecorded == null ? null : prerecorded.retryAfterSeconds();
  }

  public long prerecordedDelayMs() {
    return prerecorded == null || prerecorded.delayMs() == null ? 0 : prerecorded.delayMs();
  }

  public NoAnswer prerecordedNoAnswer() {
    return prerecorded == null ? null : prerecorded.noAnswer();
  }

  /** Parses the PUT body; a bad or unknown field is a {@link BadRequestException} naming it. */
  public static Faults parse(String body) {
    JsonNode root = JsonFields.object(body, "faults body");
    JsonFields.onlyKnown(root, "", TOP);
    Live live = null;
    JsonNode l = JsonFields.section(root, "live");
    if (l != null) {
      JsonFields.onlyKnown(l, "live.", LIVE);
      Integer hs = JsonFields.integer(l, "live.handshake_status", 400, 599);
      Integer retryAfter = JsonFields.integer(l, "live.retry_after_seconds", 0, 3600);
      Long closeAfter = JsonFields.longField(l, "live.close_after_ms", 0, 86_400_000L);
      Integer code = JsonFields.integer(l, "live.close_code", 1000, 4999);
      if (code != null && (code == 1004 || code == 1005 || code == 1015 || (code > 1015 && code < 3000))) {
        throw new BadRequestException("live.close_code " + code + " cannot be sent in a close frame");
      }
      String scope = JsonFields.oneOf(l, "live.close_scope", "all", "open");
      boolean stall = Boolean.TRUE.equals(JsonFields.bool(l, "live.stall"));
      if (hs != null || retryAfter != null || closeAfter != null || code != null || scope != null || stall) {
        live = new Live(hs, retryAfter, closeAfter, code,
            "open".equals(scope) ? CloseScope.OPEN : CloseScope.ALL, stall);
      }
    }
    Prerecorded pre = null;
    JsonNode p = JsonFields.section(root, "prerecorded");
    if (p != null) {
      JsonFields.onlyKnown(p, "prerecorded.", PRERECORDED);
      Integer status = JsonFields.integer(p, "prerecorded.status", 400, 599);
      Integer retryAfter = JsonFields.integer(p, "prerecorded.retry_after_seconds", 0, 3600);
      Long delay = JsonFields.longField(p, "prerecorded.delay_ms", 0, 600_000L);
      String noAnswer = JsonFields.oneOf(p, "prerecorded.no_answer", "hang", "close");
      if (status != null && noAnswer != null) {
        throw new BadRequestException("prerecorded.status and prerecorded.no_answer exclude each other");
      }
      if (status != null || retryAfter != null || delay != null || noAnswer != null) {
        pre = new Prerecorded(status, retryAfter, delay,
            noAnswer == null ? null : noAnswer.equals("hang") ? NoAnswer.HANG : NoAnswer.CLOSE);
      }
    }
    return new Faults(live, pre, match(root), 0);
  }

  private static Map<String, String> match(JsonNode root) {
    JsonNode m = JsonFields.section(root, "match");
    Map<String, String> match = new LinkedHashMap<>();
    if (m != null) {
      for (String name : m.propertyNames()) {
        JsonNode v = m.get(name);
        if (name.isBlank() || v == null || !v.isString()) {
          throw new BadRequestException("match." + name + " must be a string (a query parameter's value)");
        }
        match.put(name, v.stringValue());
      }
    }
    return match;
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("match", match);
    if (live == null) {
      m.put("live", null);
    } else {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("handshake_status", live.handshakeStatus());
      l.put("retry_after_seconds", live.retryAfterSeconds());
      l.put("close_after_ms", live.closeAfterMs());
      l.put("close_code", live.closeAfterMs() == null ? live.closeCode() : (Integer) live.closeCodeOrDefault());
      l.put("close_scope", live.closeScope().name().toLowerCase());
      l.put("stall", live.stall());
      m.put("live", l);
    }
    if (prerecorded == null) {
      m.put("prerecorded", null);
    } else {
      Map<String, Object> pr = new LinkedHashMap<>();
      pr.put("status", prerecorded.status());
      pr.put("retry_after_seconds", prerecorded.retryAfterSeconds());
      pr.put("delay_ms", prerecorded.delayMs());
      pr.put("no_answer", prerecorded.noAnswer() == null ? null : prerecorded.noAnswer().name().toLowerCase());
      m.put("prerecorded", pr);
    }
    return m;
  }
}
