package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.config.GatewayConfiguration;
import dev.rstt.gateway.support.AudioFramesReader;
import dev.rstt.schemas.Topic;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import dev.rstt.testsupport.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * How records reach Kafka, against the real broker and a real {@link KafkaProducer} configured as the gateway's:
 * a record the producer cannot take yet (its topic is not there, so {@code send} waits {@code max.block.ms} for
 * metadata and reports a retriable {@code TimeoutException} through the callback on the sender thread) is handed over
 * again, in order, until the producer takes it; a record it refuses for good ({@code RecordTooLargeException}, larger
 * than {@code max.request.size}) fails alone; what still waits when the publisher closes fails and gives its bytes
 * back to the budget.
 */
class AudioPublisherIT {

  /** Short, so that each refused hand-over costs little; the gateway's is {@code kafka-connect-timeout}. */
  private static final int MAX_BLOCK_MS = 300;
  private static final int MAX_REQUEST_BYTES = 16 * 1024;
  private static final long BYTES = 100;

  @BeforeAll
  static void brokerCreatesNoTopicOnDemand() throws Exception {
    // a topic that "does not exist yet" must stay absent when the producer asks for its metadata
    try (Admin admin = KafkaBroker.shared().admin()) {
      String broker = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().idString();
      ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, broker);
      Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      assertThat(config.get("auto.create.topics.enable").value())
          .as("these tests need a broker that creates no topic on demand, as every broker of this project")
          .isEqualTo("false");
    }
  }

  @Test
  void shouldHandOverAgainInOrderRecordsTheProducerCouldNotTakeYet(TestInfo test) {
    Topic<String, SpecificRecord> topic = topic(test);
    UnackedBudget budget = new UnackedBudget(10_000);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaProducer<String, SpecificRecord> producer = producer(topic);
    try (AudioPublisher publisher = publisher(producer, topic, meters, budget)) {
      List<CompletableFuture<Placement>> acks = new ArrayList<>();
      for (int seq = 0; seq < 10; seq++) {
        acks.add(publisher.publish("s", chunk(seq, 320), BYTES));
      }
      // the topic is not there: the producer refuses the first record, again and again, and takes none
      Awaitility.await("the producer refusing the first record twice").atMost(Duration.ofSeconds(15))
          .until(() -> refusals(producer) >= 2);
      assertThat(acks).noneMatch(CompletableFuture::isDone);
      assertThat(budget.used()).as("every waiting record holds its bytes").isEqualTo(10 * BYTES);

      KafkaBroker.shared().createTopics(1, topic.name());

      for (CompletableFuture<Placement> ack : acks) {
        assertThat(ack).succeedsWithin(Duration.ofSeconds(30));
      }
      assertThat(budget.used()).isZero();
      assertThat(meters.counter("rstt.gateway.publish.failures").count()).isZero();
      try (AudioFramesReader reader = new AudioFramesReader(KafkaBroker.shared().bootstrapServers(), topic)) {
        reader.awaitSession("s", values -> values.size() >= 10);
        List<ConsumerRecord<String, SpecificRecord>> all = reader.drain();
        assertThat(all).extracting(r -> ((AudioChunk) r.value()).getSeq())
            .as("each record on the topic once, in the order published")
            .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(acks).extracting(CompletableFuture::join)
            .as("each acknowledgement names where its record is")
            .containsExactlyElementsOf(all.stream().map(r -> new Placement(r.partition(), r.offset())).toList());
      }
    }
  }

  @Test
  void shouldFailARecordTheProducerRefusesForGoodAndTakeTheOthers(TestInfo test) throws Exception {
    Topic<String, SpecificRecord> topic = topic(test);
    KafkaBroker.shared().createTopics(1, topic.name());
    UnackedBudget budget = new UnackedBudget(10_000);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaProducer<String, SpecificRecord> producer = producer(topic);
    try (AudioPublisher publisher = publisher(producer, topic, meters, budget)) {
      CompletableFuture<Placement> before = publisher.publish("s", chunk(0, 320), BYTES);
      // the topic's metadata may reach the broker after more than max.block.ms on a busy machine: a retriable
      // refusal of this first record then, counted apart from the refusal under test
      assertThat(before).succeedsWithin(Duration.ofSeconds(15));
      double refusedBefore = refusals(producer);
      CompletableFuture<Placement> tooLarge = publisher.publish("s", chunk(1, 2 * MAX_REQUEST_BYTES), BYTES);
      CompletableFuture<Placement> after = publisher.publish("s", chunk(2, 320), BYTES);

      assertThat(tooLarge).failsWithin(Duration.ofSeconds(15)).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(RecordTooLargeException.class);
      assertThat(after).succeedsWithin(Duration.ofSeconds(15));
      assertThat(refusals(producer) - refusedBefore).as("refused once, not handed over again").isEqualTo(1);
      assertThat(meters.counter("rstt.gateway.publish.failures").count()).isEqualTo(1);
      assertThat(budget.used()).isZero();
      try (AudioFramesReader reader = new AudioFramesReader(KafkaBroker.shared().bootstrapServers(), topic)) {
        reader.awaitSession("s", values -> values.size() >= 2);
        assertThat(reader.drain()).extracting(r -> ((AudioChunk) r.value()).getSeq())
            .as("the records around the refused one, once each, in order").containsExactly(0L, 2L);
      }
    }
  }

  @Test
  void shouldHoldTheBudgetWhileTheProducerHasNoMetadataAndFailWhatWaitsWhenClosed(TestInfo test) {
    Topic<String, SpecificRecord> topic = topic(test); // never created: the producer never gets its metadata
    UnackedBudget budget = new UnackedBudget(2 * BYTES);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaProducer<String, SpecificRecord> producer = producer(topic);
    AudioPublisher publisher = publisher(producer, topic, meters, budget);
    CompletableFuture<Placement> first = publisher.publish("s", chunk(0, 320), BYTES);
    CompletableFuture<Placement> second = publisher.publish("s", chunk(1, 320), BYTES);
    AtomicBoolean freed = new AtomicBoolean();
    budget.whenFree(() -> freed.set(true));

    Awaitility.await("the producer refusing the first record twice").atMost(Duration.ofSeconds(15))
        .until(() -> refusals(producer) >= 2);
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    assertThat(budget.used()).as("bytes count until Kafka acknowledges").isEqualTo(2 * BYTES);
    assertThat(budget.full()).isTrue();
    assertThat(freed).as("no reading resumes while the budget is spent").isFalse();

    publisher.close();

    assertThat(first).failsWithin(Duration.ofSeconds(15)).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(TimeoutException.class);
    assertThat(second).failsWithin(Duration.ofSeconds(15)).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(TimeoutException.class);
    assertThat(budget.used()).isZero();
    assertThat(freed).as("reading resumes once the failed records gave their bytes back").isTrue();
    assertThat(meters.counter("rstt.gateway.publish.failures").count()).isEqualTo(2);
    assertThat(publisher.publish("s", chunk(2, 320), BYTES)).as("nothing is taken after close")
        .failsWithin(Duration.ofSeconds(1));
    assertThat(budget.used()).isZero();
  }

  private static Topic<String, SpecificRecord> topic(TestInfo test) {
    String name = KafkaBroker.uniquePrefix(test.getTestMethod().orElseThrow().getName()) + Topics.AUDIO_FRAMES;
    return Topics.of(Map.of(Topics.AUDIO_FRAMES, name), ValueSerdeProvider.avroSingleObject()).audioFrames();
  }

  /** The gateway's producer settings (GatewayConfiguration), with a short {@code max.block.ms}. */
  private static KafkaProducer<String, SpecificRecord> producer(Topic<String, SpecificRecord> topic) {
    Map<String, Object> config = GatewayConfiguration.audioProducerSettings(KafkaBroker.shared().clientProperties());
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
    return new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  private static AudioPublisher publisher(KafkaProducer<String, SpecificRecord> producer,
      Topic<String, SpecificRecord> topic, SimpleMeterRegistry meters, UnackedBudget budget) {
    return new AudioPublisher(producer, topic, new GatewayMetrics(meters, budget::used), budget);
  }

  /** Sends the producer refused before taking the record ({@code send} reports them as record errors). */
  private static double refusals(KafkaProducer<String, SpecificRecord> producer) {
    for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
      if (e.getKey().name().equals("record-error-total") && e.getKey().group().equals("producer-metrics")) {
        return ((Number) e.getValue().metricValue()).doubleValue();
      }
    }
    throw new IllegalStateException("the producer has no record-error-total metric");
  }

  private static AudioChunk chunk(long seq, int pcmBytes) {
    return AudioChunk.newBuilder().setSessionId("s").setUserId("u").setSeq(seq).setOffsetSamples(seq * 160)
        .setSampleRate(16000).setChannels(1).setLanguage("en").setPcm(ByteBuffer.wrap(new byte[pcmBytes]))
        .setReceivedAtMs(null).build();
  }
}
