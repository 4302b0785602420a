package dev.rstt.stt.it;

import static dev.rstt.stt.it.LiveSessionIT.assertEveryWordExactlyOnce;
import static dev.rstt.stt.it.LiveSessionIT.gauge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.StatusChanged;
import dev.rstt.stt.it.Harness.GatewaySession;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Handshake refusals open the deepgram-live breaker; sessions go degraded at once and come back after recovery. */
class BreakerIT {


  @Test
  void shouldOpenAfterThreeRefusalsDegradeSessionsAtOnceAndRecoverThemAllLive() throws Exception {
    try (Harness h = new Harness("breaker", 2)) {
      ConfigurableApplicationContext worker = h.startWorker(Map.of(
          "rstt.stt.breaker.wait-duration-in-open-state", "3s",
          "rstt.stt.reconnect-delay", "3s"));
      CircuitBreaker breaker = worker.getBean(CircuitBreaker.class);
      h.putFaults("{\"live\":{\"handshake_status\":503}}");

      List<GatewaySession> sessions = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sessions.add(h.session(Scripts.words(100 * i, 12, 300)));
      }
      int firstPart = 10;
      for (int i = 0; i < 3; i++) {
        GatewaySession s = sessions.get(i);
        s.start();
        s.sendUntil(firstPart);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.statusNames(s.id).contains("stt_degraded"));
        assertThat(reason(h, s)).isEqualTo("handshake_503");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
      assertThat(h.emulatorStat("live_refused")).as("opened after exactly the configured 3 failures").isEqualTo(3);

      GatewaySession fourth = sessions.get(3);
      long before = System.nanoTime();
      fourth.start();
      fourth.sendUntil(firstPart);
      await().atMost(Duration.ofSeconds(5)).until(() -> h.statusNames(fourth.id).contains("stt_degraded"));
      long degradedAfterMs = (System.nanoTime() - before) / 1_000_000;
      System.out.println("session degraded " + degradedAfterMs + " ms after its first audio with the breaker open");
      assertThat(reason(h, fourth)).isEqualTo("breaker_open");
      assertThat(h.emulatorStat("live_refused")).as("no handshake while open").isEqualTo(3);
      for (GatewaySession s : sessions) {
        await().atMost(Duration.ofSeconds(5)).until(() -> h.rerouted(s.id).size() == firstPart);
        StatusChanged degraded = h.statuses(s.id).stream().filter(c -> c.getStatus().equals("stt_degraded"))
            .findFirst().orElseThrow();
        assertThat(degraded.getMetadata()).containsEntry("batch_mode", "true")
            .containsKey("batch_interval_seconds");
      }

      h.clearFaults();
      await().atMost(Duration.ofSeconds(20)).until(() -> breaker.getState() == CircuitBreaker.State.CLOSED
          && gauge(worker, "rstt.stt.live.sockets") == 4);
      for (GatewaySession s : sessions) {
        s.end();
      }
      for (GatewaySession s : sessions) {
        await().atMost(Duration.ofSeconds(30)).until(() -> h.statusNames(s.id).contains("live_finished"));
        List<LiveResumed> resumed = h.liveResumed(s.id);
        assertThat(resumed).hasSize(1);
        assertThat(resumed.get(0).getResumeOffsetSamples()).isEqualTo(s.chunks.get(firstPart).getOffsetSamples());
        assertThat(h.statusNames(s.id)).containsOnlyOnce("stt_degraded");
        assertEveryWordExactlyOnce(s.script, h.liveWords(s.id), h.batchWords(s.id));
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
    }
  }

  @Test
  void shouldNotHammerDeepgramAfterAPermanentRefusal() throws Exception {
    try (Harness h = new Harness("permanent", 2)) {
      ConfigurableApplicationContext worker = h.startWorker(Map.of(
          "rstt.stt.breaker.wait-duration-in-open-state", "30s", "rstt.stt.reconnect-delay", "100ms"));
      CircuitBreaker breaker = worker.getBean(CircuitBreaker.class);
      h.putFaults("{\"live\":{\"handshake_status\":401}}");
      GatewaySession s = h.session(Scripts.words(500, 8, 300));
      s.start();
      s.sendUntil(20);
      await().atMost(Duration.ofSeconds(10)).until(() -> h.statusNames(s.id).contains("stt_degraded"));
      assertThat(reason(h, s)).isEqualTo("handshake_401");
      s.end();
      await().atMost(Duration.ofSeconds(10)).until(() -> h.degraded(s.id).stream()
          .anyMatch(r -> r instanceof dev.rstt.avro.SessionEnded));
      assertThat(h.emulatorStat("live_refused")).as("one attempt, no retry storm").isEqualTo(1);
      assertThat(breaker.getState()).as("permanent errors do not count against the breaker")
          .isEqualTo(CircuitBreaker.State.CLOSED);
      assertThat(h.rerouted(s.id)).hasSize(s.chunks.size());
    }
  }

  private static String reason(Harness h, GatewaySession s) {
    return h.statuses(s.id).stream().filter(c -> c.getStatus().equals("stt_degraded")).findFirst().orElseThrow()
        .getMetadata().get("reason");
  }
}
