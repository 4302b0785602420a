package dev.rstt.stt.it;

import static dev.rstt.stt.it.LiveSessionIT.assertEveryWordExactlyOnce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.LiveResumed;
import dev.rstt.stt.it.Harness.GatewaySession;
import dev.rstt.stt.it.Harness.Heard;
import dev.rstt.testsupport.ToneScript;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker JVM killed with SIGKILL mid-session; a second worker finishes the session with no word lost. */
class WorkerKillIT {


  @Test
  void shouldLoseNoWordWhenAWorkerIsKilledMidSession() throws Exception {
    try (Harness h = new Harness("kill", 1)) {
      Process first = h.startWorkerProcess(Map.of(), new File("target/kill-it-worker-a.log"));
      await().atMost(Duration.ofSeconds(90)).until(h::groupHasAssignment);

      ToneScript script = Scripts.words(700, 30, 300);
      GatewaySession s = h.session(script);
      s.start();
      int half = s.chunks.size() / 2;
      s.sendUntil(half);
      await().atMost(Duration.ofSeconds(20)).until(() -> h.liveWords(s.id).size() >= 8);
      List<Heard> beforeKill = h.liveWords(s.id);

      first.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit, sockets dropped
      assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
      long killedAt = System.nanoTime();
      s.sendUntil(3 * s.chunks.size() / 4);

      h.startWorker(Map.of());
      s.end();
      await().atMost(Duration.ofSeconds(60)).until(() -> h.statusNames(s.id).contains("live_finished"));
      System.out.println("take-over finished the session " + (System.nanoTime() - killedAt) / 1_000_000
          + " ms after the kill");

      List<LiveResumed> resumed = h.liveResumed(s.id);
      assertThat(resumed).extracting(LiveResumed::getColdTakeover).contains(true);
      List<Heard> live = h.liveWords(s.id);
      String firstStt = beforeKill.get(0).sttSession();
      assertThat(live).extracting(Heard::sttSession).contains(firstStt)
          .anyMatch(stt -> !stt.equals(firstStt));
      assertEveryWordExactlyOnce(script, live, h.batchWords(s.id));
      long twice = script.words().stream().filter(e -> Harness.matches(e, live).size() > 1).count();
      System.out.println(twice + " of " + script.words().size() + " words transcribed by both workers (merger drops)");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
    }
  }
}
