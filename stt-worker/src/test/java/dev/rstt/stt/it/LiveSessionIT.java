package dev.rstt.stt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.StatusChanged;
import dev.rstt.stt.it.Harness.GatewaySession;
import dev.rstt.stt.it.Harness.Heard;
import dev.rstt.testsupport.ToneScript;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** One worker in this JVM against the emulator: healthy, socket closed mid-session, stalled socket. */
class LiveSessionIT {


  @Test
  void shouldTranscribeAHealthySessionWordForWordAndCommitEverything() throws Exception {
    try (Harness h = new Harness("healthy", 2)) {
      ConfigurableApplicationContext worker = h.startWorker(Map.of());
      ToneScript script = Scripts.words(100, 15, 300);
      GatewaySession s = h.session(script);
      h.sendRaw(s.id, "not an avro record".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      s.start();
      s.end();

      await().atMost(Duration.ofSeconds(30)).until(() -> h.statusNames(s.id).contains("live_finished"));
      List<Heard> live = h.liveWords(s.id);
      assertThat(live).extracting(Heard::text)
          .containsExactlyElementsOf(script.words().stream().map(ToneScript.ExpectedWord::text).toList());
      for (int i = 0; i < live.size(); i++) {
        ToneScript.ExpectedWord e = script.words().get(i);
        assertThat(live.get(i).start()).as("start of %s", e.text()).isCloseTo(e.start(), within50ms());
        assertThat(live.get(i).end()).as("end of %s", e.text()).isCloseTo(e.end(), within50ms());
        assertThat(live.get(i).speaker()).isEqualTo("SPEAKER_" + e.speaker());
      }
      assertThat(live).extracting(Heard::sttSession).containsOnly(live.get(0).sttSession());
      assertThat(h.statusNames(s.id)).containsExactly("ready", "live_finished");
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(h.degraded(s.id))
          .as("live the whole time: only its SessionEnded, forwarded after live_finished").singleElement()
          .isInstanceOf(SessionEnded.class));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.deadLetters()).singleElement()
          .satisfies(r -> assertThat(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
              .isEqualTo("not an avro record")));

      String port = worker.getEnvironment().getProperty("local.server.port");
      String metrics = h.httpGet("http://127.0.0.1:" + port + "/actuator/prometheus");
      assertThat(metrics).contains("resilience4j_circuitbreaker_state{name=\"deepgram-live\",state=\"closed\"} 1.0")
          .contains("rstt_stt_live_sockets", "rstt_stt_sessions_degraded", "rstt_stt_reroutes_total",
              "rstt_stt_reconnects_total", "rstt_records_dead_lettered_total");
      assertThat(metrics).containsPattern("rstt_stt_frames_sent_total(\\{[^}]*\\})? " + s.chunks.size() + ".0");
      assertThat(h.httpGet("http://127.0.0.1:" + port + "/actuator/health")).contains("UP");

      // the hop timers: every chunk sent live once (from its record's timestamp), every final's segments acked
      MeterRegistry meters = worker.getBean(MeterRegistry.class);
      Timer audio = meters.get("rstt.hop.stt.audio").timer();
      assertThat(audio.count()).isEqualTo(s.chunks.size());
      assertThat(audio.max(TimeUnit.SECONDS)).isBetween(0.0, 30.0);
      Timer segments = meters.get("rstt.hop.stt.segments").timer();
      assertThat(segments.count()).isEqualTo(h.segments(s.id).size()).isPositive();
      assertThat(segments.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      assertThat(metrics).contains("rstt_hop_stt_audio_seconds_bucket", "rstt_hop_stt_segments_seconds_bucket");
    }
  }

