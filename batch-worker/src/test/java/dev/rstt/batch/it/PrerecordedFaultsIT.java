package dev.rstt.batch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.StatusChanged;
import dev.rstt.emulator.DeepgramEmulator;
import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.context.ConfigurableApplicationContext;

/** Pre-recorded failures injected in the emulator: transient ones retried until they pass, permanent ones reported. */
class PrerecordedFaultsIT {

  private DeepgramEmulator emulator;
  private BatchHarness h;
  private ConfigurableApplicationContext worker;

  @BeforeEach
  void start(TestInfo test) {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
    h = new BatchHarness(test.getDisplayName());
    Map<String, String> props = h.workerProperties(emulator.httpUrl());
    worker = h.startWorker(props);
  }

  @AfterEach
  void stop() {
    h.close();
    emulator.close();
  }

  @Test
  void shouldRetry503Then429ThenSlowAnswersUntilTheyPassWithoutLoss() throws Exception {
    String url = emulator.httpUrl();
    BatchHarness.putFaults(url, "{\"prerecorded\":{\"status\":503}}");
    int rate = 8000;
    String session = "01SESSIONFAULTS000000000001";
    ToneScript script = ToneScript.random(new Random(21), rate, 40, 700);
    List<SpecificRecord> records = new ArrayList<>(h.chunks(session, script, 8000 * 3, 30, 100));
    records.add(BatchHarness.sessionEnded(session, 30 + records.size() - 1, 8000 * 3 + script.sampleCount(), rate));
    h.sendAll(session, records);

    await().atMost(Duration.ofSeconds(30)).until(() -> BatchHarness.statsField(url, "prerecorded_failed") >= 4);
    assertThat(h.segmentsOf(session)).isEmpty();
    assertThat(h.committedTotal()).as("nothing committed while nothing is transcribed").isLessThanOrEqualTo(0);
    await().atMost(Duration.ofSeconds(30)).until(() -> worker.getBean(
        io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class).circuitBreaker("deepgram-prerecorded")
        .getState() != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);

    long failedBefore429 = BatchHarness.statsField(url, "prerecorded_failed");
    BatchHarness.putFaults(url, "{\"prerecorded\":{\"status\":429}}");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> BatchHarness.statsField(url, "prerecorded_failed") >= failedBefore429 + 2);
    assertThat(h.segmentsOf(session)).isEmpty();

    BatchHarness.putFaults(url, "{\"prerecorded\":{\"delay_ms\":1500}}");
    await().atMost(Duration.ofSeconds(90)).until(() -> !h.statusesOf(session, "batch_finished").isEmpty());
    BatchHarness.clearFaults(url);

    BatchHarness.assertWordsExactlyOnce(h.wordsOf(session),
        script.words().stream().map(w -> w.shifted(8000 * 3)).toList());
    assertThat(BatchHarness.counter(worker, "rstt.batch.chunks", "outcome", "retried")).isPositive();
    assertThat(h.statusesOf(session, "chunk_lost")).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.committedTotal() == records.size());
  }

  @Test
  void shouldReportAChunkLostOnAPermanentErrorAndMoveOn() throws Exception {
    String url = emulator.httpUrl();
    BatchHarness.putFaults(url, "{\"prerecorded\":{\"status\":401}}");
    int rate = 16000;
    String session = "01SESSIONLOST00000000000001";
    ToneScript script = ToneScript.numbered(rate, 300, 6, 0, 400);
    List<SpecificRecord> records = new ArrayList<>(h.chunks(session, script, 0, 0, 100));
    records.add(BatchHarness.sessionEnded(session, records.size() - 1, script.sampleCount(), rate));
    h.sendAll(session, records);

    await().atMost(Duration.ofSeconds(30)).until(() -> !h.statusesOf(session, "batch_finished").isEmpty());
    List<StatusChanged> lost = h.statusesOf(session, "chunk_lost");
    assertThat(lost).hasSize(1);
    assertThat(lost.get(0).getMetadata()).containsEntry("from_s", "0.000")
        .containsEntry("to_s", String.format("%.3f", (double) script.sampleCount() / rate))
        .containsKey("reason");
    assertThat(lost.get(0).getSttSession()).isNotBlank();
    assertThat(BatchHarness.statsField(url, "prerecorded_failed")).as("a permanent error is not retried").isEqualTo(1);
    assertThat(BatchHarness.counter(worker, "rstt.batch.chunks", "outcome", "lost")).isEqualTo(1.0);
    await().atMost(Duration.ofSeconds(10)).until(() -> h.committedTotal() == records.size());
  }
}
