package dev.rstt.stt.it;

import static dev.rstt.stt.it.LiveSessionIT.assertEveryWordExactlyOnce;
import static dev.rstt.stt.it.LiveSessionIT.gauge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.stt.it.Harness.GatewaySession;
import dev.rstt.testsupport.ToneScript;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The broker refuses the worker's writes to a topic for a while (a real broker: the topic's max.message.bytes
 * below any record; the producers retry that themselves until their delivery timeout, here 2.5 s, then report the
 * send failed), then takes them again. Every failed SegmentsProduced, status, reroute
 * and LiveResumed is sent again in order: no word is lost or doubled, nothing overtakes on audio.degraded,
 * stt_degraded waits for written audio, and the committed offset reaches the end.
 */
class FailedPublishIT {

  /** Producers that give up on a record after 2.5 s, so a refusal surfaces to the worker as a failed send. */
  private static final Map<String, String> SHORT_DELIVERY = Map.of(
      "spring.kafka.producer.properties.delivery.timeout.ms", "2500",
      "spring.kafka.producer.properties.request.timeout.ms", "1000",
      "spring.kafka.producer.properties.retry.backoff.ms", "250");

  @Test
  void shouldSendFailedSegmentsAndStatusesAgainAndFinishTheSession() throws Exception {
    try (Harness h = new Harness("failedevents", 1)) {
      ConfigurableApplicationContext worker = h.startWorker(SHORT_DELIVERY);
      ToneScript script = Scripts.words(600, 30, 300);
      GatewaySession s = liveForAThird(h, script);
      int third = s.chunks.size() / 3;

      String events = h.topics.transcriptEvents().name();
      h.broker.setTopicWritable(events, false);
      s.sendUntil(2 * third);
      await().atMost(Duration.ofSeconds(30)).until(() -> failures(worker) >= 3); // several rounds failed
      s.end();
      double failedBefore = failures(worker);
      await().atMost(Duration.ofSeconds(30)).until(() -> failures(worker) > failedBefore + 1);
      assertThat(h.statusNames(s.id)).doesNotContain("live_finished");

      h.broker.setTopicWritable(events, true);
      await().atMost(Duration.ofSeconds(40)).until(() -> h.statusNames(s.id).contains("live_finished"));
      assertThat(h.statusNames(s.id)).containsExactly("ready", "live_finished");
      assertThat(h.degraded(s.id)).as("live the whole time").isEmpty();
      assertEveryWordExactlyOnce(script, h.liveWords(s.id), List.of());
      long words = h.segments(s.id).stream().collect(java.util.stream.Collectors.toMap(
              sp -> sp.getSttSession() + "/" + sp.getSeq(), sp -> sp.getSegments().stream()
                  .mapToLong(seg -> seg.getWords().size()).sum(), (a, b) -> a)).values().stream()
          .mapToLong(Long::longValue).sum();
      assertThat(words).as("each word in one SegmentsProduced (stt_session, seq), none lost or doubled").isEqualTo(
          script.words().size());
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
      assertThat(gauge(worker, "rstt.stt.publish.failing")).isZero();
    }
  }

  @Test
  void shouldRerouteInOrderAndAnnounceOnlyWrittenAudioWhileAudioDegradedRefusesWrites() throws Exception {
    try (Harness h = new Harness("failedreroute", 1)) {
      ConfigurableApplicationContext worker = h.startWorker(SHORT_DELIVERY);
      ToneScript script = Scripts.words(700, 30, 300);
      GatewaySession s = liveForAThird(h, script);
      int third = s.chunks.size() / 3;

      String degraded = h.topics.audioDegraded().name();
      h.broker.setTopicWritable(degraded, false);
      h.putFaults("{\"live\":{\"close_after_ms\":1,\"close_code\":1011}}");
      await().atMost(Duration.ofSeconds(10)).until(() -> gauge(worker, "rstt.stt.sessions.degraded") == 1);
      s.sendUntil(2 * third);
      await().atMost(Duration.ofSeconds(30)).until(() -> failures(worker) >= 2);
      assertThat(h.statusNames(s.id)).as("stt_degraded waits until rerouted audio is written")
          .doesNotContain("stt_degraded");

      h.broker.setTopicWritable(degraded, true);
      await().atMost(Duration.ofSeconds(30)).until(() -> h.statusNames(s.id).contains("stt_degraded"));
      h.clearFaults();
      await().atMost(Duration.ofSeconds(20)).until(() -> gauge(worker, "rstt.stt.live.sockets") == 1);
      s.end();
      await().atMost(Duration.ofSeconds(40)).until(() -> h.statusNames(s.id).contains("live_finished"));

      List<Long> seqs = h.rerouted(s.id).stream().map(AudioChunk::getSeq).toList();
      assertThat(seqs).as("rerouted chunks reach audio.degraded once each, in order").isSorted()
          .doesNotHaveDuplicates();
      assertThat(seqs).hasSize((int) (seqs.get(seqs.size() - 1) - seqs.get(0) + 1));
      List<SpecificRecord> onDegraded = h.degraded(s.id);
      List<LiveResumed> resumed = h.liveResumed(s.id);
      assertThat(resumed).isNotEmpty();
      assertThat(onDegraded.get(onDegraded.size() - 1)).as("LiveResumed follows the last degraded chunk")
          .isInstanceOf(LiveResumed.class);
      assertEveryWordExactlyOnce(script, h.liveWords(s.id), h.batchWords(s.id));
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
    }
  }

  /** A session streaming its first third, with live words coming back. */
  private static GatewaySession liveForAThird(Harness h, ToneScript script) {
    GatewaySession s = h.session(script);
    s.start();
    s.sendUntil(s.chunks.size() / 3);
    await().atMost(Duration.ofSeconds(20)).until(() -> h.liveWords(s.id).size() >= 4);
    return s;
  }

  /** Records the worker's producers gave up on (the Kafka clients' own record-error-total). */
  private static double failures(ConfigurableApplicationContext worker) {
    return worker.getBean(MeterRegistry.class).getMeters().stream()
        .filter(m -> m.getId().getName().equals("kafka.producer.record.error.total"))
        .flatMap(m -> java.util.stream.StreamSupport.stream(m.measure().spliterator(), false))
        .mapToDouble(io.micrometer.core.instrument.Measurement::getValue).sum();
  }
}
