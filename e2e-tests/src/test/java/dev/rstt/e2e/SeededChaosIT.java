package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.tools.chaos.ChaosChecker;
import dev.rstt.tools.chaos.ChaosReport;
import dev.rstt.tools.chaos.ChaosRun;
import dev.rstt.tools.chaos.ChaosSchedule;
import dev.rstt.tools.chaos.FaultEvent;
import dev.rstt.tools.chaos.FaultInjector;
import dev.rstt.tools.chaos.FaultKind;
import dev.rstt.tools.chaos.SessionDriver;
import dev.rstt.tools.chaos.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chaos command's schedule, driver and checker in CI: a seeded schedule of overlapping faults from the whole
 * catalogue (at most 4 at once; a broker stall of up to 67 s, longer than every Kafka client timeout the services
 * are given here, {@link BrokerStallIT#CLIENT_TIMEOUTS}) for 2.5 minutes against every service as its own JVM, the
 * broker too, two gateways, 6 concurrent tone-word sessions whose sockets also drop now and then (each resumes its
 * session, docs/CONTRACT.md section 10); fails on any violation (a word cut by a drop or a kill and not resent is
 * lost). {@code -Dchaos.seed=N} runs another
 * seed (the default is fixed, so a failure reproduces); the report is written to {@code target/chaos/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeededChaosIT {

  private static final long SEED = Long.getLong("chaos.seed", 20_261_130L);
  private static final long RUN_MS = 150_000;
  private static final int SESSIONS = 6;

  private BrokerProcess broker;
  private Stack stack;
  private StackProcesses processes;

  @BeforeAll
  void startStack() {
    broker = BrokerProcess.start(Map.of());
    stack = new Stack(broker, BrokerStallIT.CLIENT_TIMEOUTS);
    stack.startMerger();
    ServiceProcess stt = stack.startSttWorker();
    ServiceProcess batch = stack.startBatchWorker();
    processes = new StackProcesses(stack, stt, batch, List.of(stack.startGateway(), stack.startGateway()));
    // a service restarted during a broker stall becomes healthy only after it (the stall lasts up to 67 s)
    stack.startTimeout = Duration.ofMinutes(4);
  }

  @AfterAll
  void stopStack() throws Exception {
    if (broker != null) {
      broker.resume();
    }
    if (stack != null) {
      stack.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldLoseAndDoubleNoWordUnderASeededScheduleOfOverlappingFaults() throws Exception {
    ChaosRun.Config config = new ChaosRun.Config(SEED, RUN_MS, new SessionDriver.Options(SESSIONS, 15, 45, 5_000), 4,
        EnumSet.allOf(FaultKind.class), processes.gatewayUrls(), stack.emulator.httpUrl(),
        stack.bootstrapServers(), stack.prefix + "audio.frames", Stack::token,
        ChaosChecker.Settings.defaults(), 180_000, null);
    ChaosRun run = new ChaosRun(config, processes, line -> System.out.println("chaos: " + line));
    ChaosSchedule schedule = run.schedule();
    System.out.println("chaos seed=" + SEED + ": " + schedule.events().stream().map(FaultEvent::label)
        .collect(Collectors.joining(" ")));
    EnumSet<FaultKind> expected = EnumSet.allOf(FaultKind.class);
    assertThat(schedule.events().stream().map(FaultEvent::kind)).as("every kind is drawn").containsAll(expected);

    ChaosRun.Outcome outcome = run.run();

    String summary = ChaosReport.summary(SEED, SESSIONS, outcome);
    System.out.println(summary);
    Path dir = ServiceProcess.ROOT.resolve("e2e-tests/target/chaos");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("chaos-" + SEED + ".json"), ChaosReport.json(SEED, SESSIONS,
        Map.of("seed", SEED, "run_ms", RUN_MS, "sessions", SESSIONS), outcome));
    assertThat(outcome.applied()).as("faults carried out").filteredOn(FaultInjector.Applied::began)
        .extracting(a -> a.event().kind()).containsAll(expected);
    assertThat(outcome.result().words()).as("words spoken").isGreaterThan(200);
    assertThat(outcome.result().violations()).as("%s%n%s", summary, outcome.result().violations().stream()
        .map(Violation::line).collect(Collectors.joining("\n"))).isEmpty();
  }
}
