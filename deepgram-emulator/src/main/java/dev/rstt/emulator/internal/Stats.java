package dev.rstt.emulator.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/** Counters behind {@code GET /__emulator/stats}. */
public final class Stats {

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
    return m;
  }
}
