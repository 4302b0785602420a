package dev.rstt.tools.chaos;

import java.util.List;

/**
 * The fault catalogue of a chaos run: what each kind does, which part of the system it occupies (its
 * {@link Slot}: two faults of one slot never overlap, since the emulator holds one value per field and a process
 * can only be down once), how long it lasts, and how its effect is confirmed.
 *
 * <p>Emulator kinds are fragments of the emulator's fault set ({@code deepgram-emulator/README.md}, "Fault
 * injection"); overlapping ones are sent as their union ({@link EmulatorFaults}). Their {@link #counters()} are the
 * emulator's {@code faults_applied} keys that prove the fault met a client. Process kinds are carried out through
 * {@link ProcessControl}.
 */
public enum FaultKind {

  LIVE_CLOSE_1011("live_close_1011", Slot.LIVE_CLOSE, 0, 0, List.of("live_close_1011")),
  LIVE_CLOSE_1006("live_close_1006", Slot.LIVE_CLOSE, 0, 0, List.of("live_close_1006")),
  LIVE_CLOSE_1000("live_close_1000", Slot.LIVE_CLOSE, 0, 0, List.of("live_close_1000")),
  /** Every live socket dies {@code param} ms (200-600) after it opens. */
  LIVE_FLAPPING("live_flapping", Slot.LIVE_CLOSE, 10_000, 90_000, List.of("live_close_1011")),
  LIVE_HANDSHAKE_503("live_handshake_503", Slot.LIVE_HANDSHAKE, 5_000, 60_000, List.of("live_handshake_503")),
  LIVE_HANDSHAKE_429("live_handshake_429", Slot.LIVE_HANDSHAKE, 5_000, 60_000, List.of("live_handshake_429")),
  LIVE_HANDSHAKE_401("live_handshake_401", Slot.LIVE_HANDSHAKE, 5_000, 45_000, List.of("live_handshake_401")),
  LIVE_STALL("live_stall", Slot.LIVE_STALL, 5_000, 40_000, List.of("live_stall")),
  PRERECORDED_503("prerecorded_503", Slot.PRERECORDED_ANSWER, 5_000, 60_000, List.of("prerecorded_status_503")),
  PRERECORDED_429("prerecorded_429", Slot.PRERECORDED_ANSWER, 5_000, 60_000, List.of("prerecorded_status_429")),
  /** Every pre-recorded answer waits {@code param} ms (2-8 s). */
  PRERECORDED_SLOW("prerecorded_slow", Slot.PRERECORDED_DELAY, 10_000, 90_000, List.of("prerecorded_delay")),
  PRERECORDED_HANG("prerecorded_hang", Slot.PRERECORDED_ANSWER, 5_000, 60_000, List.of("prerecorded_hang")),
  PRERECORDED_CLOSE("prerecorded_close", Slot.PRERECORDED_ANSWER, 5_000, 45_000, List.of("prerecorded_close")),
  /** kill -9; the duration is how long it stays down before it is restarted. */
  KILL_STT_WORKER("kill_stt_worker", Slot.STT_WORKER, 0, 15_000, List.of()),
  KILL_BATCH_WORKER("kill_batch_worker", Slot.BATCH_WORKER, 0, 15_000, List.of()),
  KILL_MERGER("kill_merger", Slot.MERGER, 0, 15_000, List.of()),
  /** kill -9 of gateway {@code param} (only where two or more run); its sessions reconnect to another. */
  KILL_GATEWAY("kill_gateway", Slot.GATEWAY, 0, 15_000, List.of()),
  /** SIGSTOP of the broker, SIGCONT after the duration (up to 5 minutes). */
  BROKER_STALL("broker_stall", Slot.BROKER, 10_000, 300_000, List.of()),
  /**
   * An app's TCP connection aborted (no close frame) at that moment: the phone's network; {@code param} picks which
   * of the sockets open then. The app resumes the session (docs/CONTRACT.md section 10).
   */
  SOCKET_DROP("socket_drop", Slot.APP_SOCKET, 0, 0, List.of());

  /** The part of the system a fault occupies; faults of one slot never overlap. */
  public enum Slot {
    LIVE_CLOSE, LIVE_HANDSHAKE, LIVE_STALL, PRERECORDED_ANSWER, PRERECORDED_DELAY,
    STT_WORKER, BATCH_WORKER, MERGER, GATEWAY, BROKER, APP_SOCKET
  }

  private final String key;
  private final Slot slot;
  private final long minDurationMs;
  private final long maxDurationMs;
  private final List<String> counters;

  FaultKind(String key, Slot slot, long minDurationMs, long maxDurationMs, List<String> counters) {
    this.key = key;
    this.slot = slot;
    this.minDurationMs = minDurationMs;
    this.maxDurationMs = maxDurationMs;
    this.counters = counters;
  }

  /** The name in the summary line and the report. */
  public String key() {
    return key;
  }

  public Slot slot() {
    return slot;
  }

  public long minDurationMs() {
    return minDurationMs;
  }

  public long maxDurationMs() {
    return maxDurationMs;
  }

  /** Emulator {@code faults_applied} keys that count this fault meeting a client (empty for process faults). */
  public List<String> counters() {
    return counters;
  }

  /** A one-off emulator action (a mid-stream close of the sockets open at that moment), not a lasting state. */
  public boolean instant() {
    return (slot == Slot.LIVE_CLOSE && this != LIVE_FLAPPING) || this == SOCKET_DROP;
  }

  /** A fault of the apps' side (not of the stack): it does not count toward the faults active at once. */
  public boolean appSide() {
    return slot == Slot.APP_SOCKET;
  }

  public boolean emulator() {
    return switch (slot) {
      case LIVE_CLOSE, LIVE_HANDSHAKE, LIVE_STALL, PRERECORDED_ANSWER, PRERECORDED_DELAY -> true;
      default -> false;
    };
  }

  /** A service killed with SIGKILL and restarted. */
  public boolean kill() {
    return this == KILL_STT_WORKER || this == KILL_BATCH_WORKER || this == KILL_MERGER || this == KILL_GATEWAY;
  }

  public static FaultKind byKey(String key) {
    for (FaultKind k : values()) {
      if (k.key.equals(key) || k.name().equalsIgnoreCase(key)) {
        return k;
      }
    }
    throw new IllegalArgumentException("No fault kind '" + key + "'");
  }
}
