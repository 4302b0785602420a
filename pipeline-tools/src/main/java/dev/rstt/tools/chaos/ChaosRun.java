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
   * @param settleMs how long to wait, after the sessions ended, for stored transcripts to become complete (those of
   *     sessions cut without stop too: at least the STT worker's session-idle-timeout, plus a margin)
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
    injector.dropSocketsWith(driver::dropSocket);
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

  /**
   * Adds what Kafka holds (pipeline sessions that did not end with a close after stop) and the stored transcripts,
   * read once per pipeline session (its sockets share it).
   */
  private List<LegRecord> readBack(List<LegRecord> legs) throws InterruptedException {
    Map<String, List<LegRecord>> bySession = new java.util.LinkedHashMap<>();
    legs.stream().filter(l -> l.sessionId() != null)
        .forEach(l -> bySession.computeIfAbsent(l.sessionId(), k -> new java.util.ArrayList<>()).add(l));
    Map<String, Long> abnormal = new HashMap<>();
    bySession.forEach((id, sockets) -> {
      if (!endedByStop(sockets)) {
        abnormal.put(id, sockets.get(0).startedAtMs());
      }
    });
    log.accept("reading audio.frames for " + abnormal.size() + " sessions that did not end with stop");
    Map<String, DurablePosition> durable = abnormal.isEmpty() ? Map.of()
        : new KafkaDurableAudio(config.kafkaBootstrap(), config.audioFramesTopic()).positions(abnormal);
    TranscriptFetcher fetcher = new TranscriptFetcher(config.gateways(), config.tokenForUser());
    long deadline = System.currentTimeMillis() + config.settleMs();
    Map<String, StoredTranscript> stored = new HashMap<>();
    for (Map.Entry<String, List<LegRecord>> e : bySession.entrySet()) {
      List<LegRecord> sockets = e.getValue();
      LegRecord last = sockets.get(sockets.size() - 1);
      DurablePosition d = durable.get(e.getKey());
      long until = settleDeadline(endedByStop(sockets) || (d != null && d.ended()), last.closedAtMs(), deadline);
      stored.put(e.getKey(), fetcher.readUntilComplete(e.getKey(), last.userId(), until));
    }
    List<LegRecord> out = new java.util.ArrayList<>();
    for (LegRecord l : legs) {
      LegRecord withDurable = durable.containsKey(l.sessionId()) ? l.withDurable(durable.get(l.sessionId())) : l;
      out.add(stored.containsKey(l.sessionId()) ? withDurable.withStored(stored.get(l.sessionId())) : withDurable);
    }
    return out;
  }

  /** A session cut without {@code stop} is waited for at least this long after its last socket closed. */
  static final long CUT_SETTLE_MIN_MS = 120_000;

  /**
   * Until when a pipeline session's stored transcript is read again while it is not complete. Pure. One that ended
   * (stop, or its SessionEnded in Kafka): the run's settle deadline. One cut without {@code stop} and without
   * SessionEnded yet completes later, when a gateway ends it as an orphan after the resume window or the STT
   * worker's {@code session-idle-timeout} finishes its last degraded words: it is waited for the same way (never
   * read once early: a word stored after that read would count as lost), and at least {@link #CUT_SETTLE_MIN_MS}
   * after its close.
   */
  static long settleDeadline(boolean ended, long lastClosedAtMs, long settleDeadlineMs) {
    return ended ? settleDeadlineMs : Math.max(settleDeadlineMs, lastClosedAtMs + CUT_SETTLE_MIN_MS);
  }

  /** The pipeline session's last socket closed after stop (1000, 4010), or a resume after stop was refused. */
  private boolean endedByStop(List<LegRecord> sockets) {
    LegRecord last = sockets.get(sockets.size() - 1);
    boolean stopped = sockets.stream().anyMatch(l -> l.stopSentAtMs() != null);
    return stopped && (last.refusedResume() || last.closeCode() == 1000
        || config.checks().pendingCloseCodes().contains(last.closeCode()));
  }
}
