package dev.rstt.batch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.emulator.DeepgramEmulator;
import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Ten minutes of audio for three sessions, fed faster than real time while the pre-recorded API answers 503:
 * buffered memory stays under the cap (consumption pauses, the rest waits in Kafka), and once the API is back
 * the whole backlog is transcribed, every word once.
 */
class OutageMemoryIT {

  private static final long CAP = 1024 * 1024;

  private DeepgramEmulator emulator;
  private BatchHarness h;
  private ConfigurableApplicationContext worker;
  private Thread sampler;
  private final AtomicBoolean sampling = new AtomicBoolean(true);

  @BeforeEach
  void start(TestInfo test) {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
    h = new BatchHarness(test.getDisplayName());
  }

  @AfterEach
  void stop() throws Exception {
    sampling.set(false);
    if (sampler != null) {
      sampler.join(2000);
    }
    h.close();
    emulator.close();
  }

  @Test
  void shouldKeepMemoryFlatThroughALongOutageAndDrainTheBacklogAfter() throws Exception {
    String url = emulator.httpUrl();
    // Deepgram down as a whole: live handshakes refused and pre-recorded failing
    BatchHarness.putFaults(url, "{\"live\":{\"handshake_status\":503},\"prerecorded\":{\"status\":503}}");
    Map<String, String> props = h.workerProperties(url);
    props.put("rstt.batch.max-buffered", "1MB");
    props.put("rstt.batch.min-chunk", "20s");
    props.put("rstt.batch.max-chunk", "30s");
    props.put("rstt.batch.idle-flush", "3s");
    props.put("rstt.batch.max-poll-records", "50");
    worker = h.startWorker(props);

    AtomicLong maxBuffered = new AtomicLong();
    AtomicBoolean pausedSeen = new AtomicBoolean();
    sampler = new Thread(() -> {
      while (sampling.get()) {
        maxBuffered.accumulateAndGet((long) BatchHarness.gauge(worker, "rstt.batch.buffered.bytes"), Math::max);
        if (BatchHarness.gauge(worker, "rstt.batch.consumption.paused") == 1) {
          pausedSeen.set(true);
        }
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
      }
    }, "gauge-sampler");
    sampler.setDaemon(true);
    sampler.start();

    int rate = 8000;
    List<String> sessions = List.of("01SESSIONOUTAGE000000000001", "01SESSIONOUTAGE000000000002",
        "01SESSIONOUTAGE000000000003");
    List<ToneScript> scripts = new ArrayList<>();
    long totalRecords = 0;
    for (int i = 0; i < sessions.size(); i++) {
      ToneScript script = ToneScript.random(new Random(1000 + i), rate, 750, 900);
      assertThat(script.durationSeconds()).isGreaterThan(540);
      scripts.add(script);
      List<SpecificRecord> records = new ArrayList<>(h.chunks(sessions.get(i), script, 0, 0, 500));
      records.add(BatchHarness.sessionEnded(sessions.get(i), records.size() - 1, script.sampleCount(), rate));
      totalRecords += records.size();
      h.sendAll(sessions.get(i), records);
    }
    long total = totalRecords;

    await().atMost(Duration.ofSeconds(60)).until(pausedSeen::get);
    await().atMost(Duration.ofSeconds(30)).until(() -> BatchHarness.statsField(url, "prerecorded_failed") >= 10);
    assertThat(h.committedTotal()).as("the backlog stays in Kafka").isLessThan(total / 4);
    assertThat(maxBuffered.get()).as("buffered bytes under the cap during the outage").isLessThanOrEqualTo(CAP);
    assertThat(BatchHarness.gauge(worker, "rstt.batch.buffered.audio.seconds")).as("held audio").isPositive()
        .isLessThanOrEqualTo(CAP / (2.0 * rate));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> BatchHarness.gauge(worker, "rstt.batch.backlog.age.seconds") >= 1.0);
    for (String s : sessions) {
      assertThat(h.statusesOf(s, "batch_finished")).isEmpty();
    }

    BatchHarness.clearFaults(url);
    long cleared = System.nanoTime();
    await().atMost(Duration.ofSeconds(180)).until(() ->
        sessions.stream().allMatch(s -> !h.statusesOf(s, "batch_finished").isEmpty()));
    System.out.printf("Backlog of %.0f s of audio drained in %.1f s after the outage; max buffered %d bytes%n",
        scripts.stream().mapToDouble(ToneScript::durationSeconds).sum(), (System.nanoTime() - cleared) / 1e9,
        maxBuffered.get());
    for (int i = 0; i < sessions.size(); i++) {
      BatchHarness.assertWordsExactlyOnce(h.wordsOf(sessions.get(i)), scripts.get(i).words());
    }
    assertThat(maxBuffered.get()).as("buffered bytes under the cap throughout").isLessThanOrEqualTo(CAP);
    await().atMost(Duration.ofSeconds(15)).until(() -> h.committedTotal() == total);
  }

  @Test
  void shouldForceACutWhenEverySessionWaitsForAudioAtTheCap() throws Exception {
    // chunks are long and idle flush is far away: at the cap, every buffered session waits for more audio that
    // cannot come while consumption is paused; the worker must cut the oldest buffer to make progress
    Map<String, String> props = h.workerProperties(emulator.httpUrl());
    props.put("rstt.batch.max-buffered", "1MB");
    props.put("rstt.batch.min-chunk", "60s");
    props.put("rstt.batch.max-chunk", "90s");
    props.put("rstt.batch.idle-flush", "10m");
    worker = h.startWorker(props);
    int rate = 16000;
    List<String> sessions = List.of("01SESSIONFORCED000000000001", "01SESSIONFORCED000000000002");
    List<ToneScript> scripts = new ArrayList<>();
    for (int i = 0; i < sessions.size(); i++) {
      ToneScript script = ToneScript.random(new Random(77 + i), rate, 60, 600);
      scripts.add(script);
      List<SpecificRecord> records = new ArrayList<>(h.chunks(sessions.get(i), script, 0, 0, 100));
      records.add(BatchHarness.sessionEnded(sessions.get(i), records.size() - 1, script.sampleCount(), rate));
      h.sendAll(sessions.get(i), records);
    }
    await().atMost(Duration.ofSeconds(90)).until(() ->
        sessions.stream().allMatch(s -> !h.statusesOf(s, "batch_finished").isEmpty()));
    for (int i = 0; i < sessions.size(); i++) {
      BatchHarness.assertWordsExactlyOnce(h.wordsOf(sessions.get(i)), scripts.get(i).words());
      for (var p : h.segmentsOf(sessions.get(i))) {
        for (ToneScript.ExpectedWord w : scripts.get(i).words()) {
          assertThat(p.getCoveredToSamples() <= w.startSample() || p.getCoveredToSamples() >= w.endSample())
              .as("forced cut inside %s", w.text()).isTrue();
        }
      }
    }
    assertThat(BatchHarness.counter(worker, "rstt.batch.cuts", "reason", "forced")).isPositive();
    assertThat(BatchHarness.gauge(worker, "rstt.batch.buffered.bytes")).isZero();
  }
}
