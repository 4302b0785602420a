package dev.rstt.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.testsupport.ToneScript;
import dev.rstt.testsupport.ToneWords;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small pure parts: scripts, the pids file, the command line, the summary line. */
class ChaosPartsTest {

  @Test
  void shouldDrawScriptsOfDistinctWordsWithinTheLengthFromTheSeed() {
    Random random = new Random(11);
    for (int i = 0; i < 50; i++) {
      ToneScript s = ChaosScripts.next(random, 20, 40);
      assertThat(s.durationSeconds()).isBetween(20.0, 48.0);
      Set<String> texts = new HashSet<>();
      s.words().forEach(w -> assertThat(texts.add(w.text())).as("distinct %s", w.text()).isTrue());
      for (int k = 1; k < s.words().size(); k++) {
        long pause = s.words().get(k).startSample() - s.words().get(k - 1).endSample();
        assertThat(pause).isGreaterThanOrEqualTo(ToneWords.samples(16_000, ToneWords.MIN_PAUSE_MS));
      }
    }
    assertThat(ChaosScripts.next(new Random(5), 20, 40).words())
        .isEqualTo(ChaosScripts.next(new Random(5), 20, 40).words());
  }

  @Test
  void shouldReadThePidsFileOfPipelineUp() {
    assertThat(PipelineProcesses.parsePids("kafka=101\ningest-gateway=202\ningest-gateway-2=303\nbroken\nx=y\n"))
        .containsExactly(Map.entry("kafka", 101L), Map.entry("ingest-gateway", 202L),
            Map.entry("ingest-gateway-2", 303L));
    assertThat(PipelineProcesses.processName(ProcessControl.Service.GATEWAY, 0)).isEqualTo("ingest-gateway");
    assertThat(PipelineProcesses.processName(ProcessControl.Service.GATEWAY, 1)).isEqualTo("ingest-gateway-2");
    assertThat(PipelineProcesses.processName(ProcessControl.Service.MERGER, 0)).isEqualTo("transcript-merger");
  }

  @Test
  void shouldParseTheCommandLineAndRefuseBadValues() {
    String[] base = {"--gateways", "http://g", "--emulator", "http://e", "--kafka", "k:1", "--state", "/tmp/s",
        "--secret", "x"};
    assertThat(ChaosCli.parse(base)).containsEntry("gateways", "http://g");
    assertThat(ChaosCli.kinds(Map.of("kinds", "live_flapping,KILL_MERGER"))).containsExactlyInAnyOrder(
        FaultKind.LIVE_FLAPPING, FaultKind.KILL_MERGER);
    assertThat(ChaosCli.kinds(Map.of("kinds", "none"))).isEmpty();
    assertThat(ChaosCli.kinds(Map.of("exclude", "broker_stall"))).hasSize(FaultKind.values().length - 1);
    assertThatThrownBy(() -> ChaosCli.parse(new String[] {"--minutes", "5"})).hasMessageContaining("--gateways");
    assertThatThrownBy(() -> ChaosCli.parse(concat(base, "--minutes", "0.1"))).hasMessageContaining("--minutes");
    assertThatThrownBy(() -> ChaosCli.parse(concat(base, "--sessions", "0"))).hasMessageContaining("--sessions");
    assertThatThrownBy(() -> ChaosCli.parse(concat(base, "--kinds", "nope"))).hasMessageContaining("nope");
    assertThatThrownBy(() -> ChaosCli.parse(concat(base, "--realism", "maybe"))).hasMessageContaining("--realism");
    assertThat(ChaosCli.realismJson("off", 4)).isNull();
    assertThat(ChaosCli.reproduce(ChaosCli.parse(concat(base, "--minutes", "3", "--kinds", "none", "--seed", "8")), 8))
        .isEqualTo("--seed 8 --minutes 3 --sessions 20 --kinds none");
    assertThat(ChaosCli.realismJson("on", 4)).isEqualTo("{\"seed\":4}");
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void shouldSummarizeARunOnOneLine() {
    FaultEvent flap = new FaultEvent(1, FaultKind.LIVE_FLAPPING, 1_000, 5_000, 300);
    FaultEvent kill = new FaultEvent(2, FaultKind.KILL_GATEWAY, 2_000, 1_000, 1);
    FaultEvent failed = new FaultEvent(3, FaultKind.KILL_MERGER, 3_000, 1_000, 0);
    List<FaultInjector.Applied> applied = List.of(new FaultInjector.Applied(kill, 5, 6, true, null),
        new FaultInjector.Applied(flap, 1, 2, true, null), new FaultInjector.Applied(failed, 7, 8, false, "begin: x"));
    ChaosChecker.Result result = new ChaosChecker.Result(List.of(), List.of(new Violation("s", "i", "w1", "lost")), 120,
        1, 2, 3);
    ChaosRun.Outcome o = new ChaosRun.Outcome(null, applied, Map.of("live_close_1011", 0L), List.of(), result,
        List.of(), 0, 0, 0);
    assertThat(ChaosReport.summary(9, 4, o)).isEqualTo("chaos seed=9 sessions=4 words=120 faults={live_flapping:1,"
        + "kill_gateway:1} lost=1 doubled=2 violations=1 resumes=3 sessions_judged=0");
    assertThat(ChaosReport.unconfirmed(o)).containsExactly("live_flapping");
  }

  @Test
  void shouldCallALiveClose1000UnconfirmedOnlyWhenItsOwnCounterDidNotMove() {
    FaultEvent close1000 = new FaultEvent(1, FaultKind.LIVE_CLOSE_1000, 1_000, 0, 0);
    FaultEvent close1011 = new FaultEvent(2, FaultKind.LIVE_CLOSE_1011, 2_000, 0, 0);
    List<FaultInjector.Applied> applied = List.of(new FaultInjector.Applied(close1000, 1, 2, true, null),
        new FaultInjector.Applied(close1011, 3, 4, true, null));
    ChaosChecker.Result result = new ChaosChecker.Result(List.of(), List.of(), 0, 0, 0, 0);
    // the three runs that met no client: other close codes moved, 1000's did not
    ChaosRun.Outcome missed = new ChaosRun.Outcome(null, applied,
        Map.of("live_close_1000", 0L, "live_close_1006", 14L, "live_close_1011", 23L), List.of(), result, List.of(),
        0, 0, 0);
    assertThat(ChaosReport.unconfirmed(missed)).containsExactly("live_close_1000");
    // the earlier run on the same schedule: 11 sockets closed 1000
    ChaosRun.Outcome met = new ChaosRun.Outcome(null, applied,
        Map.of("live_close_1000", 11L, "live_close_1011", 3L), List.of(), result, List.of(), 0, 0, 0);
    assertThat(ChaosReport.unconfirmed(met)).isEmpty();
    // a counter the emulator did not list counts as not moved
    ChaosRun.Outcome absent = new ChaosRun.Outcome(null, applied, Map.of("live_close_1011", 3L), List.of(), result,
        List.of(), 0, 0, 0);
    assertThat(ChaosReport.unconfirmed(absent)).containsExactly("live_close_1000");
  }
}
