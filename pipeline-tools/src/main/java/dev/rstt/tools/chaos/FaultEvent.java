package dev.rstt.tools.chaos;

/**
 * One scheduled fault: its kind, when it starts (ms after the run's start), how long it lasts, and a parameter
 * where the kind has one (flapping: ms from open to close; slow pre-recorded: delay in ms; gateway kill: index of the
 * gateway, 0-based). For a kill the duration is the time the service stays down before its restart.
 */
public record FaultEvent(int id, FaultKind kind, long atMs, long durationMs, int param) {

  public FaultEvent {
    if (atMs < 0 || durationMs < 0) {
      throw new IllegalArgumentException("A fault starts at or after 0 and lasts 0 or more ms");
    }
  }

  public long endMs() {
    return atMs + durationMs;
  }

  /**
   * How long the fault keeps its slot (and counts as active): a one-off close a moment, a killed service its
   * downtime plus the time a restarted JVM takes to serve again.
   */
  public long occupiedUntilMs() {
    if (kind.instant()) {
      return atMs + ChaosSchedule.INSTANT_HOLD_MS;
    }
    return kind.kill() ? endMs() + ChaosSchedule.RESTART_GUARD_MS : endMs();
  }

  public boolean overlaps(long fromMs, long toMs) {
    return atMs < toMs && fromMs < occupiedUntilMs();
  }

  /** {@code kill_gateway#1@62.3s+8.0s}. */
  public String label() {
    return kind.key() + (kind == FaultKind.KILL_GATEWAY ? "#" + param : "")
        + String.format(java.util.Locale.ROOT, "@%.1fs+%.1fs", atMs / 1000.0, durationMs / 1000.0);
  }
}
