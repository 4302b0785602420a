package dev.rstt.batch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.SegmentsProduced;
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

/**
 * The broker refuses the worker's writes to {@code transcript.events} for a while (a real broker: the topic's
 * max.message.bytes below any record; the producer gives up on a record after its 2.5 s delivery timeout), then
 * takes them again. Every SegmentsProduced and status that failed is sent again in order until written: no word is
 * lost or doubled, batch_finished comes after every segment, consumption waits meanwhile, and the committed offset
 * reaches the end only once everything is written (docs/CONTRACT.md sections 3 and 5).
 */
class FailedPublishIT {

  private DeepgramEmulator emulator;
  private BatchHarness h;

  @BeforeEach
  void start(TestInfo test) {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
    h = new BatchHarness(test.getDisplayName());
  }

  @AfterEach
  void stop() {
    h.close();
    emulator.close();
  }

  @Test
  void shouldSendFailedSegmentsAndStatusesAgainInOrderUntilWritten() throws Exception {
    Map<String, String> props = h.workerProperties(emulator.httpUrl());
    props.put("rstt.batch.min-chunk", "2s");
    props.put("rstt.batch.max-chunk", "6s");
    props.put("rstt.batch.idle-flush", "2s");
    props.put("spring.kafka.producer.properties.delivery.timeout.ms", "2500");
    props.put("spring.kafka.producer.properties.request.timeout.ms", "1000");
    props.put("spring.kafka.producer.properties.retry.backoff.ms", "250");
    ConfigurableApplicationContext worker = h.startWorker(props);

    int rate = 16000;
    String session = "01SESSIONFAILEDPUBLISH00001";
    ToneScript script = ToneScript.random(new Random(41), rate, 30, 600);
    List<SpecificRecord> records = new ArrayList<>(h.chunks(session, script, 0, 0, 100));
    records.add(BatchHarness.sessionEnded(session, records.size() - 1, script.sampleCount(), rate));

    h.broker.setTopicWritable(h.topics.transcriptEvents().name(), false);
    h.sendAll(session, records);
    await().atMost(Duration.ofSeconds(60)).until(() -> BatchHarness.counter(worker, "rstt.batch.publish.failures") >= 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> BatchHarness.gauge(worker, "rstt.batch.consumption.paused") == 1);
    assertThat(h.eventsOf(session)).as("nothing written while the topic refuses").isEmpty();
    assertThat(h.committedTotal()).as("nothing committed before its transcript is written").isLessThanOrEqualTo(0);

    h.broker.setTopicWritable(h.topics.transcriptEvents().name(), true);
    await().atMost(Duration.ofSeconds(60)).until(() -> !h.statusesOf(session, "batch_finished").isEmpty());
    BatchHarness.assertWordsExactlyOnce(h.wordsOf(session), script.words());
    List<SpecificRecord> all = h.eventsOf(session);
    assertThat(all.get(all.size() - 1)).as("batch_finished after every segment").isInstanceOf(StatusChanged.class);
    assertThat(h.statusesOf(session, "batch_finished")).hasSize(1);
    List<String> sttSessions = h.segmentsOf(session).stream().map(SegmentsProduced::getSttSession).toList();
    assertThat(sttSessions).as("each chunk's transcript written once").doesNotHaveDuplicates();
    await().atMost(Duration.ofSeconds(15)).until(() -> h.committedTotal() == records.size());
    await().atMost(Duration.ofSeconds(10)).until(() -> BatchHarness.gauge(worker, "rstt.batch.consumption.paused") == 0);
  }

}
