package dev.rstt.stt.it;

import static dev.rstt.stt.it.LiveSessionIT.assertEveryWordExactlyOnce;
import static dev.rstt.stt.it.LiveSessionIT.gauge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.stt.it.Harness.GatewaySession;
import dev.rstt.stt.it.Harness.Heard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** A second worker joins mid-session: cooperative rebalancing moves sessions, which continue on new connections. */
class RebalanceIT {


  @Test
  void shouldContinueMovedSessionsOnTheNewOwnerWithoutLosingAWord() throws Exception {
    try (Harness h = new Harness("rebalance", 4)) {
      ConfigurableApplicationContext first = h.startWorker(Map.of());
      // one session per partition (default partitioner: murmur2 of the key), so whichever partitions move,
      // sessions move with them
      GatewaySession[] byPartition = new GatewaySession[h.partitions];
      int made = 0;
      while (java.util.Arrays.stream(byPartition).anyMatch(java.util.Objects::isNull)) {
        GatewaySession s = h.session(Scripts.words(100 * (made++ % 9) + 50, 14, 300));
        int p = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
            s.id.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % h.partitions;
        if (byPartition[p] == null) {
          byPartition[p] = s;
        }
      }
      List<GatewaySession> sessions = new ArrayList<>(List.of(byPartition));
      for (GatewaySession s : sessions) {
        s.start();
        s.sendUntil(s.chunks.size() / 2);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> sessions.stream()
          .allMatch(s -> h.statusNames(s.id).contains("ready")));
      assertThat(gauge(first, "rstt.stt.sessions.active")).isEqualTo(sessions.size());

      ConfigurableApplicationContext second = h.startWorker(Map.of());
      // the first worker gives up the partitions that move (and their sessions)
      await().atMost(Duration.ofSeconds(30)).until(() -> gauge(first, "rstt.stt.sessions.active") < sessions.size());
      for (GatewaySession s : sessions) {
        s.end();
      }
      for (GatewaySession s : sessions) {
        await().atMost(Duration.ofSeconds(30)).until(() -> h.statusNames(s.id).contains("live_finished"));
      }
      long moved = sessions.stream().filter(s -> !h.liveResumed(s.id).isEmpty()).count();
      System.out.println(moved + " of " + sessions.size() + " sessions moved to the second worker");
      assertThat(moved).as("cooperative rebalancing moved some sessions").isPositive();
      for (GatewaySession s : sessions) {
        List<Heard> live = h.liveWords(s.id);
        if (!h.liveResumed(s.id).isEmpty()) {
          assertThat(live.stream().map(Heard::sttSession).distinct().count()).isGreaterThan(1);
        }
        assertEveryWordExactlyOnce(s.script, live, h.batchWords(s.id));
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
    }
  }
}
