package dev.rstt.stt.it;

import static dev.rstt.stt.it.LiveSessionIT.gauge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.stt.it.Harness.GatewaySession;
import dev.rstt.stt.it.Harness.Heard;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Many concurrent sessions on one worker: no thread per socket, every word transcribed. */
class ManySessionsIT {

  private static final int SESSIONS = 150;


  @Test
  void shouldHoldManyLiveSocketsOnAFewThreads() throws Exception {
    try (Harness h = new Harness("many", 4)) {
      int threadsBefore = Thread.activeCount();
      java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
      ConfigurableApplicationContext worker = h.startWorker(Map.of("rstt.stt.stall-timeout", "10s",
          "rstt.stt.deepgram.connect-timeout", "30s"));
      List<GatewaySession> sessions = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        GatewaySession s = h.session(Scripts.words(i * 4, 4, 300));
        sessions.add(s);
        s.start();
        s.sendUntil(s.chunks.size() / 2);
      }
      await().atMost(Duration.ofSeconds(90)).until(() -> gauge(worker, "rstt.stt.live.sockets") == SESSIONS);
      long clientThreads = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
          .filter(t -> t.getName().startsWith("deepgram-io") || t.getName().startsWith("HttpClient")).count();
      System.out.println(SESSIONS + " live sockets open; HTTP client threads: " + clientThreads
          + "; JVM threads before worker " + threadsBefore + ", now " + Thread.activeCount());
      assertThat(clientThreads).as("no thread per socket").isLessThanOrEqualTo(4);

      for (GatewaySession s : sessions) {
        s.end();
      }
      await().atMost(Duration.ofSeconds(120)).until(() -> sessions.stream()
          .allMatch(s -> h.statusNames(s.id).contains("live_finished")));
      for (GatewaySession s : sessions) {
        List<Heard> live = h.liveWords(s.id);
        assertThat(live).extracting(Heard::text)
            .containsExactlyElementsOf(s.script.words().stream().map(ToneScript.ExpectedWord::text).toList());
      }
      assertThat(gauge(worker, "rstt.stt.sessions.degraded")).isZero();
    }
  }
}
