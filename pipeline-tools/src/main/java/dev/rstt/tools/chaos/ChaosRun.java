package dev.rstt.tools.chaos;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One chaos run against a running stack: the seeded schedule ({@link ChaosSchedule}) carried out by the
 * {@link FaultInjector} while the {@link SessionDriver} runs its sessions; when every fault has ended and every
 * session closed, what Kafka holds of the sessions that ended abnormally ({@link KafkaDurableAudio}) and every stored
 * transcript are read, and the {@link ChaosChecker} judges. The shell shared by {@code ./pipeline chaos} and the e2e
 * suite.
 */
public final class ChaosRun {

  /**
   * @param kinds the fault kinds to draw from; kinds the stack cannot do (a broker stall without a broker process,
   *     a gateway kill with one gateway) are left out
   * @param settleMs how long to wait, after the sessions ended, for stored transcripts to become complete
   * @param realism the emulator's realism JSON to switch on for the run (off again at the end), or null to leave
   *     the emulator as it is
   */
  public record Config(long seed, long runMs, SessionDriver.Options sessions, int maxActive, Set<FaultKind> kinds,
      List<String> gateways, String emulatorUrl, String kafkaBootstrap, String audioFramesTopic,
      Function<String, String> tokenForUser, ChaosChecker.Settings checks, long settleMs, String realism) {
  }

  /** Everything a run yields. */
  public record Outcome(ChaosSchedule schedule, List<FaultInjector.Applied> applied, Map<String, Long> counters,
      List<LegRecord> legs, ChaosChecker.Result result, List<String> notes, int refusals, long startedAtMs,
      long endedAtMs) {
  }

  private final Config config;
  private final ProcessControl processes;
  private final Consumer<String> log;

  public ChaosRun(Config config, ProcessControl processes, Consumer<String> log) {
    this.config = config;
    this.processes = processes;
    this.log = log;
  }

  /** The schedule this run will carry out (pure: the same for the same seed and stack). */
  public ChaosSchedule schedule() {
    EnumSet<FaultKind> kinds = config.kinds().isEmpty() ? EnumSet.noneOf(FaultKind.class)
        : EnumSet.copyOf(config.kinds());
    int gateways = Math.min(processes.gateways(), config.gateways().size());
    if (gateways < 2) {
      kinds.remove(FaultKind.KILL_GATEWAY);
    }
    if (!processes.canStallBroker()) {
      kinds.remove(FaultKind.BROKER_STALL);
    }
    return ChaosSchedule.generate(config.seed(), new ChaosSchedule.Options(config.runMs(), kinds, config.maxActive(),
        Math.max(1, gateways), Math.min(15_000, config.runMs() / 10), 15_000));
  }

  public Outcome run() throws Exception {
    ChaosSchedule schedule = schedule();
    EmulatorAdmin emulator = new EmulatorAdmin(config.emulatorUrl());
    emulator.clear();
    if (config.realism() != null) {
      emulator.realism(config.realism());
    }
    Map<String, Long> countersBefore = emulator.faultsApplied();
    FaultInjector injector = new FaultInjector(emulator, processes, log);
    Thread release = new Thread(injector::releaseAll, "chaos-release");
    Runtime.getRuntime().addShutdownHook(release);
    SessionDriver driver = new SessionDriver(config.seed(), config.sessions(), config.gateways(),
        config.tokenForUser(), log);
    long start = System.currentTimeMillis() + 1_000;
    long runEnd = start + config.runMs();
    long hardEnd = runEnd + 15 * 60_000L;
    try {
      injector.start(schedule, start);
      driver.start(runEnd, hardEnd);
      if (!injector.await(config.runMs() + 5 * 60_000L)) {
        log.accept("some faults had not ended 5 minutes after the run's end");
      }
    } finally {
      injector.releaseAll();
      Runtime.getRuntime().removeShutdownHook(release);
    }
    log.accept("faults over; waiting for the last sessions to close");
    if (!driver.join(hardEnd + 60_000)) {
      log.accept("some sessions were still running at the hard end");
    }
    List<LegRecord> legs = readBack(driver.legs());
    if (config.realism() != null) {
      emulator.realismOff();
    }
    Map<String, Long> countersAfter = emulator.faultsApplied();
    Map<String, Long> counters = new LinkedHashMap<>();
    countersAfter.forEach((k, v) -> counters.put(k, v - countersBefore.getOrDefault(k, 0L)));
    List<FaultInjector.Applied> applied = injector.applied();
    List<ChaosChecker.GatewayKill> kills = applied.stream().filter(a -> a.event().kind() == FaultKind.KILL_GATEWAY)
        .map(a -> new ChaosChecker.GatewayKill(a.event().param(), a.startedAtMs())).toList();
    ChaosChecker.Result result = new ChaosChecker(config.checks()).check(legs, kills);
    return new Outcome(schedule, applied, counters, legs, result, driver.notes(), driver.refusals(), start,
        System.currentTimeMillis());
  }

  /** Adds what Kafka holds (sockets that did not end normally) and the stored transcripts. */
  private List<LegRecord> readBack(List<LegRecord> legs) throws InterruptedException {
    Map<String, Long> abnormal = new HashMap<>();
    for (LegRecord l : legs) {
      if (l.sessionId() != null && !endedByStop(l)) {
        abnormal.put(l.sessionId(), l.startedAtMs());
      }
    }
    log.accept("reading audio.frames for " + abnormal.size() + " sessions that did not end with stop");
    Map<String, DurablePosition> durable = abnormal.isEmpty() ? Map.of()
        : new KafkaDurableAudio(config.kafkaBootstrap(), config.audioFramesTopic()).positions(abnormal);
    TranscriptFetcher fetcher = new TranscriptFetcher(config.gateways(), config.tokenForUser());
    long deadline = System.currentTimeMillis() + config.settleMs();
    List<LegRecord> out = new java.util.ArrayList<>();
    for (LegRecord l : legs) {
      LegRecord withDurable = durable.containsKey(l.sessionId()) ? l.withDurable(durable.get(l.sessionId())) : l;
      DurablePosition d = withDurable.durable();
      boolean completable = endedByStop(l) || (d != null && d.ended());
      StoredTranscript stored;
      if (completable) {
        stored = fetcher.readUntilComplete(l.sessionId(), l.userId(), deadline);
      } else {
        // never complete (no SessionEnded): give its last audio time to be transcribed (idle close, batch flush)
        long settledAt = l.closedAtMs() + 120_000;
        while (System.currentTimeMillis() < settledAt) {
          Thread.sleep(Math.min(5_000, settledAt - System.currentTimeMillis()));
        }
        stored = fetcher.read(l.sessionId(), l.userId());
      }
      out.add(withDurable.withStored(stored));
    }
    return out;
  }

  private boolean endedByStop(LegRecord l) {
    return l.stopSentAtMs() != null
        && (l.closeCode() == 1000 || config.checks().pendingCloseCodes().contains(l.closeCode()));
  }
}
