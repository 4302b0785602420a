package dev.rstt.emulator.internal;

import dev.rstt.emulator.EmulatorSettings;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the endpoints of one emulator share: settings, counters, the injected faults and the open live sockets. */
public final class EmulatorState {

  private static final Logger log = LoggerFactory.getLogger(EmulatorState.class);

  private final EmulatorSettings settings;
  private final Stats stats = new Stats();
  private final AtomicReference<Faults> faults = new AtomicReference<>(Faults.HEALTHY);
  private final Set<LiveSession> sessions = ConcurrentHashMap.newKeySet();

  public EmulatorState(EmulatorSettings settings) {
    this.settings = settings;
  }

  public EmulatorSettings settings() {
    return settings;
  }

  public Stats stats() {
    return stats;
  }

  public Faults faults() {
    return faults.get();
  }

  /** Replaces the faults and tells every open live socket (a new close_after_ms timer, or none). */
  public Faults setFaults(Faults next) {
    Faults applied = faults.updateAndGet(prev -> next.withGeneration(prev.generation() + 1));
    log.info("Faults now {}", Json.write(applied.toJson()));
    for (LiveSession s : sessions) {
      s.faultsChanged(applied);
    }
    return applied;
  }

  /** True if {@code key} may use the API: any non-blank key when no keys are configured. */
  public boolean authorized(String key) {
    return key != null && !key.isBlank() && (settings.apiKeys().isEmpty() || settings.apiKeys().contains(key));
  }

  void register(LiveSession s) {
    sessions.add(s);
  }

  void unregister(LiveSession s) {
    sessions.remove(s);
  }
}