  @Test
  void shouldRerouteUnfinalisedAudioWhenTheSocketClosesAndResumeLiveWithoutLosingAWord() throws Exception {
    try (Harness h = new Harness("closed", 2)) {
      ConfigurableApplicationContext worker = h.startWorker(Map.of());
      ToneScript script = Scripts.words(200, 30, 300);
      GatewaySession s = h.session(script);
      s.start();
      int third = s.chunks.size() / 3;
      s.sendUntil(third);
      await().atMost(Duration.ofSeconds(20)).until(() -> h.liveWords(s.id).size() >= 5);

      h.putFaults("{\"live\":{\"close_after_ms\":1,\"close_code\":1011}}");
      await().atMost(Duration.ofSeconds(10)).until(() -> gauge(worker, "rstt.stt.sessions.degraded") == 1);
      s.sendUntil(2 * third); // audio while degraded
      await().atMost(Duration.ofSeconds(10)).until(() -> h.statusNames(s.id).contains("stt_degraded"));
      h.clearFaults();
      await().atMost(Duration.ofSeconds(10)).until(() -> gauge(worker, "rstt.stt.live.sockets") == 1);
      s.end();
      await().atMost(Duration.ofSeconds(30)).until(() -> h.statusNames(s.id).contains("live_finished"));

      StatusChanged degraded = h.statuses(s.id).stream().filter(c -> c.getStatus().equals("stt_degraded"))
          .findFirst().orElseThrow();
      assertThat(degraded.getMetadata()).containsEntry("batch_mode", "true")
          .containsEntry("batch_interval_seconds", "30");
      assertThat(degraded.getMetadata().get("reason")).isEqualTo("socket_closed_1011");
      assertThat(h.statusNames(s.id)).containsOnlyOnce("stt_degraded");

      List<AudioChunk> rerouted = h.rerouted(s.id);
      assertThat(rerouted).isNotEmpty();
      for (AudioChunk r : rerouted) {
        AudioChunk original = s.chunks.get((int) r.getSeq());
        assertThat(r.getOffsetSamples()).isEqualTo(original.getOffsetSamples());
        assertThat(r.getPcm()).isEqualTo(original.getPcm());
      }
      List<Long> seqs = rerouted.stream().map(AudioChunk::getSeq).toList();
      long firstSeq = seqs.get(0);
      long lastSeq = seqs.get(seqs.size() - 1);
      assertThat(seqs).as("rerouted chunks are one contiguous run").hasSize((int) (lastSeq - firstSeq + 1));
      assertThat(firstSeq).isLessThanOrEqualTo(third);
      assertThat(lastSeq).isEqualTo(2L * third - 1);

      List<LiveResumed> resumed = h.liveResumed(s.id);
      assertThat(resumed).hasSize(1);
      assertThat(resumed.get(0).getColdTakeover()).isFalse();
      assertThat(resumed.get(0).getResumeOffsetSamples()).isEqualTo(s.chunks.get(2 * third).getOffsetSamples());
      await().atMost(Duration.ofSeconds(15)).until(() -> h.degraded(s.id).stream()
          .anyMatch(SessionEnded.class::isInstance));
      List<SpecificRecord> onDegraded = h.degraded(s.id);
      assertThat(onDegraded.get(onDegraded.size() - 1)).as("SessionEnded, forwarded after live_finished, ends it")
          .isInstanceOf(SessionEnded.class);
      onDegraded = onDegraded.subList(0, onDegraded.size() - 1);
      assertThat(onDegraded.get(onDegraded.size() - 1)).as("LiveResumed follows the last degraded chunk")
          .isInstanceOf(LiveResumed.class);

      List<Heard> live = h.liveWords(s.id);
      List<Heard> batch = h.batchWords(s.id);
      assertEveryWordExactlyOnce(script, live, batch);
      double resumeAt = resumed.get(0).getResumeOffsetSamples() / (double) Harness.RATE;
      for (ToneScript.ExpectedWord e : script.words()) {
        if (e.start() >= resumeAt) {
          assertThat(Harness.matches(e, live)).as("%s after the resume point is live again", e.text())
              .extracting(Heard::sttSession).contains(resumed.get(0).getLiveSttSession());
        }
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
    }
  }

  @Test
  void shouldDetectAStalledSocketAndGoDegraded() throws Exception {
    try (Harness h = new Harness("stalled", 2)) {
      ConfigurableApplicationContext worker = h.startWorker(Map.of());
      ToneScript script = Scripts.words(300, 24, 300);
      GatewaySession s = h.session(script);
      s.start();
      int third = s.chunks.size() / 3;
      s.sendUntil(third);
      await().atMost(Duration.ofSeconds(20)).until(() -> h.liveWords(s.id).size() >= 4);

      h.putFaults("{\"live\":{\"stall\":true}}");
      long stalledAt = System.nanoTime();
      s.sendUntil(2 * third); // audio keeps flowing into a socket that answers nothing
      await().atMost(Duration.ofSeconds(10)).until(() -> h.statusNames(s.id).contains("stt_degraded"));
      long detectedMs = (System.nanoTime() - stalledAt) / 1_000_000;
      StatusChanged degraded = h.statuses(s.id).stream().filter(c -> c.getStatus().equals("stt_degraded"))
          .findFirst().orElseThrow();
      assertThat(degraded.getMetadata()).containsEntry("reason", "stalled");
      assertThat(detectedMs).as("detected within stall-timeout (2.5 s) plus a tick and the announcement")
          .isLessThan(5_000);
      System.out.println("stall detected after " + detectedMs + " ms");

      h.clearFaults();
      await().atMost(Duration.ofSeconds(10)).until(() -> gauge(worker, "rstt.stt.live.sockets") == 1);
      s.end();
      await().atMost(Duration.ofSeconds(30)).until(() -> h.statusNames(s.id).contains("live_finished"));
      assertThat(h.liveResumed(s.id)).hasSize(1);
      assertEveryWordExactlyOnce(script, h.liveWords(s.id), h.batchWords(s.id));
    }
  }

  @Test
  void shouldCloseAnIdleSessionAndTakeItOverColdWhenAudioReturns() throws Exception {
    try (Harness h = new Harness("idle", 2)) {
      ConfigurableApplicationContext worker = h.startWorker(Map.of("rstt.stt.session-idle-timeout", "2s"));
      ToneScript script = Scripts.words(400, 16, 300);
      GatewaySession s = h.session(script);
      s.start();
      int half = s.chunks.size() / 2;
      s.sendUntil(half);
      await().atMost(Duration.ofSeconds(20)).until(() -> h.liveWords(s.id).size() >= 4);
      // the gateway goes quiet without SessionEnded: the socket is closed and everything read is committed
      await().atMost(Duration.ofSeconds(15)).until(() -> gauge(worker, "rstt.stt.sessions.active") == 0
          && gauge(worker, "rstt.stt.live.sockets") == 0);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
      assertThat(h.statusNames(s.id)).containsExactly("ready");

      s.end();
      await().atMost(Duration.ofSeconds(30)).until(() -> h.statusNames(s.id).contains("live_finished"));
      assertThat(h.liveResumed(s.id)).singleElement().satisfies(r -> {
        assertThat(r.getColdTakeover()).isTrue();
        assertThat(r.getResumeOffsetSamples()).isEqualTo(s.chunks.get(half).getOffsetSamples());
      });
      assertEveryWordExactlyOnce(script, h.liveWords(s.id), h.batchWords(s.id));
    }
  }

  static double gauge(ConfigurableApplicationContext ctx, String name) {
    return ctx.getBean(MeterRegistry.class).get(name).gauge().value();
  }

  static org.assertj.core.data.Offset<Double> within50ms() {
    return org.assertj.core.data.Offset.offset(0.05);
  }

  /**
   * Every spoken word is heard (live or in the rerouted audio) at its true time, nothing invented, and after the
   * merger's time-based deduplication each word remains exactly once.
   */
  static void assertEveryWordExactlyOnce(ToneScript script, List<Heard> live, List<Heard> batch) {
    List<Heard> all = new ArrayList<>(live);
    all.addAll(batch);
    for (ToneScript.ExpectedWord e : script.words()) {
      assertThat(Harness.matches(e, all)).as("%s at %.2f s (live: %s | batch: %s)", e.text(), e.start(),
          Harness.describe(live), Harness.describe(batch)).isNotEmpty();
    }
    assertThat(Harness.strays(script, all)).as("words that were never spoken").isEmpty();
    List<Heard> merged = Harness.dedup(all);
    assertThat(merged).extracting(Heard::text)
        .containsExactlyElementsOf(script.words().stream().map(ToneScript.ExpectedWord::text).toList());
  }
}
