package dev.rstt.batch.it;

import static org.awaitility.Awaitility.await;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.StatusChanged;
import dev.rstt.emulator.DeepgramEmulator;
import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A send that fails before it starts: after a broker outage the producer may have no metadata for the output topic
 * (it re-bootstraps when the broker is unreachable), so {@code send()} waits {@code max.block.ms} and throws. Here
 * the output topic does not exist yet, which fails sends the same way; the worker must keep polling, retry, and
 * publish every word once the topic is there (a thrown send used to end its poll loop for good).
 */
class SendFailureIT {

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
  void shouldKeepRunningAndPublishOnceSendsWorkAgain() throws Exception {
    String output = h.prefix + "late." + "transcript.events";
    Map<String, String> props = h.workerProperties(emulator.httpUrl());
    props.put("rstt.topics.transcript-events", output);
    props.put("rstt.topics.create", "false");
    props.put("spring.kafka.producer.properties.max.block.ms", "1000");
    ConfigurableApplicationContext worker = h.startWorker(props);
    String session = "01SESSIONSENDFAILURE000001";
    ToneScript script = ToneScript.random(new java.util.Random(77), 16000, 6, 400);
    List<AudioChunk> chunks = h.chunks(session, script, 0, 0, 100);
    List<SpecificRecord> all = new ArrayList<>(chunks);
    all.add(BatchHarness.sessionEnded(session, chunks.size() - 1, script.sampleCount(), 16000));
    h.sendAll(session, all);

    // transcribed, and its publishing refused and tried again (the same records, in order) at least three times
    await().atMost(Duration.ofSeconds(60)).until(() -> BatchHarness.statsField(emulator.httpUrl(), "prerecorded_ok") >= 1);
    await().atMost(Duration.ofSeconds(60)).until(() -> BatchHarness.counter(worker, "rstt.batch.publish.failures") >= 3);
    h.broker.createTopics(BatchHarness.PARTITIONS, output);

    List<ConsumerRecord<String, SpecificRecord>> published = new CopyOnWriteArrayList<>();
    Map<String, Object> c = new HashMap<>(h.broker.clientProperties());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, h.prefix + "late-collector");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(c,
        h.topics.transcriptEvents().keySerde().deserializer(), h.topics.transcriptEvents().valueSerde().deserializer())) {
      consumer.subscribe(List.of(output));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(published::add);
        return published.stream().anyMatch(r -> r.value() instanceof StatusChanged st
            && "batch_finished".equals(st.getStatus()));
      });
    }
    List<BatchHarness.PublishedWord> words = new ArrayList<>();
    for (ConsumerRecord<String, SpecificRecord> r : published) {
      if (r.value() instanceof SegmentsProduced p) {
        p.getSegments().forEach(s -> s.getWords().forEach(w -> words.add(new BatchHarness.PublishedWord(
            w.getText().replaceAll("[^A-Za-z0-9]", "").toLowerCase(), w.getStart(), w.getEnd(), p.getSttSession()))));
      }
    }
    BatchHarness.assertWordsExactlyOnce(words, script.words());
  }
}
