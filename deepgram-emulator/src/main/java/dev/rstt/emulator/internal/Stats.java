package dev.rstt.emulator.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** Counters behind {@code GET /__emulator/stats}. */
public final class Stats {

  /** Fault kinds of the catalogue, always listed in {@code faults_applied} (0 until applied). */
  public static final List<String> FAULT_KINDS = List.of("live_handshake_401", "live_handshake_429",
      "live_handshake_503", "live_close_1000", "live_close_1006", "live_close_1011", "live_stall",
      "prerecorded_status_429", "prerecorded_status_503", "prerecorded_delay", "prerecorded_hang",
      "prerecorded_close");

  public final AtomicInteger liveOpen = new AtomicInteger();
  public final AtomicLong liveTotal = new AtomicLong();
  public final AtomicLong liveRefused = new AtomicLong();
  public final AtomicLong liveFaultClosed = new AtomicLong();
  public final AtomicLong liveIdleClosed = new AtomicLong();
  public final AtomicLong resultsSent = new AtomicLong();
  public final AtomicLong wordsRecognized = new AtomicLong();
  public final DoubleAdder audioSeconds = new DoubleAdder();
  public final AtomicInteger prerecordedInFlight = new AtomicInteger();
  public final AtomicLong prerecordedOk = new AtomicLong();
  public final AtomicLong prerecordedFailed = new AtomicLong();
  public final AtomicLong fragments = new AtomicLong();
  public final AtomicLong lateFinals = new AtomicLong();
  public final AtomicLong splitFinals = new AtomicLong();
  private final Map<String, LongAdder> faultsApplied = new ConcurrentHashMap<>();

  /** One injected fault of {@code kind} (e.g. {@code live_close_1011}) was really applied. */
  public void faultApplied(String kind) {
    faultsApplied.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  public long faultsApplied(String kind) {
    LongAdder a = faultsApplied.get(kind);
    return a == null ? 0 : a.sum();
  }

  /** Takes a live slot if fewer than {@code max} are open. */
  public boolean tryOpenLive(int max) {
    while (true) {
      int open = liveOpen.get();
      if (open >= max) {
        return false;
      }
      if (liveOpen.compareAndSet(open, open + 1)) {
        liveTotal.incrementAndGet();
        return true;
      }
    }
  }

  public boolean tryStartPrerecorded(int max) {
    while (true) {
      int n = prerecordedInFlight.get();
      if (n >= max) {
        return false;
      }
      if (prerecordedInFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("live_open", liveOpen.get());
    m.put("live_total", liveTotal.get());
    m.put("live_refused", liveRefused.get());
    m.put("live_fault_closed", liveFaultClosed.get());
    m.put("live_idle_closed", liveIdleClosed.get());
    m.put("live_results_sent", resultsSent.get());
    m.put("words_recognized", wordsRecognized.get());
    m.put("audio_seconds_received", Math.round(audioSeconds.sum() * 1000) / 1000.0);
    m.put("prerecorded_in_flight", prerecordedInFlight.get());
    m.put("prerecorded_ok", prerecordedOk.get());
    m.put("prerecorded_failed", prerecordedFailed.get());
    m.put("realism_fragments", fragments.get());
    m.put("realism_late_finals", lateFinals.get());
    m.put("realism_split_finals", splitFinals.get());
    Map<String, Long> applied = new TreeMap<>();
    FAULT_KINDS.forEach(k -> applied.put(k, 0L));
    faultsApplied.forEach((k, v) -> applied.put(k, v.sum()));
    m.put("faults_applied", applied);
    return m;
  }
}
